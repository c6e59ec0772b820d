package dev.failover.actuator.domain.steps;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.contract.event.DecisionKind;

/**
 * What the checks before a promotion found (ADR 0020), with the figures they found it by: made by
 * {@link PromotionGate}, which decides what the pass does about it, and put into words by {@link PromotionWords} alone,
 * so that the deciding reads as the decision and the sentences operators and tests read stay in one place. Nodes are
 * named as {@link dev.failover.contract.topology.DatabaseRef#node()} does, targets by their ids.
 */
sealed interface PromotionFinding {

    /**
     * The target's replica replicates another node than the old primary's (a backend without timelines names its
     * source): it lacks everything written there since, whatever its lag says.
     */
    record ReplicatesAnother(String target, String source, String previous, String oldNode)
            implements PromotionFinding {
    }

    /**
     * The target's replica follows an older timeline than the one the old primary writes: it will never receive what
     * the old primary wrote.
     */
    record OlderTimeline(String target, long follows, String previous, long writes) implements PromotionFinding {
    }

    /** A planned move's old primary, which it fences first, cannot be read, for {@code reason}. */
    record PlannedUnread(String oldNode, String reason) implements PromotionFinding {
    }

    /** The old primary cannot be read, for {@code reason}, and is not fenced; {@code stopping} stops its writes. */
    record Unread(String oldNode, String reason, Stopping stopping) implements PromotionFinding {
    }

    /** What stops the writes of an old primary that cannot be read, as far as the plane knows. */
    sealed interface Stopping {

        /** An operator's force promotes beside it, taking the risk that it still takes writes. */
        record Forced() implements Stopping {
        }

        /** The DNS switch sends its clients away, and a fencing hook of the user's own stops it. */
        record SentAway() implements Stopping {
        }

        /** Its writes are shown to have stopped, as {@code how} says ({@link WritesStopped.Shown}). */
        record Shown(String how) implements Stopping {
        }
    }

    /**
     * The old writer answers and the backend's switchover itself waits for the replica and demotes it (Aurora's):
     * nothing acknowledged is lost.
     */
    record SwitchoverWaits(String target, String oldNode) implements PromotionFinding {
    }

    /** The fence of the old primary, asked for under a decision of {@code kind}, went as {@code outcome} says. */
    record FenceAsked(WriteOutcome outcome, DecisionKind kind) implements PromotionFinding {
    }

    /** The old primary was fenced: the target's replica is promoted once it has received everything it wrote. */
    record Fenced(String oldNode, String target) implements PromotionFinding {
    }

    /** The old primary takes writes and was not fenced ({@code outcome}); an operator's force promotes beside it. */
    record ForcedBesideWriter(String oldNode, WriteOutcome outcome) implements PromotionFinding {
    }

    /**
     * The old primary's fence was refused with {@code reason}: a planned move cannot fence first, an unplanned one
     * would make two writable primaries.
     */
    record FenceRefused(boolean planned, String oldNode, String target, String reason) implements PromotionFinding {
    }

    /** The old primary's fence did not go through, for now ({@code outcome}). */
    record FenceFailed(String oldNode, WriteOutcome outcome) implements PromotionFinding {
    }

    /**
     * A backend without positions: the replica's lag, read after the old primary was fenced, reaches back to before the
     * fence.
     */
    record CaughtUpWithFence(String oldNode) implements PromotionFinding {
    }

    /**
     * A backend without positions: the replica's lag, read after the old primary was fenced, does not reach back to
     * before the fence yet.
     */
    record LagAfterFence(boolean planned, String oldNode, String target, Lag lag) implements PromotionFinding {
    }

    /** The replica received everything the fenced old primary wrote, up to {@code written}. */
    record ReceivedAll(String oldNode, Database.Wal written) implements PromotionFinding {
    }

    /** The replica has received up to {@code received}, not all the fenced old primary wrote ({@code written}). */
    record Receiving(String target, String oldNode, Database.Wal written, Database.Wal received)
            implements PromotionFinding {
    }

    /**
     * Without an old primary that answers: what promoting the target's replica may lose is beyond {@code budget}
     * seconds (a planned move's budget is 0).
     */
    record BeyondBudget(String target, boolean planned, int budget, LossExposure exposure, Lag lag)
            implements PromotionFinding {
    }

    /**
     * A replica's lag as read: how far behind, the bytes received but not yet applied, and whether replay is paused.
     */
    record Lag(double seconds, long unappliedBytes, boolean replayPaused) {

        static Lag of(Database.Observation.Observed node) {
            return new Lag(node.lagSeconds(), node.unreplayedBytes(), node.replayPaused());
        }
    }
}
