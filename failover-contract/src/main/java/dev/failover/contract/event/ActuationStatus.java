package dev.failover.contract.event;

/** How one step of a plan ended. */
public enum ActuationStatus {
    SUCCEEDED,
    FAILED,
    /** Not done on purpose: a stale epoch, a shadow decision, nothing to scale. Details say which. */
    SKIPPED
}
