package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.engine;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.IgnoreWarnings;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.Outcome.IgnoreReason;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.metrics.DecisionMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Two probe instances reporting as one location (ADR 0008): the results of primary from loc-a, one round every
 * 10 s (window: two intervals, 20 s), by the probe instance ({@code prober}) that sent each. One instance is in place
 * per location and target; a result of another instance while the one in place still reports is left out
 * (OTHER_SOURCE), warned about and counted; a new instance that replaces a silent one takes over at once.
 */
class ProbeSourcesTest {

    /** A result of primary from loc-a at second {@code at} by {@code prober} (null: a probe-service older than the field). */
    record Arrival(int at, String prober) {
        @Override
        public String toString() {
            return prober + "@" + at;
        }
    }

    static Arrival a(int at) {
        return new Arrival(at, "probe-a");
    }

    static Arrival b(int at) {
        return new Arrival(at, "probe-b");
    }

    static Arrival unnamed(int at) {
        return new Arrival(at, null);
    }

    static final String U = "used";
    static final String D = "left out";

    static Stream<Arguments> timelines() {
        return Stream.of(
                Arguments.of("one instance: every result used", List.of(a(0), a(10), a(20), a(30)),
                        List.of(U, U, U, U)),
                Arguments.of("two instances interleaved: the second takes over once, then the first is left out",
                        List.of(a(0), b(5), a(10), b(15), a(20), b(25), a(30)), List.of(U, U, D, U, D, U, D)),
                Arguments.of("a rollout or restart: the new instance takes over at once, the old one is silent",
                        List.of(a(0), a(10), b(14), b(24), b(34)), List.of(U, U, U, U, U)),
                Arguments.of("the old instance reports again within the window: two at once",
                        List.of(a(0), b(10), a(15)), List.of(U, U, D)),
                Arguments.of("the old instance reports again after the window: a handover back, not a conflict",
                        List.of(a(0), b(10), b(20), b(30), a(45)), List.of(U, U, U, U, U)),
                Arguments.of(
                        "the instance in place stops: the other is used again once it has been silent two intervals",
                        List.of(a(0), b(5), a(10), a(20), a(30)), List.of(U, U, D, D, U)),
                Arguments.of("an old probe-service without prober and a named one are two instances",
                        List.of(unnamed(0), b(5), unnamed(10)), List.of(U, U, D)),
                Arguments.of("two old probe-services without prober cannot be told apart: counted as one, as before",
                        List.of(unnamed(0), unnamed(5), unnamed(10)), List.of(U, U, U)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timelines")
    void oneInstanceInPlacePerLocationAndTarget(String name, List<Arrival> arrivals, List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        List<String> seen = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            clock.set(T0.plusSeconds(arrival.at()));
            Outcome outcome = engine.onProbeResult(result(arrival, "primary", ProbeOutcome.UP));
            seen.add(outcome instanceof Outcome.Ignored ignored && ignored.reason() == IgnoreReason.OTHER_SOURCE ? D
                    : U);
        }
        assertThat(seen).as("%s", arrivals).isEqualTo(expected);
    }

    @Test
    void anotherTargetOrLocationIsNoConflict() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        engine.onProbeResult(result(a(0), "primary", ProbeOutcome.UP));
        clock.set(T0.plusSeconds(5));
        engine.onProbeResult(result(b(5), "secondary", ProbeOutcome.UP));
        engine.onProbeResult(copy(result(b(5), "primary", ProbeOutcome.UP), "loc-b"));
        clock.set(T0.plusSeconds(10));
        assertThat(engine.onProbeResult(result(a(10), "primary", ProbeOutcome.UP))).as("used, not left out")
                .isNotInstanceOf(Outcome.Ignored.class);
    }

    /** The defect: one replica that sees the target down and one that sees it up made the location FLAPPING. */
    @Test
    void oneBadReplicaDoesNotMakeTheLocationFlap() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        for (int at = 0; at <= 300; at += 10) {
            clock.set(T0.plusSeconds(at));
            engine.onProbeResult(result(a(at), "primary", ProbeOutcome.UP));
            clock.set(T0.plusSeconds(at + 5));
            engine.onProbeResult(result(b(at + 5), "primary", ProbeOutcome.DOWN));
        }
        GroupView.LocationView locA = engine.view("api").orElseThrow().targets().stream()
                .filter(t -> t.target().equals("primary")).findFirst().orElseThrow().locations().stream()
                .filter(l -> l.location().equals("loc-a")).findFirst().orElseThrow();
        assertThat(locA.verdict()).as("loc-a's verdict on primary, by the instance in place").isIn(LocationVerdict.UP,
                LocationVerdict.DOWN);
        assertThat(locA.lastIgnored().reason()).isEqualTo(IgnoreReason.OTHER_SOURCE);
    }

    /** What the operator sees: a warning naming the location, the target and both instances, and a counter by location. */
    @Test
    void theWarningAndTheMetricNameTheLocationTargetAndBothInstances() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecisionMetrics metrics = new DecisionMetrics(registry);
        IgnoreWarnings warnings = new IgnoreWarnings(clock, Duration.ofMinutes(1));
        List<String> logged = new ArrayList<>();
        for (Arrival arrival : List.of(a(0), b(5), a(10), b(15), a(20))) {
            clock.set(T0.plusSeconds(arrival.at()));
            ProbeResult result = result(arrival, "primary", ProbeOutcome.UP);
            if (engine.onProbeResult(result) instanceof Outcome.Ignored ignored) {
                metrics.ignored(ignored, result.location());
                if (ignored.reason().causedByLocation()) {
                    warnings.onIgnored(result.location(), ignored.reason(), ignored.detail())
                            .ifPresent(w -> logged.add(w.message()));
                }
            }
        }
        assertThat(registry.get(DecisionMetrics.RESULTS_IGNORED).tags("reason", "OTHER_SOURCE", "location", "loc-a")
                .counter()
                .count()).as("results left out, by location").isEqualTo(2.0);
        assertThat(logged).as("one warning a minute").hasSize(1);
        assertThat(logged.get(0)).contains("loc-a", "api/primary", "probe-a", "probe-b", "OTHER_SOURCE 1");
    }

    static ProbeResult result(Arrival arrival, String target, ProbeOutcome outcome) {
        ProbeResult result = ProbeResult.of("api", target, "region", "loc-a", T0.plusSeconds(arrival.at()), outcome)
                .durationMillis(5L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.CONNECTION_REFUSED : null)
                .build();
        return arrival.prober() == null ? result : result.withProber(arrival.prober());
    }

    static ProbeResult copy(ProbeResult r, String location) {
        return ProbeResult.of(r.group(), r.target(), r.targetRegion(), location, r.startedAt(), r.outcome())
                .schemaVersion(r.schemaVersion()).durationMillis(r.durationMillis()).failureReason(r.failureReason())
                .prober(r.prober()).build();
    }
}
