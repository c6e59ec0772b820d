package dev.failover.contract.event;

/** One location's view of one target after its own hysteresis. */
public enum LocationVerdict {
    UP,
    DOWN,
    /** Its recent results change between UP and DOWN too often to be trusted either way. */
    FLAPPING,
    /** No verdict yet, stale, or the location reported itself impaired: excluded from the quorum. */
    UNKNOWN
}
