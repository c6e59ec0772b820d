package dev.failover.contract.event;

/** Whether the actuator acts on a decision. */
public enum DecisionMode {
    LIVE,
    /** Computed and published for comparison only; the actuator records it and changes nothing. */
    SHADOW
}
