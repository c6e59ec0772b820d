package dev.failover.actuator.requests;

/**
 * Which request goes first when a provider's budget has fewer turns than requests wait for it (ADR 0022): a group
 * driving a decision to its write (its reads, its preflight, its write), then a group confirming a write it made (the
 * reads that prove it served), then a settled group's resync. In the order of precedence.
 */
public enum Priority {
    /** A group on its way to a decision's desired state: a failover waits on this request. */
    SWITCH,
    /**
     * A group whose switch is written, confirming it (the read after the write, the change's propagation): its record
     * serves already, so it goes after the groups whose record does not yet (ADR 0022, "Writes before confirmations").
     */
    CONFIRM,
    /** A settled group's periodic check for drift: it may wait, and may be answered from a recent read. */
    RESYNC
}
