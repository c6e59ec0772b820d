package dev.failover.contract.event;

/** Why the active target of a group changes. */
public enum DecisionKind {
    /** The active target became unhealthy; traffic moves down the chain. */
    FAILOVER,
    /** A higher-priority target has been healthy for the hold-down time; traffic moves back up. */
    FAILBACK,
    /** Every target is unhealthy and the group's policy sends traffic to its last-resort target. */
    LAST_RESORT,
    /** An operator pinned or released a target. */
    OVERRIDE,
    /** An operator forced a switch past the safety rules (break glass). */
    FORCE,
    /** A scheduled or manual disaster-recovery drill moved traffic to a secondary. */
    DRILL_START,
    /** A drill ended (its time is up, or an operator ended it) and traffic returns, as a planned move. */
    DRILL_END,
    /**
     * A drill ended because its target failed (UNHEALTHY or FLAPPING): traffic returns at once, as in a failover; no TTL
     * is lowered on, and no old TTL waited out for, a target that is failing (ADR 0012).
     */
    DRILL_ABORT,
    /**
     * An operator's planned switchover to a HEALTHY target, pinned there: the actuator lowers the record's TTL to a floor,
     * waits out the old TTL, scales the target up, switches, verifies and restores the TTL, each step reported.
     */
    SWITCHOVER;

    /**
     * A move made on purpose, not in an emergency: the actuator may take its time over it (the TTL choreography, ADR
     * 0012), and how long it takes is not a slow failover.
     */
    public boolean planned() {
        return this == SWITCHOVER || this == DRILL_START || this == DRILL_END;
    }
}
