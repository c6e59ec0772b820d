package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.UnreachablePrimary;

/**
 * Whether an old primary that does not answer has stopped taking writes, before an unplanned move promotes beside it
 * (ADR 0020, "A promotion beside an unreachable old primary"): its region may be cut off from the plane while its own
 * clients keep writing to it, and every write it takes after the promotion is lost beyond any budget. Used by
 * {@link PromotionGate}.
 */
sealed interface WritesStopped {

    /** @param how what shows it, for the result */
    record Shown(String how) implements WritesStopped {
    }

    /** Not (yet): the pass ends as {@code next} says. */
    record NotYet(Next.Done next) implements WritesStopped {
    }

    /**
     * How long after its fence agent's lease has run out an old primary is promoted beside: the agent stops the server a
     * little before its lease ends, and a stop takes a moment.
     */
    Duration FENCE_AGENT_MARGIN = Duration.ofSeconds(2);

    /**
     * An unreachable old primary's writes are known to have stopped when its fence agent's lease has run out: the agent
     * beside it stops the server once no actuator that drives the group has said for {@code selfFenceSeconds} that the
     * node may write, and this instance has said no since it first found the node unreachable under this move (every
     * actuator that may answer says no once the group's desired state names another target: {@code StartCheck}).
     * Without an agent, only the group's {@code safety.unreachablePrimary: promote-within-budget} goes on; otherwise the
     * move is held with the reason until the node answers (and is fenced) or an operator forces it.
     */
    static WritesStopped check(Target previous, Goal.Decided goal, Observation.Observed candidate,
            String why, Pass pass, Backends use) {
        Instant now = pass.now();
        DatabaseRef old = previous.database();
        String kind = Databases.kind(old);
        Target target = goal.target();
        Integer lease = old instanceof DatabaseRef.Postgres postgres ? postgres.selfFenceSeconds() : null;
        if (lease != null) {
            // counted from the first sighting, streaming or not: every actuator that may answer its agent says no from
            // then on at the latest
            Instant since = use.dataTier().unreachableSince(previous.id(), goal.epoch(), now);
            Database.Receiver receiver = candidate.wal() == null ? null : candidate.wal().receiver();
            if (receiver != null && receiver.streaming()) {
                use.dataTier().held(now);
                String held = "held: " + target.id() + "'s replica still streams from " + (receiver.source() == null
                        ? "its primary" : receiver.source()) + " while the old primary " + old.node() + " cannot be"
                        + " reached from here (" + why + "): it is alive, and may still take writes. The move waits"
                        + " until it answers or the replica stops streaming; an operator's force promotes anyway";
                return new NotYet(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held)
                        .retryLater(held, use.settings().capacityPoll(), use));
            }
            java.util.Optional<Instant> asked = use.dataTier().lastAskedToWrite(previous.id());
            if (asked.isEmpty() || asked.get().isBefore(since.minusSeconds(lease))) {
                // selfFenceSeconds says an agent runs beside it; only its questions show one does
                use.dataTier().held(now);
                String held = "held: the old primary " + old.node() + " cannot be reached (" + why + "), and no fence"
                        + " agent beside it has asked this actuator whether it may write "
                        + asked.map(at -> "since " + at
                                + ", more than its lease of " + lease + " s before it was lost")
                                .orElse("since this actuator"
                                        + " started")
                        + ": nothing shows one runs to stop it. Check the agent"
                        + " (deploy/postgres/failover-fence-agent); stop the node yourself and move with an operator's force";
                return new NotYet(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held)
                        .retryLater(held, use.settings().capacityPoll(), use));
            }
            Instant stoppedBy = since.plusSeconds(lease).plus(FENCE_AGENT_MARGIN);
            if (now.isBefore(stoppedBy)) {
                String waiting = "waiting for the fence agent beside the old primary " + old.node() + ": it cannot be"
                        + " reached (" + why + "), and its agent stops it once no actuator has let it write for "
                        + lease
                        + " s (by " + stoppedBy + ")";
                Duration left = Duration.between(now, stoppedBy);
                return new NotYet(pass.retryLater(waiting, left.compareTo(use.settings().capacityPoll()) < 0
                        ? left : use.settings().capacityPoll(), use));
            }
            return new Shown("its fence agent stopped it: no actuator has let it write since " + since
                    + ", longer than its lease of " + lease + " s");
        }
        if (goal.config().safety().unreachablePrimary() == UnreachablePrimary.PROMOTE_WITHIN_BUDGET) {
            return new Shown("promoted within the budget as if it had crashed"
                    + " (safety.unreachablePrimary: promote-within-budget); writes it takes meanwhile are lost");
        }
        use.dataTier().held(now);
        String held = "held: the old primary " + old.node() + " cannot be reached (" + why + ") and nothing shows that"
                + " its writes stopped: its region may be cut off from the plane while its clients still write to it,"
                + " and every write after a promotion of " + target.id() + "'s replica would be lost. Stop it yourself"
                + " and move with an operator's force, install the fence agent beside it (database.selfFenceSeconds),"
                + " or set safety.unreachablePrimary: promote-within-budget";
        return new NotYet(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held)
                .retryLater(held, use.settings().capacityPoll(), use));
    }
}
