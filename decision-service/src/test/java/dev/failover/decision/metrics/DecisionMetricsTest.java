package dev.failover.decision.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.decision.domain.model.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class DecisionMetricsTest {

    /**
     * The results ignored by location exist at 0 for every location from the start: FailoverChainIT found no
     * failover_decision_results_ignored_total once a takeover's backlog was counted rather than ignored (stop 67), and a
     * series that appears at 1 is no increase to the alert on OTHER_SOURCE.
     */
    @Test
    void theIgnoredResultsOfEveryLocationStartAtZeroAndCountFromThere() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecisionMetrics metrics = new DecisionMetrics(registry);
        metrics.locations(List.of("loc-a", "loc-b"));

        for (String location : List.of("loc-a", "loc-b")) {
            for (String reason : List.of("STALE", "FROM_THE_FUTURE", "OTHER_SOURCE")) {
                assertThat(registry.find(DecisionMetrics.RESULTS_IGNORED).tags("reason", reason, "location", location)
                        .counter())
                        .as(reason + " at " + location).isNotNull().satisfies(c -> assertThat(c.count()).isZero());
            }
        }
        assertThat(registry.find(DecisionMetrics.RESULTS_IGNORED).tags("reason", "UNKNOWN_GROUP").counters())
                .as("reasons that name no location: not made up front").isEmpty();

        metrics.ignored(new Outcome.Ignored(Outcome.IgnoreReason.OTHER_SOURCE, "two instances"), "loc-b");
        assertThat(registry.find(DecisionMetrics.RESULTS_IGNORED).tags("reason", "OTHER_SOURCE", "location", "loc-b")
                .counter()
                .count()).isEqualTo(1.0);
    }
}
