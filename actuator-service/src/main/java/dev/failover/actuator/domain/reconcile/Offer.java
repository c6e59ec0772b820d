package dev.failover.actuator.domain.reconcile;

import dev.failover.actuator.domain.model.DesiredState;

/** What {@link GroupReconciler#offer} did with a decision. */
public sealed interface Offer {

    /** Above the epoch desired so far: the group's desired state now, to be stored before the decision is acknowledged. */
    record Accepted(DesiredState desired) implements Offer {
    }

    /** Not above the epoch already desired (a replay, or an older decision arriving late). */
    record Stale(long desiredEpoch) implements Offer {
    }
}
