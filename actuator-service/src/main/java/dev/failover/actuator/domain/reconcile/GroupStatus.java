package dev.failover.actuator.domain.reconcile;

import java.time.Instant;

import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;

/**
 * A group's state for views and metrics; immutable.
 *
 * @param desired       the decision's desired state; null while the group has had no decision
 * @param unservedSince since when the desired state is not (fully) served; null when it is
 * @param initialTarget while there is no decision: the chain's first target, desired at epoch 0; null otherwise
 * @param heldUntil     until when the step served now is held as its plan says (a stepped failback, a planned
 *                      move), or when the last such hold of this desired state ended; null when there was none. An
 *                      unserved time that is a planned hold is no failure to alert on.
 */
public record GroupStatus(String group, DesiredState desired, Convergence convergence, Instant unservedSince,
        String served,
        String initialTarget, Instant heldUntil, DataTier dataTier) {

    public GroupStatus(String group, DesiredState desired, Convergence convergence, Instant unservedSince,
            String served,
            String initialTarget) {
        this(group, desired, convergence, unservedSince, served, initialTarget, null, DataTier.NONE);
    }
}
