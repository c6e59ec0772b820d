package dev.failover.contract.event;

/** How one step of a plan ended. */
public enum ActuationStatus {
    SUCCEEDED,
    FAILED,
    /** Not done on purpose: a stale epoch, a shadow decision, nothing to scale. Details say which. */
    SKIPPED,
    /** RECONCILE: not served yet; the actuator keeps trying. Details carry the attempt and the last error. */
    CONVERGING,
    /** RECONCILE: served as decided, proven by reading what the DNS provider serves. */
    CONVERGED,
    /** RECONCILE: refused for good; retried after a new decision, a configuration change or an operator's retry. */
    BLOCKED,
    /** RECONCILE or VERIFY: the record was changed by someone else after it had been served as decided. */
    DRIFT,
    /** RECONCILE: the record carries a newer epoch's ownership mark; this instance changes nothing. */
    SUPERSEDED
}
