package dev.failover.probe.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;

/** A dependency's results are kept apart from its target's: neither replaces nor hides the other. */
class LatestResultsTest {

    static ProbeResult ofTarget(ProbeOutcome outcome) {
        return ProbeResult.of("g", "primary", "us-east-1", "loc-a", Instant.parse("2026-11-22T10:00:00Z"), outcome)
                .durationMillis(5L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.CONNECTION_REFUSED : null)
                .build();
    }

    @Test
    void resultsOfADependencyAreKeptApartFromItsTargets() {
        LatestResults latest = new LatestResults();
        ProbeResult target = ofTarget(ProbeOutcome.UP);
        ProbeResult dependency = ofTarget(ProbeOutcome.DOWN).forDependency("db");

        latest.record(target);
        latest.record(dependency);

        assertThat(latest.last("g", "primary")).as("the target's last result, recorded before its dependency's")
                .contains(target);
        assertThat(latest.recent("g", "primary")).containsExactly(target);
        assertThat(latest.recent("g", "primary", "db")).containsExactly(dependency);
        assertThat(latest.recent("g", "primary", "cache")).as("another dependency of the target").isEmpty();
    }

    @Test
    void aDependencyRemovedFromTheTopologyIsDroppedAndItsTargetKept() {
        LatestResults latest = new LatestResults();
        latest.record(ofTarget(ProbeOutcome.UP));
        latest.record(ofTarget(ProbeOutcome.DOWN).forDependency("db"));
        latest.record(ofTarget(ProbeOutcome.UP).forDependency("cache"));

        latest.retain(
                Set.of(new LatestResults.Key("g", "primary", null), new LatestResults.Key("g", "primary", "cache")));

        assertThat(latest.recent("g", "primary")).hasSize(1);
        assertThat(latest.recent("g", "primary", "cache")).hasSize(1);
        assertThat(latest.recent("g", "primary", "db")).as("the removed dependency").isEmpty();
    }
}
