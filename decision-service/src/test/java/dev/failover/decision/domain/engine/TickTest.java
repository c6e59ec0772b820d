package dev.failover.decision.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;

/**
 * The ticker's pass lets time pass for groups its results do not: a group a result evaluated within the tick's interval
 * is not evaluated again by it (at 1,000 groups the tick's 1,000 evaluations a second came on top of 3,000 by results,
 * each under the engine's lock the input's event loop waits for), one gone silent is.
 */
class TickTest {

    static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");
    static final String GROUP = TestTopology.GROUP;

    final ManualClock clock = new ManualClock(T0);
    final DecisionEngine engine = Engines.minimal(TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/",
            "http://127.0.0.1:2/"), "test"), clock, () -> "d-1");

    void resultsNow() {
        for (String location : TestTopology.LOCATIONS) {
            for (String target : List.of(TestTopology.PRIMARY, TestTopology.SECONDARY)) {
                engine.onProbeResult(TestProbeResults.up(GROUP, target, location, clock.instant()));
            }
        }
    }

    @Test
    void aGroupAResultEvaluatedWithinTheIntervalIsLeftToItsResults() {
        resultsNow();
        clock.advance(Duration.ofMillis(600));
        assertThat(engine.tick(List.of(GROUP), Duration.ofSeconds(1))).as("evaluated 600 ms ago by a result").isEmpty();
        assertThat(engine.tick(List.of(GROUP))).as("every group, as the engine's own tick()").hasSize(1);
    }

    @Test
    void aGroupWhoseResultsStoppedIsEvaluatedByTheTick() {
        resultsNow();
        clock.advance(Duration.ofMillis(1_000));
        assertThat(engine.tick(List.of(GROUP), Duration.ofSeconds(1))).as("evaluated a whole interval ago").hasSize(1);
        clock.advance(Duration.ofMillis(400));
        assertThat(engine.tick(List.of(GROUP), Duration.ofSeconds(1))).as("evaluated by the tick 400 ms ago").isEmpty();
        clock.advance(Duration.ofMillis(600));
        assertThat(engine.tick(List.of(GROUP), Duration.ofSeconds(1))).singleElement().isInstanceOf(Outcome.class);
    }
}
