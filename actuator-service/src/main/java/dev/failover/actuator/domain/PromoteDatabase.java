package dev.failover.actuator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;

/**
 * A write that sends traffic to a target with a database node waits until that node is writable (ADR 0020), after the
 * target's capacity and before the DNS write. Each pass does the one next thing: fence the previous target's node while
 * it still takes writes, hold while the replica lags beyond what the decision may lose, promote, observe until writable.
 * <ul>
 * <li>A planned move (switchover, drill) loses nothing: the old primary is fenced first (it must answer), then the replica
 * must have applied everything before it is promoted; a backend whose switchover does both itself (Aurora's) is asked
 * for it at once.</li>
 * <li>An unplanned failover promotes a replica that lags by at most the group's {@code safety.maxDataLossSeconds}; the old
 * primary is fenced where it answers (where it does not, the DNS switch and the user's own fencing protect).</li>
 * <li>An operator's force promotes whatever the lag (the decision carries its reason and principal).</li>
 * <li>A node that was fenced as an old primary is never made writable again here: it must be rebuilt as a replica first
 * (the database never fails back on its own).</li>
 * </ul>
 */
record PromoteDatabase() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use, PassContext group) {
        if (!(pass.goal() instanceof Goal.Decided goal) || !use.traffic().sendsTrafficToTarget(goal.config(), goal.desired())) {
            return ReconcileStep.go(pass); // no decision yet, or the first step of a planned move (it only lowers the TTL)
        }
        DatabaseRef ref = goal.target().database();
        if (ref == null) {
            return ReconcileStep.go(pass);
        }
        Optional<Duration> wait = databaseWait(goal, ref, pass.now(), use, group);
        return wait.isPresent() ? ReconcileStep.done(wait.get()) : ReconcileStep.go(pass);
    }

    /** Empty when the target's node is writable; otherwise when to look again. */
    private static Optional<Duration> databaseWait(Goal.Decided goal, DatabaseRef ref, Instant now, Backends use,
            PassContext group) {
        Target target = goal.target();
        String kind = Databases.kind(ref);
        Decision decision = goal.desired().decision();
        Optional<Observation> read = use.databases().observe(ref);
        read.ifPresent(seen -> group.databaseSeen(target, seen, now));
        if (read.isEmpty()) {
            return Optional.of(group.block(ActuationStep.DATABASE, kind, "no " + kind + " backend" + (ref.credentials() == null
                    ? "" : " or login '" + ref.credentials() + "'") + " is configured for " + target.id() + "'s database; DNS"
                    + " not switched", now));
        }
        if (read.get() instanceof Observation.Unavailable unavailable) {
            return Optional.of(group.retryLater(target.id() + "'s database unavailable: " + unavailable.reason()
                    + "; DNS waits for it", now));
        }
        if (read.get() instanceof Observation.Rejected rejected) {
            return Optional.of(group.block(ActuationStep.DATABASE, kind, "reading " + target.id() + "'s database was refused: "
                    + rejected.reason(), now));
        }
        Observation.Observed node = (Observation.Observed) read.get();
        Optional<Target> previous = previous(goal);
        if (node.role() == Role.FENCED) {
            return Optional.of(group.block(ActuationStep.DATABASE, kind, target.id() + "'s database " + ref.node()
                    + " was fenced as an old primary: it takes no writes until it is rebuilt as a replica of the current"
                    + " primary (pg_rewind or a new base backup) and moved back by a planned switchover (ADR 0020)", now));
        }
        if (node.role() == Role.WRITABLE) {
            // promoted on an earlier pass (whose fence attempt came before it), or already the primary: DNS goes on at
            // once; an old primary that answers again later is FenceOtherWritable's, after the switch is served
            String writable = target.id() + "'s database " + ref.node() + " is writable";
            Optional<Duration> took = group.promotedWritable(now);
            group.publishOnce(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, kind, writable, writable + took.map(t ->
                    String.format(java.util.Locale.ROOT, ", %.1f s after its promotion was requested", t.toMillis() / 1000.0))
                    .orElse(""), now);
            return Optional.empty();
        }
        // a replica: fence the old primary, then check what may be lost, then promote
        boolean planned = decision.kind().planned();
        // an atomic switchover (Aurora's) waits for the replica and demotes the old primary itself: asked for at once
        boolean atomic = planned && use.databases().switchesOverItself(ref);
        if (planned && !atomic) {
            if (previous.isPresent()) {
                Optional<Duration> fenced = fenceBeforePlannedMove(previous.get(), decision, now, use, group);
                if (fenced.isPresent()) {
                    return fenced;
                }
            }
            if (node.unreplayedBytes() > 0 || node.lagSeconds() > 0) {
                // said once while it waits: the lag's figures change on every pass
                String waiting = "a planned move loses nothing: waiting for " + target.id() + "'s replica to apply everything";
                return Optional.of(group.retryLater(waiting, waiting + " (" + lag(node) + ")", now,
                        use.settings().capacityPoll()));
            }
        } else if (!planned) {
            int budget = goal.config().safety().maxDataLossSeconds();
            if (decision.kind() != DecisionKind.FORCE && node.lagSeconds() > budget) {
                group.heldForDataLoss(now);
                String beyond = "beyond safety.maxDataLossSeconds " + budget;
                group.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, "held: " + target.id()
                        + "'s replica lags " + beyond, "held: " + target.id() + "'s replica lags " + lag(node) + ", "
                        + beyond + "; a force by an operator promotes it anyway", now);
                return Optional.of(group.retryLater("held by the data-loss budget: " + target.id() + "'s replica lags "
                        + beyond, "held by the data-loss budget: " + target.id() + "'s replica lags " + lag(node) + ", "
                        + beyond + " (an operator's force overrides it)", now, use.settings().capacityPoll()));
            }
            previous.ifPresent(old -> fenceIfWritable(old, decision, now, use, group));
        }
        WriteOutcome promoted = use.databases().promote(ref, planned ? Database.Move.PLANNED : Database.Move.UNPLANNED)
                .orElseThrow();
        if (promoted instanceof WriteOutcome.Rejected rejected) {
            group.report(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, rejected.reason() + "; DNS not switched", now);
            return Optional.of(group.block(ActuationStep.DATABASE, kind, "promotion of " + target.id() + "'s database refused: "
                    + rejected.reason(), now));
        }
        if (promoted instanceof WriteOutcome.Unavailable unavailable) {
            return Optional.of(group.retryLater(target.id() + "'s database unavailable while promoting: "
                    + unavailable.reason() + "; DNS waits for it", now));
        }
        int requests = group.promotionRequested(now);
        group.publishOnce(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, kind, ((WriteOutcome.Requested) promoted).details()
                + " (" + decision.kind() + ", replica lag " + lag(node) + ")", now);
        // looked at again with the reconciler's backoff counted from the first request (200 ms, doubled up to its
        // max-delay): PostgreSQL is writable within a tenth of a second, a managed database within minutes; the scaling
        // poll (5 s) cost the demo 5 s
        return Optional.of(group.retryLater("promotion of " + target.id() + "'s database requested; DNS waits until it is"
                + " writable", now, use.settings().backoff().after(requests)));
    }

    /** The target traffic leaves, when its database node is another node. */
    private static Optional<Target> previous(Goal.Decided goal) {
        String from = goal.desired().decision().fromTarget();
        return Optional.ofNullable(from).flatMap(goal.config()::target).filter(old -> old.database() != null
                && !old.database().node().equals(goal.target().database().node()));
    }

    /** Best effort: an old primary that answers and still takes writes is fenced; one that does not answer is left. */
    private static void fenceIfWritable(Target previous, Decision decision, Instant now, Backends use, PassContext group) {
        DatabaseRef old = previous.database();
        Optional<Observation> seen = use.databases().observe(old);
        seen.ifPresent(o -> group.databaseSeen(previous, o, now));
        if (seen.isPresent() && seen.get() instanceof Observation.Observed o && o.role() == Role.WRITABLE) {
            fence(old, decision, now, use, group);
        } else if (seen.isPresent() && seen.get() instanceof Observation.Unavailable u) {
            group.publishOnce(ActuationStep.DATABASE, ActuationStatus.SKIPPED, Databases.kind(old), "old primary "
                    + old.node() + " not reachable, not fenced (" + u.reason() + "); the DNS switch sends clients away from"
                    + " it, a fencing hook of your own stops it", now);
        }
    }

    /** A planned move fences the old primary first, and waits while it cannot. Empty once it takes no writes. */
    private static Optional<Duration> fenceBeforePlannedMove(Target previous, Decision decision, Instant now, Backends use,
            PassContext group) {
        DatabaseRef old = previous.database();
        Optional<Observation> seen = use.databases().observe(old);
        seen.ifPresent(o -> group.databaseSeen(previous, o, now));
        if (seen.isEmpty() || !(seen.get() instanceof Observation.Observed o)) {
            String why = seen.map(s -> s instanceof Observation.Unavailable u ? u.reason()
                    : ((Observation.Rejected) s).reason()).orElse("no backend or login configured");
            return Optional.of(group.retryLater("a planned move fences the old primary " + old.node() + " first, and it"
                    + " cannot be read: " + why, now));
        }
        if (o.role() != Role.WRITABLE) {
            return Optional.empty();
        }
        WriteOutcome fenced = fence(old, decision, now, use, group);
        if (fenced instanceof WriteOutcome.Rejected rejected) {
            // refused for good (RDS will not stop an instance that still has its read replica; a login without the
            // right): a planned move cannot lose nothing here, an operator decides
            return Optional.of(group.block(ActuationStep.DATABASE, Databases.kind(old), "a planned move fences the old"
                    + " primary " + old.node() + " first, and that was refused: " + rejected.reason() + ". Stop the writes"
                    + " to it yourself and move with a force (an unplanned move), or abort the switchover", now));
        }
        return fenced instanceof WriteOutcome.Requested ? Optional.empty()
                : Optional.of(group.retryLater("fencing the old primary " + old.node() + " failed: " + describe(fenced), now));
    }

    /** Fences the old primary and reports the outcome as a DATABASE step. */
    private static WriteOutcome fence(DatabaseRef old, Decision decision, Instant now, Backends use, PassContext group) {
        WriteOutcome fenced = use.databases().fence(old).orElseThrow();
        group.report(ActuationStep.DATABASE, fenced instanceof WriteOutcome.Requested ? ActuationStatus.SUCCEEDED
                : ActuationStatus.FAILED, Databases.kind(old), describe(fenced) + " (old primary, " + decision.kind() + ")", now);
        return fenced;
    }

    private static String describe(WriteOutcome outcome) {
        if (outcome instanceof WriteOutcome.Requested r) {
            return r.details();
        }
        return outcome instanceof WriteOutcome.Unavailable u ? "unavailable: " + u.reason()
                : "refused: " + ((WriteOutcome.Rejected) outcome).reason();
    }

    private static String lag(Observation.Observed node) {
        return String.format(java.util.Locale.ROOT, "%.1f s, %d bytes not yet applied%s", node.lagSeconds(),
                node.unreplayedBytes(), node.replayPaused() ? ", replay paused" : "");
    }
}
