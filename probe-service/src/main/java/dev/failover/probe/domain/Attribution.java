package dev.failover.probe.domain;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;

/**
 * Whose fault a failed probe is (ADR 0008): a DOWN is published only when this location probed on time, so that a
 * location that cannot keep up never reports a healthy target DOWN. Otherwise the result is UNKNOWN with the location's
 * impairment. An UP is never questioned: the target answered within its timeout despite the location's trouble.
 */
public final class Attribution {

    /** Failures that a late or starved prober can cause by itself, with a target that answers. */
    private static final Set<FailureReason> TIMING = EnumSet.of(FailureReason.TIMEOUT, FailureReason.TOO_SLOW);

    /** The published outcome; {@code impairment} set exactly when the outcome is UNKNOWN. */
    public record Verdict(ProbeOutcome outcome, LocationImpairment impairment) {
        static final Verdict UP = new Verdict(ProbeOutcome.UP, null);
        static final Verdict DOWN = new Verdict(ProbeOutcome.DOWN, null);

        static Verdict unknown(LocationImpairment impairment) {
            return new Verdict(ProbeOutcome.UNKNOWN, impairment);
        }
    }

    /**
     * @param maxStartDelay   a connect attempt that began later than this after its tick is LATE_START
     * @param maxLoopLag      a timing failure while an event loop was held up longer than this is CPU_STARVED
     */
    public record Bounds(Duration maxStartDelay, Duration maxLoopLag) {
    }

    private Attribution() {
    }

    /** @param selfCheckFailed whether the location's self-check currently fails */
    public static Verdict of(Attempt attempt, boolean selfCheckFailed, Bounds bounds) {
        if (!(attempt instanceof Attempt.Made made)) {
            return Verdict.unknown(LocationImpairment.IN_FLIGHT_LIMIT);
        }
        if (!(made.observation() instanceof Observation.Down down)) {
            return Verdict.UP;
        }
        if (selfCheckFailed) {
            return Verdict.unknown(LocationImpairment.SELF_CHECK_FAILED);
        }
        if (made.startDelay() == null ? down.reason() == FailureReason.TIMEOUT
                : made.startDelay().compareTo(bounds.maxStartDelay()) > 0) {
            // never connecting within the timeout means the location's resolver or queues held the probe back
            return Verdict.unknown(LocationImpairment.LATE_START);
        }
        if (TIMING.contains(down.reason()) && made.loopLag().compareTo(bounds.maxLoopLag()) > 0) {
            return Verdict.unknown(LocationImpairment.CPU_STARVED);
        }
        return Verdict.DOWN;
    }
}
