package dev.failover.contract.event;

/** What an operator asks of a group through the override API. */
public enum CommandType {
    PIN,
    RELEASE,
    PAUSE,
    RESUME,
    FORCE,
    START_DRILL,
    END_DRILL
}
