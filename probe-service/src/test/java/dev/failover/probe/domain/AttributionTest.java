package dev.failover.probe.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;

/** Whose fault a probe's failure is, table-driven: how the probe went in, the published outcome and impairment out. */
class AttributionTest {

    static final Attribution.Bounds BOUNDS = new Attribution.Bounds(Duration.ofMillis(250), Duration.ofMillis(200));
    static final Observation UP = new Observation.Up(200, null, null);

    static Observation down(FailureReason reason) {
        return new Observation.Down(reason, "seen", null, null, null);
    }

    /** A probe made: connect attempt {@code startMillis} after its tick (null: never), loops held up {@code lagMillis}. */
    static Attempt made(Observation observation, Integer startMillis, int lagMillis) {
        return new Attempt.Made(observation, startMillis == null ? null : Duration.ofMillis(startMillis),
                Duration.ofMillis(lagMillis));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("on time, answered", made(UP, 3, 0), false, ProbeOutcome.UP, null),
                Arguments.of("answered although late and starved: an answer is evidence", made(UP, 900, 800), false,
                        ProbeOutcome.UP, null),
                Arguments.of("answered while the self-check fails", made(UP, 3, 0), true, ProbeOutcome.UP, null),
                Arguments.of("on time, refused by the target", made(down(FailureReason.CONNECTION_REFUSED), 3, 0),
                        false,
                        ProbeOutcome.DOWN, null),
                Arguments.of("on time, timed out, loops fine", made(down(FailureReason.TIMEOUT), 250, 200), false,
                        ProbeOutcome.DOWN, null),
                Arguments.of("on time, wrong status while starved: the status is the target's",
                        made(down(FailureReason.UNEXPECTED_STATUS), 3, 900), false, ProbeOutcome.DOWN, null),
                Arguments.of("name does not exist, no connect attempt: evidence",
                        made(down(FailureReason.DNS_FAILURE), null, 0),
                        false, ProbeOutcome.DOWN, null),
                Arguments.of("refused at the in-flight limit", new Attempt.Refused(), false, ProbeOutcome.UNKNOWN,
                        LocationImpairment.IN_FLIGHT_LIMIT),
                Arguments.of("self-check fails: a failure says nothing",
                        made(down(FailureReason.CONNECTION_REFUSED), 3, 0), true,
                        ProbeOutcome.UNKNOWN, LocationImpairment.SELF_CHECK_FAILED),
                Arguments.of("connect began past the bound", made(down(FailureReason.TIMEOUT), 251, 0), false,
                        ProbeOutcome.UNKNOWN, LocationImpairment.LATE_START),
                Arguments.of("late start beats any reason", made(down(FailureReason.CONNECTION_RESET), 2000, 0), false,
                        ProbeOutcome.UNKNOWN, LocationImpairment.LATE_START),
                Arguments.of("timed out before any connect attempt", made(down(FailureReason.TIMEOUT), null, 0), false,
                        ProbeOutcome.UNKNOWN, LocationImpairment.LATE_START),
                Arguments.of("timed out while the loops lagged", made(down(FailureReason.TIMEOUT), 3, 201), false,
                        ProbeOutcome.UNKNOWN, LocationImpairment.CPU_STARVED),
                Arguments.of("too slow while the loops lagged", made(down(FailureReason.TOO_SLOW), 3, 900), false,
                        ProbeOutcome.UNKNOWN, LocationImpairment.CPU_STARVED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aFailureIsEvidenceOnlyWhenTheLocationProbedOnTime(String name, Attempt attempt, boolean selfCheckFailed,
            ProbeOutcome outcome, LocationImpairment impairment) {
        assertThat(Attribution.of(attempt, selfCheckFailed, BOUNDS))
                .isEqualTo(new Attribution.Verdict(outcome, impairment));
    }
}
