package dev.failover.contract.event;

/**
 * Why a probe location could not judge a target: its own fault, not the target's. Carried by an
 * {@link ProbeOutcome#UNKNOWN} result (ADR 0008); counted and alerted on by the probe-service.
 */
public enum LocationImpairment {
    /** None of the location's self-check reference URLs answers: the location is likely cut off itself. */
    SELF_CHECK_FAILED,
    /**
     * The probe's connect attempt began later than the location's start-delay bound after its scheduled tick, or not
     * at all within the probe's timeout: the location's queues (resolver, event loop, connection pool) held it back.
     */
    LATE_START,
    /** The location's bound on probes in flight was reached at the tick: the probe was refused, not made. */
    IN_FLIGHT_LIMIT,
    /**
     * The probe timed out (or was too slow) while the location's event loops were held up longer than the bound: its
     * own CPU, not the target, may have made it late.
     */
    CPU_STARVED
}
