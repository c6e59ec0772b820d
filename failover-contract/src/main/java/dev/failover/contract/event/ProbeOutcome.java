package dev.failover.contract.event;

/** What one probe of one target from one location saw. */
public enum ProbeOutcome {
    UP,
    DOWN
}
