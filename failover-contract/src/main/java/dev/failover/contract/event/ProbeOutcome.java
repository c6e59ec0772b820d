package dev.failover.contract.event;

/** What one probe of one target from one location saw. */
public enum ProbeOutcome {
    /** The target answered as its probe requires. */
    UP,
    /** The target failed its probe: evidence against the target ({@link ProbeResult#failureReason()} says how). */
    DOWN,
    /**
     * This location could not probe on time; says nothing about the target. The result's
     * {@link ProbeResult#impairment()} says what was wrong with the location. Never a failure, never a success: the
     * decision-service leaves the location out of the quorum until it reports UP or DOWN again (ADR 0008).
     */
    UNKNOWN
}
