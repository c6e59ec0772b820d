package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
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
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;

/**
 * What the checks before a promotion find (ADR 0020): wait, or promote knowing what it may lose. The old
 * primary is fenced first where it answers; without one that answers, the measured loss exposure decides against the
 * group's data-loss budget. Used by {@link ReadyDatabase}; its results and its progress come back in the pass. What
 * it finds is a {@link PromotionFinding}, said in {@link PromotionWords}' sentences.
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
        DatabaseRef old = previous.database();
        if (!forced(goal) && candidate.source() != null && !candidate.source().equals(old.node())) {
            // a backend without timelines names a replica's source instead: one that replicates another node than the
            // old primary (a fenced one of an earlier failover) lacks everything written since, whatever its lag says
            // (ADR 0020, "Lineage of a backend without timelines"). Checked before anything is fenced
            return held(PromotionWords.text(new ReplicatesAnother(goal.target().id(), candidate.source(), previous.id(),
                    old.node())), Databases.kind(old), pass, use);
        }
        Optional<Observation> seen = use.databases().observe(old);
        seen.ifPresent(o -> use.dataTier().seen(previous.id(), o, pass.now()));
        if (seen.isEmpty() || !(seen.get() instanceof Observation.Observed o)) {
            String why = seen.map(s -> s instanceof Observation.Unavailable u ? u.reason()
                    : ((Observation.Rejected) s).reason()).orElse(PromotionWords.NOTHING_CONFIGURED);
            return unread(previous, goal, candidate, why, pass, use);
        }
        return switch (o.role()) {
            case WRITABLE -> writable(previous, goal, candidate, o, pass, use);
            case FENCED -> o.wal() == null || candidate.wal() == null
                    ? lagAfterFence(previous, goal, candidate, pass, use)
                    : walAfterFence(previous, goal, candidate, o.wal(), pass, use);
            // the target traffic leaves replicates itself: no old primary there to fence
            case REPLICA -> budgetGate(goal, candidate, pass, use);
        };
    }

    /** The old primary cannot be read ({@code why}): a planned move waits; another is left to the budget. */
    private static PromotionGate unread(Target previous, Goal.Decided goal, Observation.Observed candidate, String why,
            Pass pass, Backends use) {
        String oldNode = previous.database().node();
        if (goal.desired().decision().kind().planned()) {
            return new Wait(pass.retryLater(PromotionWords.text(new PlannedUnread(oldNode, why)), use));
        }
        Stopping stopping = new Stopping.SentAway();
        if (forced(goal)) {
            stopping = new Stopping.Forced();
        } else if (!use.databases().switchesOverItself(goal.target().database())) {
            // its region may be cut off from the plane while its own clients still write to it: a promotion
            // beside it loses every write it takes from then on, beyond any budget (ADR 0020, "A promotion beside
            // an unreachable old primary")
            WritesStopped shown = WritesStopped.check(previous, goal, candidate, why, pass, use);
            if (shown instanceof WritesStopped.NotYet notYet) {
                return new Wait(notYet.next());
            }
            stopping = new Stopping.Shown(((WritesStopped.Shown) shown).how());
        }
        return budgetGate(goal, candidate, pass.publishOncePerDesiredState(ActuationStep.DATABASE,
                ActuationStatus.SKIPPED, Databases.kind(previous.database()),
                PromotionWords.text(new Unread(oldNode, why, stopping))), use);
    }

    /** The old primary takes writes: fenced, unless the replica could never follow it or the backend switches over. */
    private static PromotionGate writable(Target previous, Goal.Decided goal, Observation.Observed candidate,
            Observation.Observed old, Pass pass, Backends use) {
        Target target = goal.target();
        if (use.databases().switchesOverItself(target.database())) {
            // a backend whose writer cannot be fenced (Aurora's: one writer per global cluster) is never fenced
            // and waited on; while the old writer answers, every kind of move takes the atomic switchover,
            // which waits for the replica and demotes the writer itself (ADR 0020, "Aurora global databases")
            return new Promote(new LossExposure.None(PromotionWords.text(new SwitchoverWaits(target.id(),
                    previous.database().node()))), pass, Database.Move.PLANNED);
        }
        long follows = candidate.wal() == null ? 0 : use.dataTier().followedTimeline(target.id(), candidate.wal());
        long writes = old.wal() == null ? 0 : old.wal().timeline();
        if (!forced(goal) && follows != 0 && writes != 0 && follows < writes) {
            // it can never receive what the old primary wrote: fencing the one node that takes writes for a
            // promotion that cannot follow would leave none (found by DataTierNemesisIT's second failover)
            return held(PromotionWords.text(new OlderTimeline(target.id(), follows, previous.id(), writes)),
                    Databases.kind(previous.database()), pass, use);
        }
        return fence(previous, goal, pass, use);
    }

    /** Fences the old primary that takes writes; the promotion waits for its final position, read on a later pass. */
    private static PromotionGate fence(Target previous, Goal.Decided goal, Pass pass, Backends use) {
        DatabaseRef old = previous.database();
        String kind = Databases.kind(old);
        String target = goal.target().id();
        WriteOutcome fenced = use.databases().fence(old).orElseThrow();
        Pass told = pass.report(ActuationStep.DATABASE, fenced instanceof WriteOutcome.Requested
                ? ActuationStatus.SUCCEEDED : ActuationStatus.FAILED, kind,
                PromotionWords.text(new FenceAsked(fenced, goal.desired().decision().kind())));
        if (fenced instanceof WriteOutcome.Requested) {
            boolean again = use.dataTier().fencedForMove(previous.id(), goal.desired().epoch(), false);
            use.dataTier().fencedForMove(previous.id(), goal.desired().epoch());
            // its final position is read on the next pass, never on this pass's readings. A fence asked for
            // again (its effect not seen yet: RDS shows a parameter group "applying" for a while) waits the
            // polling interval rather than asking once a pass (ManagedDataTierFaultsTest, A4: 40 requests in 8 s)
            return new Wait(told.retryLater(PromotionWords.text(new Fenced(old.node(), target)),
                    again ? use.settings().capacityPoll() : use.settings().backoff().after(1), use));
        }
        if (forced(goal)) {
            return new Promote(null, told.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind,
                    PromotionWords.text(new ForcedBesideWriter(old.node(), fenced))));
        }
        if (fenced instanceof WriteOutcome.Rejected rejected) {
            return new Wait(told.block(ActuationStep.DATABASE, kind, PromotionWords.text(new FenceRefused(
                    goal.desired().decision().kind().planned(), old.node(), target, rejected.reason())), use));
        }
        return new Wait(told.retryLater(PromotionWords.text(new FenceFailed(old.node(), fenced)), use));
    }

    /**
     * A fenced old primary on a backend without positions (RDS): its lag is all there is. Any move whose old primary
     * answered and is fenced promotes, losing nothing, once a lag reading shows the replica held everything written
     * before the fence was certainly in force: the reading's lag (a datapoint's, aged from its minute's start) reaches
     * back no further than that. An unplanned one may promote sooner, within its budget; it never holds for ever beyond
     * it (found by ManagedDataTierFaultsTest: a budget of 0 held for ever, since a datapoint's age is never 0).
     */
    private static PromotionGate lagAfterFence(Target previous, Goal.Decided goal, Observation.Observed candidate,
            Pass pass, Backends use) {
        Instant now = pass.now();
        Target target = goal.target();
        boolean planned = goal.desired().decision().kind().planned();
        String oldNode = previous.database().node();
        if (caughtUpWithTheFence(previous, target, candidate, now, use)) {
            // as far as the fence stops writes: RDS's parameter group sets the read-only default, which a
            // session that turns it off for itself passes (ADR 0020, "A fence no client passes", limits)
            return new Promote(new LossExposure.None(PromotionWords.text(new CaughtUpWithFence(oldNode))), pass);
        }
        if (!planned && (forced(goal) || use.dataTier().exposure(target.id(), candidate, now)
                .within(goal.config().safety().maxDataLossSeconds()))) {
            return budgetGate(goal, candidate, pass, use);
        }
        if (!planned) {
            use.dataTier().held(now); // beyond the budget until then: the held gauge and its alert
        }
        LagAfterFence waiting = new LagAfterFence(planned, oldNode, target.id(), Lag.of(candidate));
        return new Wait(pass.retryLater(PromotionWords.condition(waiting), PromotionWords.text(waiting),
                use.settings().capacityPoll(), use));
    }

    /** A fenced old primary that wrote up to {@code written}: promoted once the replica has received all of it. */
    private static PromotionGate walAfterFence(Target previous, Goal.Decided goal, Observation.Observed candidate,
            Database.Wal written, Pass pass, Backends use) {
        String oldNode = previous.database().node();
        Database.Wal received = candidate.wal();
        if (written.timeline() != 0 && written.timeline() == received.timeline() && received.lsn() >= written.lsn()) {
            return new Promote(new LossExposure.None(PromotionWords.text(new ReceivedAll(oldNode, written))), pass);
        }
        if (forced(goal)) {
            return new Promote(null, pass);
        }
        Receiving waiting = new Receiving(goal.target().id(), oldNode, written, received);
        return new Wait(pass.retryLater(PromotionWords.condition(waiting), PromotionWords.text(waiting),
                use.settings().capacityPoll(), use));
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
        Target target = goal.target();
        LossExposure exposure = use.dataTier().exposure(target.id(), node, now);
        if (forced(goal)) {
            return new Promote(exposure, pass);
        }
        boolean planned = goal.desired().decision().kind().planned();
        int budget = planned ? 0 : goal.config().safety().maxDataLossSeconds();
        if (exposure.within(budget)) {
            return new Promote(exposure, pass);
        }
        use.dataTier().held(now);
        BeyondBudget beyond = new BeyondBudget(target.id(), planned, budget, exposure, Lag.of(node));
        String kind = Databases.kind(target.database());
        return new Wait(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind,
                PromotionWords.resultCondition(beyond), PromotionWords.result(beyond))
                .retryLater(PromotionWords.condition(beyond), PromotionWords.text(beyond),
                        use.settings().capacityPoll(), use));
    }

    /** A hold the group's own settings cannot pass: the held gauge, a failed result once, the status until it ends. */
    private static PromotionGate held(String held, String kind, Pass pass, Backends use) {
        use.dataTier().held(pass.now());
        return new Wait(pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, held)
                .retryLater(held, use.settings().capacityPoll(), use));
    }

    /** Whether an operator's force moves past the checks a promotion otherwise waits on. */
    private static boolean forced(Goal.Decided goal) {
        return goal.desired().decision().kind() == DecisionKind.FORCE;
    }

    /** A replica's lag, as results show it (also beside the promotion {@link PromoteDatabase} asks for). */
    static String lag(Observation.Observed node) {
        return PromotionWords.lag(Lag.of(node));
    }
}
