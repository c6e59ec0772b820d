package dev.failover.contract.event;

/** What an operator asks of a group through the override API. */
public enum CommandType {
    PIN,
    RELEASE,
    PAUSE,
    RESUME,
    FORCE,
    START_DRILL,
    END_DRILL,
    /** A planned switchover to a HEALTHY target, pinned there. */
    SWITCHOVER,
    /** Returns traffic to where it was before the switchover and drops its pin. */
    ABORT_SWITCHOVER
}
