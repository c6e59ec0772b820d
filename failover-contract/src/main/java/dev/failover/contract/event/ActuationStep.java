package dev.failover.contract.event;

/** The steps of the actuator's work on one decision, in order, and the group's convergence status. */
public enum ActuationStep {
    /** The epoch check against the last applied decision of the group. */
    FENCE,
    /** Pilot-light scale-up of the target, and its readiness gate. */
    SCALE_UP,
    /** The DNS change, in one atomic request. */
    DNS_SWITCH,
    /** Proof that the DNS change is served. */
    VERIFY,
    /** Returning the previous target to pilot-light size after a failback. */
    SCALE_DOWN,
    /** The plan as a whole; its timings run from the decision to the verified switch. */
    COMPLETE,
    /**
     * The group's convergence on its decision, published when it changes: CONVERGING (with the attempt and the last
     * error), CONVERGED, BLOCKED, DRIFT or SUPERSEDED (ADR 0006).
     */
    RECONCILE
}
