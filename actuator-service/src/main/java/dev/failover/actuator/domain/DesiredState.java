package dev.failover.actuator.domain;

import java.util.Optional;

import dev.failover.contract.event.Decision;

/**
 * What a group should look like: the highest-epoch decision seen for it, how far a stepped failback has got, and the
 * DNS change written for it that may not be served everywhere yet. Kept in a compacted topic so that a restarted or new
 * owner resumes from the step reached, and waits for that change as the writer would have (ADR 0006).
 *
 * @param decision      the decision that set it
 * @param step          index of the traffic step reached (0 for a change made in one step)
 * @param pendingChange the provider's reference of the last change written for this step (a Route 53 change id) until
 *                      a read saw it propagated; null when there is none, or the provider has no references
 */
public record DesiredState(Decision decision, int step, String pendingChange) {

    public DesiredState {
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative, was " + step);
        }
    }

    public DesiredState(Decision decision, int step) {
        this(decision, step, null);
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

    /** The change a read asks the provider about. */
    public Optional<String> changeToCheck() {
        return Optional.ofNullable(pendingChange);
    }

    /** The next step; nothing of it written yet. */
    public DesiredState atStep(int next) {
        return new DesiredState(decision, next);
    }

    /** The provider took a write of this step as change {@code reference}, which it may not serve everywhere yet. */
    public DesiredState written(String reference) {
        return new DesiredState(decision, step, reference);
    }

    /** A read saw the pending change served everywhere: nothing left to wait for. */
    public DesiredState propagated() {
        return new DesiredState(decision, step);
    }
}
