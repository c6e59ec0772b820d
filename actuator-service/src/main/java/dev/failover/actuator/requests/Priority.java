package dev.failover.actuator.requests;

/**
 * Which request goes first when a provider's budget has fewer turns than requests wait for it (issue 54): a group
 * driving a decision (its reads, its preflight, its write, the reads that prove it served) before a settled group's
 * resync. In the order of precedence.
 */
public enum Priority {
    /** A group on its way to a decision's desired state: a failover waits on this request. */
    SWITCH,
    /** A settled group's periodic check for drift: it may wait, and may be answered from a recent read. */
    RESYNC
}
