package dev.failover.actuator.domain.steps;

import java.util.Locale;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.steps.PromotionFinding.BeyondBudget;
import dev.failover.actuator.domain.steps.PromotionFinding.CaughtUpWithFence;
import dev.failover.actuator.domain.steps.PromotionFinding.FenceAsked;
import dev.failover.actuator.domain.steps.PromotionFinding.FenceFailed;
import dev.failover.actuator.domain.steps.PromotionFinding.FenceRefused;
import dev.failover.actuator.domain.steps.PromotionFinding.Fenced;
import dev.failover.actuator.domain.steps.PromotionFinding.ForcedBesideWriter;
import dev.failover.actuator.domain.steps.PromotionFinding.Lag;
import dev.failover.actuator.domain.steps.PromotionFinding.LagAfterFence;
import dev.failover.actuator.domain.steps.PromotionFinding.OlderTimeline;
import dev.failover.actuator.domain.steps.PromotionFinding.PlannedUnread;
import dev.failover.actuator.domain.steps.PromotionFinding.ReceivedAll;
import dev.failover.actuator.domain.steps.PromotionFinding.Receiving;
import dev.failover.actuator.domain.steps.PromotionFinding.ReplicatesAnother;
import dev.failover.actuator.domain.steps.PromotionFinding.Stopping;
import dev.failover.actuator.domain.steps.PromotionFinding.SwitchoverWaits;
import dev.failover.actuator.domain.steps.PromotionFinding.Unread;

/**
 * The operator's words for each {@link PromotionFinding}: the published results, the group's status, the grounds of a
 * promotion that loses nothing. The runbook, the tests and the system tests quote some of these sentences: change one
 * only together with them. {@code text} is the whole sentence; {@code condition}, where a finding has one, the same
 * without the figures that change from pass to pass (a result is said once while its condition lasts).
 */
final class PromotionWords {

    private PromotionWords() {
    }

    /** Why an old primary cannot be read when no backend or login is configured for it. */
    static final String NOTHING_CONFIGURED = "no backend or login configured";

    static String text(ReplicatesAnother f) {
        return "held: " + f.target() + "'s replica replicates " + f.source() + ", not the old primary " + f.previous()
                + "'s node " + f.oldNode() + ": it lacks everything written there since it took over, whatever its lag"
                + " says, so " + f.previous() + "'s node is not fenced. Re-point it at " + f.previous() + "'s node"
                + " (a new read replica of " + f.oldNode() + "); an operator's force promotes it as it is";
    }

    static String text(OlderTimeline f) {
        return "held: " + f.target() + "'s replica follows timeline " + f.follows() + " while the old primary, "
                + f.previous() + "'s node, writes timeline " + f.writes() + ": it replicates an older primary and will"
                + " never receive what " + f.previous() + " wrote, so " + f.previous() + "'s node, which takes the"
                + " writes, is not fenced. Re-point it at " + f.previous() + "'s node (pg_rewind or a new base backup,"
                + " primary_conninfo); an operator's force fences the old primary and promotes it as it is";
    }

    static String text(PlannedUnread f) {
        return "a planned move fences the old primary " + f.oldNode() + " first, and it cannot be read: "
                + f.reason();
    }

    static String text(Unread f) {
        return "old primary " + f.oldNode() + " not reachable, not fenced (" + f.reason() + "); "
                + stopping(f.stopping());
    }

    private static String stopping(Stopping stopping) {
        if (stopping instanceof Stopping.Shown shown) {
            return shown.how();
        }
        return stopping instanceof Stopping.Forced
                ? "promoted by an operator's force, which takes the risk that it still takes writes"
                : "the DNS switch sends clients away from it, a fencing hook of your own stops it";
    }

    static String text(SwitchoverWaits f) {
        return "the switchover waits until " + f.target() + "'s replica holds everything the writer " + f.oldNode()
                + " wrote, then demotes it";
    }

    static String text(FenceAsked f) {
        return f.outcome().describe() + " (old primary, " + f.kind() + ")";
    }

    static String text(Fenced f) {
        return "old primary " + f.oldNode() + " fenced; " + f.target() + "'s replica is promoted once it has received"
                + " everything the old primary wrote";
    }

    static String text(ForcedBesideWriter f) {
        return "old primary " + f.oldNode() + " takes writes and was not fenced (" + f.outcome().describe()
                + "); promoted by an operator's force all the same: two nodes take writes until it is stopped";
    }

    static String text(FenceRefused f) {
        String refused = f.planned()
                ? "a planned move fences the old primary " + f.oldNode() + " first, and that was refused: " + f.reason()
                : "old primary " + f.oldNode() + " takes writes and could not be fenced: " + f.reason() + ". Promoting "
                        + f.target() + "'s replica beside it would make two writable primaries";
        return refused + ". Stop the writes to it yourself (or give the fence's login the right) and retry, or move"
                + " with an operator's force, which promotes anyway";
    }

    static String text(FenceFailed f) {
        return "fencing the old primary " + f.oldNode() + " failed: " + f.outcome().describe();
    }

    static String text(CaughtUpWithFence f) {
        return "its lag, read after the old primary " + f.oldNode() + " was fenced, reaches back to before the fence (a"
                + " session that turned the read-only default off for itself is not stopped by that fence)";
    }

    static String condition(LagAfterFence f) {
        return (f.planned() ? "a planned move loses nothing" : "the old primary " + f.oldNode() + " answered and is"
                + " fenced, so nothing need be lost") + ": waiting for " + f.target() + "'s replica lag, read after the"
                + " fence, to show it holds everything written before it";
    }

    static String text(LagAfterFence f) {
        return condition(f) + " (" + lag(f.lag()) + ")";
    }

    static String text(ReceivedAll f) {
        return "it received everything the fenced old primary " + f.oldNode() + " wrote (timeline "
                + f.written().timeline() + ", up to " + Database.Wal.lsn(f.written().lsn()) + ")";
    }

    static String condition(Receiving f) {
        return "waiting for " + f.target() + "'s replica to receive everything the fenced old primary " + f.oldNode()
                + " wrote";
    }

    static String text(Receiving f) {
        return condition(f) + " (it wrote up to " + position(f.written()) + ", the replica has received up to "
                + position(f.received()) + receiving(f.received().receiver())
                + "; an operator's force promotes it as it is)";
    }

    private static String position(Database.Wal wal) {
        return "timeline " + wal.timeline() + " " + Database.Wal.lsn(wal.lsn());
    }

    private static String receiving(Database.Receiver receiver) {
        if (receiver == null) {
            return ", its WAL receiver not running";
        }
        return receiver.streaming() ? ", streaming" + (receiver.source() == null ? "" : " from " + receiver.source())
                : ", not streaming";
    }

    /** The published result's condition: said once while the replica stays as far beyond. */
    static String resultCondition(BeyondBudget f) {
        return "held: " + f.target() + "'s replica, " + beyondWhat(f) + ", " + beyond(f);
    }

    /** The published result, with what it may lose and its lag. */
    static String result(BeyondBudget f) {
        return "held: " + f.target() + "'s replica: " + f.exposure().describe() + "; " + beyond(f) + " (" + lag(f.lag())
                + "); a force by an operator promotes it anyway";
    }

    /** The group status's condition. */
    static String condition(BeyondBudget f) {
        return "held by the data-loss budget: " + f.target() + "'s replica, " + beyondWhat(f) + ", " + beyond(f);
    }

    /** The group's status, with what it may lose and its lag. */
    static String text(BeyondBudget f) {
        return "held by the data-loss budget: " + f.target() + "'s replica: " + f.exposure().describe() + "; "
                + beyond(f) + " (" + lag(f.lag()) + "; an operator's force overrides it)";
    }

    private static String beyondWhat(BeyondBudget f) {
        return f.exposure() instanceof LossExposure.Unknown ? "unknown" : "beyond";
    }

    private static String beyond(BeyondBudget f) {
        return (f.planned() ? "a planned move loses nothing" : "beyond safety.maxDataLossSeconds " + f.budget())
                + (f.budget() == 0 && f.exposure() instanceof LossExposure.Window ? " (a budget of 0 needs "
                        + f.target() + "'s replica to be the synchronous standby of the primary)" : "");
    }

    /** A replica's lag, as results show it beside a promotion or a hold. */
    static String lag(Lag lag) {
        return String.format(Locale.ROOT, "%.1f s, %d bytes not yet applied%s", lag.seconds(), lag.unappliedBytes(),
                lag.replayPaused() ? ", replay paused" : "");
    }
}
