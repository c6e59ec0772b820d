package dev.failover.contract.event;

/**
 * Where one provider lane of a group stands with the decision of its epoch (ADR 0036, "Served under all and any"). The
 * group's own RECONCILE result says whether the group is served under its policy; a lane's state never changes that.
 */
public enum LaneState {
    /** The lane's provider serves the decision: read back and propagated. */
    SERVED,
    /** Not served yet: an attempt failed (the detail has the attempt and the last error) or the lane waits for the gate. */
    CONVERGING,
    /** Refused for good until an operator's retry, a newer decision or new configuration. */
    REFUSED,
    /** The provider's API refused for its rate: the lane waits out its backoff. */
    THROTTLED,
    /** Our ownership mark with other sets: someone changed the record in this provider after it was served. */
    DRIFT
}
