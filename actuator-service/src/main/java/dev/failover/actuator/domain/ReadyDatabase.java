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
        Optional<Target> previous = previous(goal, group);
        DesiredState.Promotion promotion = goal.desired().promotion();
        if (node.role() == Role.FENCED && promotion != null && promotion.phase() == DesiredState.Phase.TAKEN_BACK
                && promotion.target().equals(target.id())) {
            return Optional.of(group.block(ActuationStep.DATABASE, kind, promotion.detail(), now));
        }
        if (node.role() == Role.FENCED) {
            return Optional.of(group.block(ActuationStep.DATABASE, kind, target.id() + "'s database " + ref.node()
                    + " was fenced as an old primary: it takes no writes until it is rebuilt as a replica of the current"
                    + " primary (pg_rewind or a new base backup) and moved back by a planned switchover (ADR 0020)", now));
        }
        Optional<DataTierWatch.FormerPrimary> former = group.formerPrimary(target);
        if (former.isPresent()) {
            // writable, but on a history the group left (issue 50): traffic there would write beside the real primary,
            // and the guard would then fence the node with every write since the failover
            return Optional.of(group.block(ActuationStep.DATABASE, kind, target.id() + "'s database " + ref.node()
                    + " is a former primary: " + former.get().why() + ". It gets no traffic and is fenced; rebuild it as a"
                    + " replica of " + former.get().newer() + "'s node (pg_rewind or a new base backup) and move back by a"
                    + " planned switchover (ADR 0020)", now));
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
        // a replica: the old primary fenced where it answers, and what may be lost measured, before the promotion
        boolean planned = decision.kind().planned();
        // an atomic switchover (Aurora's) waits for the replica and demotes the old primary itself: asked for at once
        boolean atomic = planned && use.databases().switchesOverItself(ref);
        LossExposure exposure = null;
        if (!atomic) {
            Step before = previous.isPresent() ? oldPrimaryFirst(previous.get(), goal, node, now, use, group)
                    : budgetGate(goal, node, now, use, group);
            if (before instanceof Step.Wait wait) {
                return Optional.of(wait.next());
            }
            exposure = ((Step.Promote) before).exposure();
        }
        if (planned && !atomic && previous.isPresent() && goal.desired().ownPromotion().isEmpty() && node.wal() != null
                && node.wal().nextXid() != 0 && node.unreplayedBytes() == 0) {
            // kept before it is asked for: the way back, should the switch be refused after it, shows from it that no
            // write reached the promoted node. Read with everything replayed: a replica hands out no transaction ids,
            // so the promoted node starts from this one
            group.promotion(DesiredState.Promotion.requested(goal.desired().epoch(), target.id(), previous.get().id(),
                    node.wal().nextXid()));
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
        int requests = group.promotionRequested(target, now, exposure);
        group.publishOnce(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, kind, ((WriteOutcome.Requested) promoted).details()
                + " (" + decision.kind() + ", replica lag " + lag(node) + (exposure == null ? "" : "; " + exposure.describe())
                + ")", now);
        // looked at again with the reconciler's backoff counted from the first request (200 ms, doubled up to its
        // max-delay): PostgreSQL is writable within a tenth of a second, a managed database within minutes; the scaling
        // poll (5 s) cost the demo 5 s
        return Optional.of(group.retryLater("promotion of " + target.id() + "'s database requested; DNS waits until it is"
                + " writable", now, use.settings().backoff().after(requests)));
    }

    /**
     * The old primary a move fences and measures against: the target whose node was last seen taking writes, when that
     * is another node than the target's; else the target traffic leaves. They differ after a decision that was blocked:
     * the decision's {@code fromTarget} is then not the node that writes.
     */
    private static Optional<Target> previous(Goal.Decided goal, PassContext group) {
        String own = goal.target().database().node();
        Optional<Target> writer = group.lastSeenWriter().flatMap(goal.config()::target)
                .filter(t -> t.database() != null && !t.database().node().equals(own));
        if (writer.isPresent()) {
            return writer;
        }
        String from = goal.desired().decision().fromTarget();
        return Optional.ofNullable(from).flatMap(goal.config()::target).filter(old -> old.database() != null
                && !old.database().node().equals(own));
    }

    /** What the checks before a promotion found: wait (and when to look again), or promote, knowing what it may lose. */
    private sealed interface Step {
        record Wait(Duration next) implements Step {
        }

        /** @param exposure what the promotion may lose; null for an operator's force past a check */
        record Promote(LossExposure exposure) implements Step {
        }
    }

    /**
     * Every move whose old primary answers fences it first and promotes only once the replica has received everything
     * it wrote (issue 50): nothing acknowledged is lost, planned or not. An old primary that takes writes and cannot be
     * fenced stops the move (two writable primaries) unless an operator forces it. An old primary that does not answer
     * leaves the measured loss exposure to decide, against the budget (a planned move waits for it instead).
     */
    private static Step oldPrimaryFirst(Target previous, Goal.Decided goal, Observation.Observed candidate, Instant now,
            Backends use, PassContext group) {
        Decision decision = goal.desired().decision();
        boolean planned = decision.kind().planned();
        boolean force = decision.kind() == DecisionKind.FORCE;
        DatabaseRef old = previous.database();
        String kind = Databases.kind(old);
        Optional<Observation> seen = use.databases().observe(old);
        seen.ifPresent(o -> group.databaseSeen(previous, o, now));
        if (seen.isEmpty() || !(seen.get() instanceof Observation.Observed o)) {
            String why = seen.map(s -> s instanceof Observation.Unavailable u ? u.reason()
                    : ((Observation.Rejected) s).reason()).orElse("no backend or login configured");
            if (planned) {
                return new Step.Wait(group.retryLater("a planned move fences the old primary " + old.node() + " first, and"
                        + " it cannot be read: " + why, now));
            }
            group.publishOncePerDesiredState(ActuationStep.DATABASE, ActuationStatus.SKIPPED, kind, "old primary " + old.node()
                    + " not reachable, not fenced (" + why + "); the DNS switch sends clients away from it, a fencing hook"
                    + " of your own stops it", now);
            return budgetGate(goal, candidate, now, use, group);
        }
        Target target = goal.target();
        return switch (o.role()) {
            case WRITABLE -> {
                long follows = candidate.wal() == null ? 0 : group.followedTimeline(target, candidate.wal());
                if (!force && o.wal() != null && follows != 0 && o.wal().timeline() != 0 && follows < o.wal().timeline()) {
                    // it can never receive what the old primary wrote: fencing the one node that takes writes for a
                    // promotion that cannot follow would leave none (found by DataTierNemesisIT's second failover)
                    group.heldForDataLoss(now);
                    String held = "held: " + target.id() + "'s replica follows timeline " + follows
                            + " while the old primary, " + previous.id() + "'s node, writes timeline " + o.wal().timeline()
                            + ": it replicates an older primary and will never receive what " + previous.id() + " wrote,"
                            + " so " + previous.id() + "'s node, which takes the writes, is not fenced. Re-point it at "
                            + previous.id() + "'s node (pg_rewind or a new base backup, primary_conninfo); an operator's"
                            + " force fences the old primary and promotes it as it is";
                    group.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held, now);
                    yield new Step.Wait(group.retryLater(held, now, use.settings().capacityPoll()));
                }
                WriteOutcome fenced = fence(old, decision, now, use, group);
                if (fenced instanceof WriteOutcome.Requested) {
                    // its final position is read on the next pass, never on this pass's readings
                    yield new Step.Wait(group.retryLater("old primary " + old.node() + " fenced; " + target.id() + "'s"
                            + " replica is promoted once it has received everything the old primary wrote", now,
                            use.settings().backoff().after(1)));
                }
                if (force) {
                    group.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, "old primary " + old.node()
                            + " takes writes and was not fenced (" + fenced.describe() + "); promoted by an operator's"
                            + " force all the same: two nodes take writes until it is stopped", now);
                    yield new Step.Promote(null);
                }
                if (fenced instanceof WriteOutcome.Rejected rejected) {
                    yield new Step.Wait(group.block(ActuationStep.DATABASE, kind, (planned ? "a planned move fences the"
                            + " old primary " + old.node() + " first, and that was refused: " + rejected.reason()
                            : "old primary " + old.node() + " takes writes and could not be fenced: " + rejected.reason()
                                    + ". Promoting " + target.id() + "'s replica beside it would make two writable"
                                    + " primaries") + ". Stop the writes to it yourself (or give the fence's login the"
                            + " right) and retry, or move with an operator's force, which promotes anyway", now));
                }
                yield new Step.Wait(group.retryLater("fencing the old primary " + old.node() + " failed: "
                        + fenced.describe(), now));
            }
            case FENCED -> {
                if (o.wal() == null || candidate.wal() == null) {
                    // a backend without positions (RDS): its lag is all there is. A planned move promotes once a lag
                    // reading shows the replica held everything written before the fence was certainly in force: the
                    // reading's lag plus its resolution (a datapoint's period) reaches back no further than that
                    if (planned && !caughtUpWithTheFence(previous, goal.target(), candidate, now, use, group)) {
                        String waiting = "a planned move loses nothing: waiting for " + target.id() + "'s replica lag, read"
                                + " after the old primary " + old.node() + " was fenced, to show it holds everything"
                                + " written before the fence";
                        yield new Step.Wait(group.retryLater(waiting, waiting + " (" + lag(candidate) + ")", now,
                                use.settings().capacityPoll()));
                    }
                    yield planned ? new Step.Promote(new LossExposure.None("its lag, read after the old primary "
                            + old.node() + " was fenced, reaches back to before the fence")) : budgetGate(goal, candidate,
                            now, use, group);
                }
                if (o.wal().timeline() != 0 && o.wal().timeline() == candidate.wal().timeline()
                        && candidate.wal().lsn() >= o.wal().lsn()) {
                    yield new Step.Promote(new LossExposure.None("it received everything the fenced old primary "
                            + old.node() + " wrote (timeline " + o.wal().timeline() + ", up to "
                            + Database.Wal.lsn(o.wal().lsn()) + ")"));
                }
                if (force) {
                    yield new Step.Promote(null);
                }
                String waiting = "waiting for " + target.id() + "'s replica to receive everything the fenced old primary "
                        + old.node() + " wrote";
                yield new Step.Wait(group.retryLater(waiting, waiting + " (it wrote up to timeline " + o.wal().timeline()
                        + " " + Database.Wal.lsn(o.wal().lsn()) + ", the replica has received up to timeline "
                        + candidate.wal().timeline() + " " + Database.Wal.lsn(candidate.wal().lsn())
                        + receiving(candidate.wal()) + "; an operator's force promotes it as it is)", now,
                        use.settings().capacityPoll()));
            }
            // the target traffic leaves replicates itself: no old primary there to fence
            case REPLICA -> budgetGate(goal, candidate, now, use, group);
        };
    }

    /**
     * Whether the replica, by a lag read now, holds everything the primary wrote before the time by which it was
     * certainly fenced: the lag plus the backend's lag resolution reach back no further than that time. Nothing was
     * applied-but-unreplayed, and the old primary has been seen fenced since.
     */
    private static boolean caughtUpWithTheFence(Target old, Target target, Observation.Observed candidate, Instant now,
            Backends use, PassContext group) {
        Optional<Instant> fencedBy = group.fencedBy(old);
        if (fencedBy.isEmpty() || candidate.unreplayedBytes() > 0 || !Double.isFinite(candidate.lagSeconds())) {
            return false;
        }
        Duration reachesBack = Duration.ofMillis((long) Math.ceil(candidate.lagSeconds() * 1000))
                .plus(use.databases().lagResolution(target.database()));
        return !now.minus(reachesBack).isBefore(fencedBy.get());
    }

    /**
     * Without an old primary that answers: promoted only if what it may lose, as measured before, is within the group's
     * {@code safety.maxDataLossSeconds} (a planned move: nothing). Unknown is beyond any budget; an operator's force
     * promotes whatever it may lose.
     */
    private static Step budgetGate(Goal.Decided goal, Observation.Observed node, Instant now, Backends use,
            PassContext group) {
        Decision decision = goal.desired().decision();
        Target target = goal.target();
        LossExposure exposure = group.lossExposure(target, node, now);
        if (decision.kind() == DecisionKind.FORCE) {
            return new Step.Promote(exposure);
        }
        int budget = decision.kind().planned() ? 0 : goal.config().safety().maxDataLossSeconds();
        if (exposure.within(budget)) {
            return new Step.Promote(exposure);
        }
        group.heldForDataLoss(now);
        String beyond = (decision.kind().planned() ? "a planned move loses nothing"
                : "beyond safety.maxDataLossSeconds " + budget) + (budget == 0 && exposure instanceof LossExposure.Window
                        ? " (a budget of 0 needs " + target.id() + "'s replica to be the synchronous standby of the primary)"
                        : "");
        String kind = Databases.kind(target.database());
        String condition = exposure instanceof LossExposure.Unknown ? "unknown" : "beyond";
        group.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, "held: " + target.id() + "'s replica, "
                + condition + ", " + beyond, "held: " + target.id() + "'s replica: " + exposure.describe() + "; " + beyond
                + " (" + lag(node) + "); a force by an operator promotes it anyway", now);
        return new Step.Wait(group.retryLater("held by the data-loss budget: " + target.id() + "'s replica, " + condition
                + ", " + beyond, "held by the data-loss budget: " + target.id() + "'s replica: " + exposure.describe()
                + "; " + beyond + " (" + lag(node) + "; an operator's force overrides it)", now,
                use.settings().capacityPoll()));
    }

    private static String receiving(Database.Wal wal) {
        if (wal.receiver() == null) {
            return ", its WAL receiver not running";
        }
        return wal.receiver().streaming() ? ", streaming" + (wal.receiver().source() == null ? ""
                : " from " + wal.receiver().source()) : ", not streaming";
    }

    /** Fences the old primary and reports the outcome as a DATABASE step. */
    private static WriteOutcome fence(DatabaseRef old, Decision decision, Instant now, Backends use, PassContext group) {
        WriteOutcome fenced = use.databases().fence(old).orElseThrow();
        group.report(ActuationStep.DATABASE, fenced instanceof WriteOutcome.Requested ? ActuationStatus.SUCCEEDED
                : ActuationStatus.FAILED, Databases.kind(old), fenced.describe() + " (old primary, " + decision.kind() + ")", now);
        return fenced;
    }


    private static String lag(Observation.Observed node) {
        return String.format(java.util.Locale.ROOT, "%.1f s, %d bytes not yet applied%s", node.lagSeconds(),
                node.unreplayedBytes(), node.replayPaused() ? ", replay paused" : "");
    }
}
