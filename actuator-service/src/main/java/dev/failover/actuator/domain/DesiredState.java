package dev.failover.actuator.domain;

import dev.failover.contract.event.Decision;

/**
 * What a group should look like: the highest-epoch decision seen for it, and how far a stepped failback has got. Kept
 * in a compacted topic so that a restarted or new owner resumes from the step reached (ADR 0006).
 *
 * @param decision the decision that set it
 * @param step     index of the traffic step reached (0 for a change made in one step)
 */
public record DesiredState(Decision decision, int step) {

    public DesiredState {
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, was " + step);
        }
    }

    public static DesiredState of(Decision decision) {
        return new DesiredState(decision, 0);
    }

    public String group() {
        return decision.group();
    }

    public long epoch() {
        return decision.epoch();
    }

    public String target() {
        return decision.toTarget();
    }

    public DesiredState atStep(int next) {
        return new DesiredState(decision, next);
    }
}
