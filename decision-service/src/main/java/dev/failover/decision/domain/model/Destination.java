package dev.failover.decision.domain.model;

/**
 * Whether a target may receive traffic from an automatic switch (failover, failback, last resort) right now. HEALTHY is
 * necessary, not enough (ADR 0010): health has hysteresis, so a target failing for two probes is still HEALTHY, and a
 * target last seen healthy long ago may be HEALTHY on old results.
 */
public enum Destination {
    /** HEALTHY, with fresh successes from a quorum of locations and every dependency HEALTHY. */
    ELIGIBLE,
    /** Not HEALTHY by the quorum of locations. */
    NOT_HEALTHY,
    /** HEALTHY, but its latest results at a quorum of locations are failures: it is failing now, below its threshold. */
    FAILING_NOW,
    /** HEALTHY, but fewer than a quorum of locations have a success newer than the fresh-evidence bound. */
    STALE_EVIDENCE,
    /** A dependency of it (its database writer, a queue) is not HEALTHY. */
    DEPENDENCY_NOT_HEALTHY,
    /**
     * Whatever its health, the actuator refused the group's last move to it (BLOCKED: a fenced old primary, a replica of another
     * primary, an ARC safety rule...), and nothing has cleared that since: an operator's resume, pin or force, or a move
     * to it served (ADR 0010).
     */
    REFUSED_BY_ACTUATOR
}
