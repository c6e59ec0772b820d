package dev.failover.actuator.domain.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.DecisionMode;

/**
 * A group's progress on its desired state: an immutable value that each reconcile step takes and hands on changed
 * (ADR 0021). The reconciler keeps the last one between passes and nothing else of a pass; the intent methods below are
 * the only ways it changes. What happened once for the desired state is a {@link Milestone} in one set, so that a new
 * one is one constant and every intent method stays a copy with one part changed.
 *
 * @param desired           the desired state being worked on; null while the group has had no decision
 * @param convergence       where the group stands between it and what is served
 * @param attempt           passing failures since the last success (the backoff's count)
 * @param unservedSince     since when the desired state is not (fully) served; null when it is
 * @param capacityWaitSince when this desired state began to wait for its target's capacity (this process's first look);
 *                          null: not waiting
 * @param serving           since when it is served, and the hold of the step served now
 * @param reached           the milestones this desired state has passed
 */
public record Progress(DesiredState desired, Convergence convergence, int attempt, Instant unservedSince,
        Instant capacityWaitSince, Serving serving, Set<Milestone> reached) {

    /** What happens once for a desired state, and is not asked again for it. */
    public enum Milestone {
        /** The target's capacity was reported. */
        CAPACITY_REPORTED,
        /** The desired state was served at least once. */
        SERVED_ONCE,
        /** The target traffic left has been dealt with (scaled down, or nothing to scale). */
        SCALED_DOWN,
        /** The switch was checked before the database moved. */
        PREFLIGHTED,
        /**
         * The Region switch plan ran (its own execution completed, or a person's counted for it): later passes go on to
         * DNS without asking Region switch again, so a region that goes silent or a later listing cannot turn the verdict
         * and run it a second time.
         */
        PLAN_RAN,
        /** The desired state holds a change written whose save failed: it is stored again first. */
        CHANGE_UNSTORED,
        /** The last attempt was refused for the provider's rate: the retries wait out the longer backoff (ADR 0022). */
        THROTTLED
    }

    /**
     * The served side of the desired state.
     *
     * @param servedSince  since when the decision has been served without a newer decision between; null before
     * @param stepServedAt since when the step served now has been held; null before it was seen served
     * @param heldUntil    until when that step is held, or when the last hold of this desired state ended; null: none
     */
    public record Serving(Instant servedSince, Instant stepServedAt, Instant heldUntil) {
        static final Serving NOT_YET = new Serving(null, null, null);
    }

    public Progress {
        reached = reached.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reached));
    }

    /** A group that has had no decision. */
    public static Progress idle() {
        return new Progress(null, new Convergence.Idle(), 0, null, null, Serving.NOT_YET, Set.of());
    }

    /**
     * The newest desired state is taken up at a pass's start: the same decision at another step keeps the progress made;
     * a new epoch starts from nothing, unserved from {@code now} (a shadow decision is recorded, not acted on).
     */
    public Progress adopt(DesiredState newest, Instant now) {
        boolean newEpoch = desired == null || newest.epoch() != desired.epoch();
        if (!newEpoch) {
            return new Progress(newest, convergence, attempt, unservedSince, capacityWaitSince, serving,
                    without(Milestone.CHANGE_UNSTORED));
        }
        boolean shadow = newest.decision().mode() == DecisionMode.SHADOW;
        return new Progress(newest, shadow ? new Convergence.Shadow() : new Convergence.Converging(0, null, now), 0,
                shadow ? null : now, null, Serving.NOT_YET, Set.of());
    }

    /** An operator's retry after BLOCKED: counted from nothing, a full capacity wait again. */
    public Progress retried(String detail, Instant now) {
        return new Progress(desired, new Convergence.Converging(0, detail, now), 0, unservedSince, null, serving,
                reached);
    }

    /** A passing failure or a wait: one more attempt, converging since the first. */
    public Progress waiting(String error, Instant now) {
        Instant since = convergence instanceof Convergence.Converging c ? c.since() : now;
        return new Progress(desired, new Convergence.Converging(attempt + 1, error, since), attempt + 1, unserved(now),
                capacityWaitSince, serving, without(Milestone.THROTTLED));
    }

    /** The attempt just counted was refused for the provider's rate. */
    public Progress throttledNow() {
        return reaching(Milestone.THROTTLED);
    }

    /** Whether the last attempt was refused for the provider's rate (a lane shows THROTTLED, ADR 0036). */
    public boolean throttled() {
        return reached.contains(Milestone.THROTTLED) && convergence instanceof Convergence.Converging;
    }

    /** Refused for good until a newer decision, a configuration change or an operator's retry. */
    public Progress blocked(String reason, Instant now) {
        return to(new Convergence.Blocked(reason, now), unserved(now));
    }

    /** The record carries a newer epoch's mark. */
    public Progress superseded(long byEpoch) {
        return to(new Convergence.Superseded(byEpoch), unservedSince);
    }

    /** The record serves something its goal's write did not write. */
    public Progress drifted(String served, Instant now) {
        return to(new Convergence.Drifted(served, now), unserved(now));
    }

    /** How a read that shows the goal served changes the group's convergence. */
    public enum Settled {
        /** It was converged already: nothing new to say. */
        STILL,
        /** Converged again (after drift, a failure, a retry). */
        AGAIN,
        /** Served for the first time since the decision. */
        FIRST
    }

    /** What {@link #settled} says of this progress. */
    public Settled settling() {
        if (convergence instanceof Convergence.Converged) {
            return Settled.STILL;
        }
        return servedOnce() ? Settled.AGAIN : Settled.FIRST;
    }

    /** The goal is served, proven by a read. */
    public Progress settled(Instant now, long millisFromDecision) {
        Convergence next = convergence instanceof Convergence.Converged ? convergence
                : new Convergence.Converged(now, millisFromDecision);
        Serving served = new Serving(serving.servedSince() == null ? now : serving.servedSince(),
                serving.stepServedAt(),
                serving.heldUntil());
        return new Progress(desired, next, 0, null, capacityWaitSince, served, with(Milestone.SERVED_ONCE));
    }

    /** The step served now is held from {@code now} for {@code hold} before the next. */
    public Progress held(Instant now, Duration hold) {
        return serving(new Serving(serving.servedSince(), now, now.plus(hold)));
    }

    /** The target's capacity was reported for this desired state. */
    public Progress capacityReportedNow() {
        return reaching(Milestone.CAPACITY_REPORTED);
    }

    /** The wait for the target's capacity, started at {@code now} on the first look. */
    public Progress capacityWaited(Instant now) {
        return capacityWaitSince != null ? this : withCapacityWait(now);
    }

    /** The target is ready: the capacity wait is over. */
    public Progress capacityWaitOver() {
        return withCapacityWait(null);
    }

    /** The target traffic left has been dealt with. */
    public Progress scaledDown() {
        return reaching(Milestone.SCALED_DOWN);
    }

    /** This desired state's switch was checked (or cannot be): not asked again for it. */
    public Progress switchChecked() {
        return reaching(Milestone.PREFLIGHTED);
    }

    /** This desired state's Region switch plan ran: not asked again for it. */
    public Progress planRanNow() {
        return reaching(Milestone.PLAN_RAN);
    }

    /** The desired state changed within its epoch (a change written or propagated, a promotion's phase). */
    public Progress desiredNow(DesiredState next) {
        return new Progress(next, convergence, attempt, unservedSince, capacityWaitSince, serving, reached);
    }

    /** The decision moved on to its next step: held anew once that step is served. */
    public Progress movedTo(DesiredState next) {
        return new Progress(next, convergence, attempt, unservedSince, capacityWaitSince,
                new Serving(serving.servedSince(), null, serving.heldUntil()), reached);
    }

    /** Whether the desired state holds a change written that is not stored yet. */
    public Progress unstored(boolean unstored) {
        return new Progress(desired, convergence, attempt, unservedSince, capacityWaitSince, serving,
                unstored ? with(Milestone.CHANGE_UNSTORED) : without(Milestone.CHANGE_UNSTORED));
    }

    /** Whether the target's capacity was reported for this desired state. */
    public boolean capacityReported() {
        return reached.contains(Milestone.CAPACITY_REPORTED);
    }

    /** Whether this desired state was served at least once. */
    public boolean servedOnce() {
        return reached.contains(Milestone.SERVED_ONCE);
    }

    /** Whether the target traffic left has been dealt with (scaled down, or nothing to scale). */
    public boolean scaleDownDone() {
        return reached.contains(Milestone.SCALED_DOWN);
    }

    /** Whether this desired state's switch was checked before its database move. */
    public boolean preflighted() {
        return reached.contains(Milestone.PREFLIGHTED);
    }

    /** Whether this desired state's Region switch plan ran. */
    public boolean planRan() {
        return reached.contains(Milestone.PLAN_RAN);
    }

    /** Whether the desired state holds a change written whose save failed. */
    public boolean changeUnstored() {
        return reached.contains(Milestone.CHANGE_UNSTORED);
    }

    /** Since when the decision has been served without a newer decision between; null before. */
    public Instant servedSince() {
        return serving.servedSince();
    }

    /** Since when the step served now has been held; null before it was seen served. */
    public Instant stepServedAt() {
        return serving.stepServedAt();
    }

    /** Until when the step served now is held, or when the last hold of this desired state ended; null: none. */
    public Instant heldUntil() {
        return serving.heldUntil();
    }

    private Progress to(Convergence next, Instant unserved) {
        return new Progress(desired, next, attempt, unserved, capacityWaitSince, serving, reached);
    }

    private Progress withCapacityWait(Instant since) {
        return new Progress(desired, convergence, attempt, unservedSince, since, serving, reached);
    }

    private Progress serving(Serving next) {
        return new Progress(desired, convergence, attempt, unservedSince, capacityWaitSince, next, reached);
    }

    private Progress reaching(Milestone milestone) {
        return new Progress(desired, convergence, attempt, unservedSince, capacityWaitSince, serving, with(milestone));
    }

    private Set<Milestone> with(Milestone milestone) {
        EnumSet<Milestone> next = reached.isEmpty() ? EnumSet.noneOf(Milestone.class) : EnumSet.copyOf(reached);
        next.add(milestone);
        return next;
    }

    private Set<Milestone> without(Milestone milestone) {
        EnumSet<Milestone> next = reached.isEmpty() ? EnumSet.noneOf(Milestone.class) : EnumSet.copyOf(reached);
        next.remove(milestone);
        return next;
    }

    private Instant unserved(Instant now) {
        return unservedSince == null ? now : unservedSince;
    }
}
