package dev.failover.actuator.domain.plan;

import java.time.Duration;
import java.time.Instant;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.DecisionMode;

/**
 * A group's progress on its desired state: an immutable value that each reconcile step takes and hands on changed
 * (ADR 0021). The reconciler keeps the last one between passes and nothing else of a pass; the intent methods below are
 * the only ways it changes.
 *
 * @param desired           the desired state being worked on; null while the group has had no decision
 * @param convergence       where the group stands between it and what is served
 * @param attempt           passing failures since the last success (the backoff's count)
 * @param unservedSince     since when the desired state is not (fully) served; null when it is
 * @param capacityReported  whether the target's capacity was reported for this desired state
 * @param capacityWaitSince when this desired state began to wait for its target's capacity (this process's first look);
 *                          null: not waiting
 * @param servedOnce        whether this desired state was served at least once
 * @param stepServedAt      since when the step served now has been held; null before it was seen served
 * @param heldUntil         until when that step is held, or when the last hold of this desired state ended; null: none
 * @param servedSince       since when the decision has been served without a newer decision between; null before
 * @param scaleDownDone     whether the target traffic left has been dealt with (scaled down, or nothing to scale)
 * @param preflighted       whether this desired state's switch was checked before its database move
 * @param changeUnstored    whether the desired state holds a change written whose save failed (stored again first)
 * @param planRan           whether this desired state's Region switch plan ran (its own execution completed, or a
 *                          person's counted for it): later passes go on to DNS without asking Region switch again, so
 *                          a region that goes silent or a later listing cannot turn the verdict and run it a second time
 */
public record Progress(DesiredState desired, Convergence convergence, int attempt, Instant unservedSince,
        boolean capacityReported, Instant capacityWaitSince, boolean servedOnce, Instant stepServedAt, Instant heldUntil,
        Instant servedSince, boolean scaleDownDone, boolean preflighted, boolean changeUnstored, boolean planRan) {

    /** A group that has had no decision. */
    public static Progress idle() {
        return new Progress(null, new Convergence.Idle(), 0, null, false, null, false, null, null, null, false, false, false,
                false);
    }

    /**
     * The newest desired state is taken up at a pass's start: the same decision at another step keeps the progress made;
     * a new epoch starts from nothing, unserved from {@code now} (a shadow decision is recorded, not acted on).
     */
    public Progress adopt(DesiredState newest, Instant now) {
        boolean newEpoch = desired == null || newest.epoch() != desired.epoch();
        if (!newEpoch) {
            return new Progress(newest, convergence, attempt, unservedSince, capacityReported, capacityWaitSince,
                    servedOnce, stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, false, planRan);
        }
        boolean shadow = newest.decision().mode() == DecisionMode.SHADOW;
        return new Progress(newest, shadow ? new Convergence.Shadow() : new Convergence.Converging(0, null, now), 0,
                shadow ? null : now, false, null, false, null, null, null, false, false, false, false);
    }

    /** An operator's retry after BLOCKED: counted from nothing, a full capacity wait again. */
    public Progress retried(String detail, Instant now) {
        return new Progress(desired, new Convergence.Converging(0, detail, now), 0, unservedSince, capacityReported, null,
                servedOnce, stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    /** A passing failure or a wait: one more attempt, converging since the first. */
    public Progress waiting(String error, Instant now) {
        Instant since = convergence instanceof Convergence.Converging c ? c.since() : now;
        return new Progress(desired, new Convergence.Converging(attempt + 1, error, since), attempt + 1, unserved(now),
                capacityReported, capacityWaitSince, servedOnce, stepServedAt, heldUntil, servedSince, scaleDownDone,
                preflighted, changeUnstored, planRan);
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
        return servedOnce ? Settled.AGAIN : Settled.FIRST;
    }

    /** The goal is served, proven by a read. */
    public Progress settled(Instant now, long millisFromDecision) {
        Convergence next = convergence instanceof Convergence.Converged ? convergence
                : new Convergence.Converged(now, millisFromDecision);
        return new Progress(desired, next, 0, null, capacityReported, capacityWaitSince, true, stepServedAt, heldUntil,
                servedSince == null ? now : servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    /** The step served now is held from {@code now} for {@code hold} before the next. */
    public Progress held(Instant now, Duration hold) {
        return new Progress(desired, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                now, now.plus(hold), servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    /** The target's capacity was reported for this desired state. */
    public Progress capacityReportedNow() {
        return new Progress(desired, convergence, attempt, unservedSince, true, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
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
        return new Progress(desired, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, true, preflighted, changeUnstored, planRan);
    }

    /** This desired state's switch was checked (or cannot be): not asked again for it. */
    public Progress switchChecked() {
        return new Progress(desired, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, true, changeUnstored, planRan);
    }

    /** This desired state's Region switch plan ran: not asked again for it. */
    public Progress planRanNow() {
        return new Progress(desired, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, true);
    }

    /** The desired state changed within its epoch (a change written or propagated, a promotion's phase). */
    public Progress desiredNow(DesiredState next) {
        return new Progress(next, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    /** The decision moved on to its next step: held anew once that step is served. */
    public Progress movedTo(DesiredState next) {
        return new Progress(next, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                null, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    /** Whether the desired state holds a change written that is not stored yet. */
    public Progress unstored(boolean unstored) {
        return new Progress(desired, convergence, attempt, unservedSince, capacityReported, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, unstored, planRan);
    }

    private Progress to(Convergence next, Instant unserved) {
        return new Progress(desired, next, attempt, unserved, capacityReported, capacityWaitSince, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    private Progress withCapacityWait(Instant since) {
        return new Progress(desired, convergence, attempt, unservedSince, capacityReported, since, servedOnce,
                stepServedAt, heldUntil, servedSince, scaleDownDone, preflighted, changeUnstored, planRan);
    }

    private Instant unserved(Instant now) {
        return unservedSince == null ? now : unservedSince;
    }
}
