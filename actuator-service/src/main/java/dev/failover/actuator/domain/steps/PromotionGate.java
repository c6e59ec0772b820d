package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;

/**
 * What the checks before a promotion find (ADR 0020): wait, or promote knowing what it may lose. The old
 * primary is fenced first where it answers; without one that answers, the measured loss exposure decides against the
 * group's data-loss budget. Used by {@link ReadyDatabase}; its results and its progress come back in the pass.
 */
sealed interface PromotionGate {

    /**
     * The old primary a move fences and measures against: the target whose node was last seen taking writes, when that
     * is another node than the target's; else the target traffic leaves. They differ after a decision that was blocked:
     * the decision's {@code fromTarget} is then not the node that writes.
     */
    static Optional<Target> previous(Goal.Decided goal, Backends use) {
        String own = goal.target().database().node();
        Optional<Target> writer = use.dataTier().lastSeenWriter().flatMap(goal.config()::target)
                .filter(t -> t.database() != null && !t.database().node().equals(own));
        if (writer.isPresent()) {
            return writer;
        }
        String from = goal.desired().decision().fromTarget();
        return Optional.ofNullable(from).flatMap(goal.config()::target).filter(old -> old.database() != null
                && !old.database().node().equals(own));
    }

    /** The checks found the pass must end: wait (or blocked), as {@code next} says. */
    record Wait(Next.Done next) implements PromotionGate {
    }

    /**
     * @param exposure what the promotion may lose; null for an operator's force past a check
     * @param move     how the backend is asked to promote: {@link Database.Move#PLANNED} for an atomic switchover taken
     *                 for any move while the old writer answers (Aurora's), else as the decision's kind says
     */
    record Promote(LossExposure exposure, Pass pass, Database.Move move) implements PromotionGate {

        Promote(LossExposure exposure, Pass pass) {
            this(exposure, pass, pass.goal() instanceof Goal.Decided d && d.desired().decision().kind().planned()
                    ? Database.Move.PLANNED : Database.Move.UNPLANNED);
        }
    }

    /**
     * Every move whose old primary answers fences it first and promotes only once the replica has received everything
     * it wrote: nothing acknowledged is lost, planned or not. An old primary that takes writes and cannot be
     * fenced stops the move (two writable primaries) unless an operator forces it. An old primary that does not answer
     * leaves the measured loss exposure to decide, against the budget (a planned move waits for it instead).
     */
    static PromotionGate oldPrimaryFirst(Target previous, Goal.Decided goal, Observation.Observed candidate, Pass pass,
            Backends use) {
        Instant now = pass.now();
        Decision decision = goal.desired().decision();
        boolean planned = decision.kind().planned();
        boolean force = decision.kind() == DecisionKind.FORCE;
        DatabaseRef old = previous.database();
        String kind = Databases.kind(old);
        if (!force && candidate.source() != null && !candidate.source().equals(old.node())) {
            // a backend without timelines names a replica's source instead: one that replicates another node than the
            // old primary (a fenced one of an earlier failover) lacks everything written since, whatever its lag says
            // (ADR 0020, "Lineage of a backend without timelines"). Checked before anything is fenced
            use.dataTier().held(now);
            String held = "held: " + goal.target().id() + "'s replica replicates " + candidate.source() + ", not the old"
                    + " primary " + previous.id() + "'s node " + old.node() + ": it lacks everything written there since"
                    + " it took over, whatever its lag says, so " + previous.id() + "'s node is not fenced. Re-point it at "
                    + previous.id() + "'s node (a new read replica of " + old.node() + "); an operator's force promotes"
                    + " it as it is";
            return new Wait(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held)
                    .retryLater(held, use.settings().capacityPoll(), use));
        }
        Optional<Observation> seen = use.databases().observe(old);
        seen.ifPresent(o -> use.dataTier().seen(previous.id(), o, now));
        if (seen.isEmpty() || !(seen.get() instanceof Observation.Observed o)) {
            String why = seen.map(s -> s instanceof Observation.Unavailable u ? u.reason()
                    : ((Observation.Rejected) s).reason()).orElse("no backend or login configured");
            if (planned) {
                return new Wait(pass.retryLater("a planned move fences the old primary " + old.node() + " first, and"
                        + " it cannot be read: " + why, use));
            }
            String stopped = "the DNS switch sends clients away from it, a fencing hook of your own stops it";
            if (!force && !use.databases().switchesOverItself(goal.target().database())) {
                // its region may be cut off from the plane while its own clients still write to it: a promotion
                // beside it loses every write it takes from then on, beyond any budget (ADR 0020, "A promotion beside
                // an unreachable old primary")
                WritesStopped shown = WritesStopped.check(previous, goal, candidate, why, pass, use);
                if (shown instanceof WritesStopped.NotYet notYet) {
                    return new Wait(notYet.next());
                }
                stopped = ((WritesStopped.Shown) shown).how();
            }
            return budgetGate(goal, candidate, pass.publishOncePerDesiredState(ActuationStep.DATABASE,
                    ActuationStatus.SKIPPED, kind, "old primary " + old.node() + " not reachable, not fenced (" + why
                            + "); " + (force ? "promoted by an operator's force, which takes the risk that it still"
                                    + " takes writes" : stopped)), use);
        }
        Target target = goal.target();
        return switch (o.role()) {
            case WRITABLE -> {
                if (use.databases().switchesOverItself(target.database())) {
                    // a backend whose writer cannot be fenced (Aurora's: one writer per global cluster) is never fenced
                    // and waited on; while the old writer answers, every kind of move takes the atomic switchover,
                    // which waits for the replica and demotes the writer itself (ADR 0020, "Aurora global databases")
                    yield new Promote(new LossExposure.None("the switchover waits until " + target.id() + "'s replica"
                            + " holds everything the writer " + old.node() + " wrote, then demotes it"), pass,
                            Database.Move.PLANNED);
                }
                long follows = candidate.wal() == null ? 0 : use.dataTier().followedTimeline(target.id(), candidate.wal());
                if (!force && o.wal() != null && follows != 0 && o.wal().timeline() != 0 && follows < o.wal().timeline()) {
                    // it can never receive what the old primary wrote: fencing the one node that takes writes for a
                    // promotion that cannot follow would leave none (found by DataTierNemesisIT's second failover)
                    use.dataTier().held(now);
                    String held = "held: " + target.id() + "'s replica follows timeline " + follows
                            + " while the old primary, " + previous.id() + "'s node, writes timeline " + o.wal().timeline()
                            + ": it replicates an older primary and will never receive what " + previous.id() + " wrote,"
                            + " so " + previous.id() + "'s node, which takes the writes, is not fenced. Re-point it at "
                            + previous.id() + "'s node (pg_rewind or a new base backup, primary_conninfo); an operator's"
                            + " force fences the old primary and promotes it as it is";
                    yield new Wait(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held)
                            .retryLater(held, use.settings().capacityPoll(), use));
                }
                WriteOutcome fenced = use.databases().fence(old).orElseThrow();
                Pass told = pass.report(ActuationStep.DATABASE, fenced instanceof WriteOutcome.Requested
                        ? ActuationStatus.SUCCEEDED : ActuationStatus.FAILED, kind, fenced.describe() + " (old primary, "
                                + decision.kind() + ")");
                if (fenced instanceof WriteOutcome.Requested) {
                    boolean again = use.dataTier().fencedForMove(previous.id(), goal.desired().epoch(), false);
                    use.dataTier().fencedForMove(previous.id(), goal.desired().epoch());
                    // its final position is read on the next pass, never on this pass's readings. A fence asked for
                    // again (its effect not seen yet: RDS shows a parameter group "applying" for a while) waits the
                    // polling interval rather than asking once a pass (ManagedDataTierFaultsTest, A4: 40 requests in 8 s)
                    yield new Wait(told.retryLater("old primary " + old.node() + " fenced; " + target.id() + "'s"
                            + " replica is promoted once it has received everything the old primary wrote",
                            again ? use.settings().capacityPoll() : use.settings().backoff().after(1), use));
                }
                if (force) {
                    yield new Promote(null, told.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind,
                            "old primary " + old.node() + " takes writes and was not fenced (" + fenced.describe()
                                    + "); promoted by an operator's force all the same: two nodes take writes until it is"
                                    + " stopped"));
                }
                if (fenced instanceof WriteOutcome.Rejected rejected) {
                    yield new Wait(told.block(ActuationStep.DATABASE, kind, (planned ? "a planned move fences the"
                            + " old primary " + old.node() + " first, and that was refused: " + rejected.reason()
                            : "old primary " + old.node() + " takes writes and could not be fenced: " + rejected.reason()
                                    + ". Promoting " + target.id() + "'s replica beside it would make two writable"
                                    + " primaries") + ". Stop the writes to it yourself (or give the fence's login the"
                            + " right) and retry, or move with an operator's force, which promotes anyway", use));
                }
                yield new Wait(told.retryLater("fencing the old primary " + old.node() + " failed: "
                        + fenced.describe(), use));
            }
            case FENCED -> {
                if (o.wal() == null || candidate.wal() == null) {
                    // a backend without positions (RDS): its lag is all there is. Any move whose old primary answered
                    // and is fenced promotes, losing nothing, once a lag reading shows the replica held everything
                    // written before the fence was certainly in force: the reading's lag (a datapoint's, aged from its
                    // minute's start) reaches back no further than that. An unplanned one may promote sooner, within
                    // its budget; it never holds for ever beyond it (found by ManagedDataTierFaultsTest: a budget of 0
                    // held for ever, since a datapoint's age is never 0)
                    if (caughtUpWithTheFence(previous, goal.target(), candidate, now, use)) {
                        // as far as the fence stops writes: RDS's parameter group sets the read-only default, which a
                        // session that turns it off for itself passes (ADR 0020, "A fence no client passes", limits)
                        yield new Promote(new LossExposure.None("its lag, read after the old primary " + old.node()
                                + " was fenced, reaches back to before the fence (a session that turned the read-only"
                                + " default off for itself is not stopped by that fence)"), pass);
                    }
                    if (!planned && (force || use.dataTier().exposure(target.id(), candidate, now)
                            .within(goal.config().safety().maxDataLossSeconds()))) {
                        yield budgetGate(goal, candidate, pass, use);
                    }
                    if (!planned) {
                        use.dataTier().held(now); // beyond the budget until then: the held gauge and its alert
                    }
                    String waiting = (planned ? "a planned move loses nothing" : "the old primary " + old.node()
                            + " answered and is fenced, so nothing need be lost") + ": waiting for " + target.id()
                            + "'s replica lag, read after the fence, to show it holds everything written before it";
                    yield new Wait(pass.retryLater(waiting, waiting + " (" + lag(candidate) + ")",
                            use.settings().capacityPoll(), use));
                }
                if (o.wal().timeline() != 0 && o.wal().timeline() == candidate.wal().timeline()
                        && candidate.wal().lsn() >= o.wal().lsn()) {
                    yield new Promote(new LossExposure.None("it received everything the fenced old primary "
                            + old.node() + " wrote (timeline " + o.wal().timeline() + ", up to "
                            + Database.Wal.lsn(o.wal().lsn()) + ")"), pass);
                }
                if (force) {
                    yield new Promote(null, pass);
                }
                String waiting = "waiting for " + target.id() + "'s replica to receive everything the fenced old primary "
                        + old.node() + " wrote";
                yield new Wait(pass.retryLater(waiting, waiting + " (it wrote up to timeline " + o.wal().timeline()
                        + " " + Database.Wal.lsn(o.wal().lsn()) + ", the replica has received up to timeline "
                        + candidate.wal().timeline() + " " + Database.Wal.lsn(candidate.wal().lsn())
                        + receiving(candidate.wal()) + "; an operator's force promotes it as it is)",
                        use.settings().capacityPoll(), use));
            }
            // the target traffic leaves replicates itself: no old primary there to fence
            case REPLICA -> budgetGate(goal, candidate, pass, use);
        };
    }

    /**
     * Whether the replica, by a lag read now, holds everything the primary wrote before the time by which it was
     * certainly fenced: the lag reaches back no further than that time. Nothing was applied-but-unreplayed, and the old
     * primary has been seen fenced since.
     */
    private static boolean caughtUpWithTheFence(Target old, Target target, Observation.Observed candidate, Instant now,
            Backends use) {
        Optional<Instant> fencedBy = use.dataTier().fencedBy(old.id());
        if (fencedBy.isEmpty() || candidate.unreplayedBytes() > 0 || !Double.isFinite(candidate.lagSeconds())) {
            return false;
        }
        Duration reachesBack = Duration.ofMillis((long) Math.ceil(candidate.lagSeconds() * 1000));
        return !now.minus(reachesBack).isBefore(fencedBy.get());
    }

    /**
     * Without an old primary that answers: promoted only if what it may lose, as measured before, is within the group's
     * {@code safety.maxDataLossSeconds} (a planned move: nothing). Unknown is beyond any budget; an operator's force
     * promotes whatever it may lose.
     */
    static PromotionGate budgetGate(Goal.Decided goal, Observation.Observed node, Pass pass, Backends use) {
        Instant now = pass.now();
        Decision decision = goal.desired().decision();
        Target target = goal.target();
        LossExposure exposure = use.dataTier().exposure(target.id(), node, now);
        if (decision.kind() == DecisionKind.FORCE) {
            return new Promote(exposure, pass);
        }
        int budget = decision.kind().planned() ? 0 : goal.config().safety().maxDataLossSeconds();
        if (exposure.within(budget)) {
            return new Promote(exposure, pass);
        }
        use.dataTier().held(now);
        String beyond = (decision.kind().planned() ? "a planned move loses nothing"
                : "beyond safety.maxDataLossSeconds " + budget) + (budget == 0 && exposure instanceof LossExposure.Window
                        ? " (a budget of 0 needs " + target.id() + "'s replica to be the synchronous standby of the primary)"
                        : "");
        String kind = Databases.kind(target.database());
        String condition = exposure instanceof LossExposure.Unknown ? "unknown" : "beyond";
        return new Wait(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, "held: " + target.id()
                + "'s replica, " + condition + ", " + beyond, "held: " + target.id() + "'s replica: " + exposure.describe()
                + "; " + beyond + " (" + lag(node) + "); a force by an operator promotes it anyway")
                .retryLater("held by the data-loss budget: " + target.id() + "'s replica, " + condition + ", " + beyond,
                        "held by the data-loss budget: " + target.id() + "'s replica: " + exposure.describe() + "; "
                                + beyond + " (" + lag(node) + "; an operator's force overrides it)",
                        use.settings().capacityPoll(), use));
    }

    private static String receiving(Database.Wal wal) {
        if (wal.receiver() == null) {
            return ", its WAL receiver not running";
        }
        return wal.receiver().streaming() ? ", streaming" + (wal.receiver().source() == null ? ""
                : " from " + wal.receiver().source()) : ", not streaming";
    }

    static String lag(Observation.Observed node) {
        return String.format(java.util.Locale.ROOT, "%.1f s, %d bytes not yet applied%s", node.lagSeconds(),
                node.unreplayedBytes(), node.replayPaused() ? ", replay paused" : "");
    }
}
