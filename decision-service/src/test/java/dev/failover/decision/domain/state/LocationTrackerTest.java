package dev.failover.decision.domain.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;

/** The flap window's transitions, kept as outcomes come and go, always equal a count over the last outcomes. */
class LocationTrackerTest {

    static Stream<Arguments> sequences() {
        return Stream.of(
                Arguments.of("one outcome window", 1, "UDUDDU"),
                Arguments.of("two outcome window", 2, "UUDUDDUUDU"),
                Arguments.of("not yet full", 20, "UDDU"),
                Arguments.of("alternating past a full window", 5, "UDUDUDUDUDUD"),
                Arguments.of("steady then flapping then steady", 4, "UUUUUDUDUDDDDDDU"),
                Arguments.of("every change at the edge of the window", 3, "UUDDUUDDUUDD"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void transitionsAreThoseOfTheLastWindowOfOutcomes(String name, int window, String outcomes) {
        Thresholds thresholds = new Thresholds(null, null, null, null, null, window, null);
        LocationTracker tracker = new LocationTracker("loc-a", thresholds);
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        List<Boolean> seen = new ArrayList<>();
        for (char outcome : outcomes.toCharArray()) {
            boolean up = outcome == 'U';
            at = at.plusSeconds(1);
            tracker.record(ProbeResult.of("g", "t", "r", "loc-a", at, up ? ProbeOutcome.UP : ProbeOutcome.DOWN)
                    .durationMillis(5L).failureReason(up ? null : FailureReason.TIMEOUT).build(), thresholds);
            seen.add(up);
            List<Boolean> last = seen.subList(Math.max(0, seen.size() - window), seen.size());
            int changes = 0;
            for (int i = 1; i < last.size(); i++) {
                changes += last.get(i) == last.get(i - 1) ? 0 : 1;
            }
            assertThat(tracker.transitions()).as("transitions after " + seen.size() + " outcomes of " + outcomes)
                    .isEqualTo(changes);
        }
    }

    /** A redelivered result (same start) is counted once: else two failures would be one short of a real third. */
    @Test
    void theSameResultDeliveredTwiceIsCountedOnce() {
        Thresholds thresholds = new Thresholds(3, 2, null, null, null, 10, null);
        LocationTracker tracker = new LocationTracker("loc-a", thresholds);
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        for (int i = 1; i <= 2; i++) {
            ProbeResult down = ProbeResult.of("g", "t", "r", "loc-a", at.plusSeconds(i), ProbeOutcome.DOWN)
                    .durationMillis(5L).failureReason(FailureReason.TIMEOUT).build();
            tracker.record(down, thresholds);
            tracker.record(down, thresholds);
        }
        assertThat(tracker.consecutiveFailures()).isEqualTo(2);
        assertThat(tracker.recent()).hasSize(2);
        assertThat(tracker.verdictAt(at.plusSeconds(3), Duration.ofSeconds(30), thresholds))
                .as("two real failures of three needed").isEqualTo(LocationVerdict.UNKNOWN);
    }

    /**
     * The kept results are the latest, oldest first, with their positions, and the count from before the oldest is what
     * the results no longer kept counted to (a plain recount of them here), UNKNOWN results counting for nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void theKeptResultsAreTheLatestAndTheCountBeforeThemIsThatOfTheResultsGone(String name, int window,
            String outcomes) {
        Thresholds thresholds = new Thresholds(2, 3, null, null, null, window, null);
        LocationTracker tracker = new LocationTracker("loc-a", thresholds);
        int keep = Math.max(window, 3);
        String sequence = outcomes + "?" + outcomes; // '?' an UNKNOWN result
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        for (int i = 0; i < sequence.length(); i++) {
            ProbeOutcome outcome = switch (sequence.charAt(i)) {
                case 'U' -> ProbeOutcome.UP;
                case 'D' -> ProbeOutcome.DOWN;
                default -> ProbeOutcome.UNKNOWN;
            };
            tracker.record(ProbeResult.of("g", "t", "r", "loc-a", at.plusMillis(1500L * i), outcome).durationMillis(5L)
                    .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null)
                    .impairment(outcome == ProbeOutcome.UNKNOWN
                            ? dev.failover.contract.event.LocationImpairment.LATE_START : null)
                    .build(), thresholds,
                    dev.failover.contract.topology.FailureClass.DOWN, new Explanation.Position(1, 100 + i));
        }
        int gone = Math.max(0, sequence.length() - keep);
        assertThat(tracker.recent()).extracting(Explanation.Result::offset).as("offsets of the kept results")
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(100 + gone, 100 + sequence.length()).boxed().toList());
        assertThat(tracker.recent().get(0).startedAt()).isEqualTo(at.plusMillis(1500L * gone));

        LocationVerdict verdict = LocationVerdict.UNKNOWN;
        int failures = 0;
        int successes = 0;
        for (char c : sequence.substring(0, gone).toCharArray()) {
            if (c == 'U') {
                failures = 0;
                if (++successes >= 3) {
                    verdict = LocationVerdict.UP;
                }
            } else if (c == 'D') {
                successes = 0;
                if (++failures >= 2) {
                    verdict = LocationVerdict.DOWN;
                }
            }
        }
        assertThat(tracker.countsBeforeRecent()).as("count before the %d kept of %s", keep, sequence)
                .isEqualTo(new Explanation.Counts(verdict, failures, successes));
    }
}
