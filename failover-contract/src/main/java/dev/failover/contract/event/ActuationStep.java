package dev.failover.contract.event;

/** The steps of the actuator's work on one decision, in order, and the group's convergence status. */
public enum ActuationStep {
    /** The epoch check against the last applied decision of the group. */
    FENCE,
    /**
     * A planned move (switchover, drill): the record, still on the old target, served with the TTL floor, so that
     * resolvers holding the old TTL have let it run out before the switch.
     */
    LOWER_TTL,
    /** Pilot-light scale-up of the target, and its readiness gate. */
    SCALE_UP,
    /**
     * The target's database node made writable before traffic moves (ADR 0020): the old primary fenced where it
     * answers, the target's replica promoted within the group's data-loss budget.
     */
    DATABASE,
    /**
     * An AWS ARC Region switch plan run for the move (ADR 0028): started (or adopted) for the decision, followed to its
     * end, its failure reported with AWS's own message; the DNS change waits for it.
     */
    REGION_SWITCH,
    /** The DNS change, in one atomic request. */
    DNS_SWITCH,
    /** Proof that the DNS change is served. */
    VERIFY,
    /** A planned move: the switched record given its configured TTL again. */
    RESTORE_TTL,
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
