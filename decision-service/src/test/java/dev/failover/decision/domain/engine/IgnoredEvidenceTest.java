package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.engine;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Outcome.IgnoreReason;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.domain.state.GroupView.ClockSkew;

/**
 * What the view shows of a location whose results are not used: the reason and time per target, and the location's
 * clock offset estimate. loc-a and loc-b are in sync and fast; loc-c's clock is {@code skew} off and its results spend
 * {@code transits} in transit, one round every 10 s (tolerance 5 s; results are stale after 30 s).
 */
class IgnoredEvidenceTest {

    static final long PROBE_MILLIS = 5;

    static Stream<Arguments> locations() {
        return Stream.of(
                Arguments.of("10 min ahead: ignored as from the future, offset within the fastest transit", 600_000,
                        List.of(300L, 100L, 200L), IgnoreReason.FROM_THE_FUTURE, 599_900L, ClockSkew.AHEAD,
                        LocationVerdict.UNKNOWN),
                Arguments.of("6 s ahead, just past the 5 s tolerance: ignored", 6_000, List.of(100L, 100L, 100L),
                        IgnoreReason.FROM_THE_FUTURE, 5_900L, ClockSkew.AHEAD, LocationVerdict.UNKNOWN),
                Arguments.of("4 s ahead, within the tolerance: used", 4_000, List.of(100L, 100L, 100L), null, 3_900L,
                        ClockSkew.WITHIN_TOLERANCE, LocationVerdict.UP),
                Arguments.of("10 min behind: ignored as stale", -600_000, List.of(100L, 100L, 100L), IgnoreReason.STALE,
                        -600_100L, ClockSkew.BEHIND_OR_DELAYED, LocationVerdict.UNKNOWN),
                Arguments.of("20 s behind: used (not stale yet), but beyond the tolerance", -20_000,
                        List.of(100L, 100L, 100L),
                        null, -20_100L, ClockSkew.BEHIND_OR_DELAYED, LocationVerdict.UP),
                Arguments.of("in sync, 40 s in transit: stale, and indistinguishable from a clock behind", 0,
                        List.of(40_000L, 40_000L, 40_000L), IgnoreReason.STALE, -40_000L, ClockSkew.BEHIND_OR_DELAYED,
                        LocationVerdict.UNKNOWN),
                Arguments.of("in sync and fast: used", 0, List.of(50L, 20L, 80L), null, -20L,
                        ClockSkew.WITHIN_TOLERANCE,
                        LocationVerdict.UP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locations")
    void theViewTellsASkewedLocationFromASilentOne(String name, long skewMillis, List<Long> transits,
            IgnoreReason reason,
            Long offsetMillis, ClockSkew skew, LocationVerdict verdict) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        Instant lastArrival = null;
        for (int round = 0; round < transits.size(); round++) {
            lastArrival = T0.plusSeconds(10L * round);
            deliver(engine, clock, "loc-a", lastArrival, 0, 10);
            deliver(engine, clock, "loc-b", lastArrival, 0, 10);
            deliver(engine, clock, "loc-c", lastArrival, skewMillis, transits.get(round));
        }
        GroupView view = engine.view("api").orElseThrow();

        GroupView.LocationView locC = location(view, "primary", "loc-c");
        assertThat(locC.verdict()).as("loc-c's verdict").isEqualTo(verdict);
        if (reason == null) {
            assertThat(locC.lastIgnored()).as("loc-c's last ignored result").isNull();
        } else {
            assertThat(locC.lastIgnored().reason()).as("reason").isEqualTo(reason);
            assertThat(locC.lastIgnored().at()).as("ignored at the last arrival").isEqualTo(lastArrival);
            assertThat(locC.lastIgnored().detail()).as("detail").contains("loc-c's clock");
            assertThat(location(view, "secondary", "loc-c").lastIgnored().reason()).as("every target of the location")
                    .isEqualTo(reason);
        }
        assertThat(clock(view, "loc-c")).as("loc-c's clock")
                .isEqualTo(new GroupView.LocationClock("loc-c", offsetMillis, skew, lastArrival));
        for (String inSync : List.of("loc-a", "loc-b")) {
            assertThat(location(view, "primary", inSync).lastIgnored()).as(inSync + "'s last ignored").isNull();
            assertThat(location(view, "primary", inSync).verdict()).as(inSync + "'s verdict")
                    .isEqualTo(LocationVerdict.UP);
            assertThat(clock(view, inSync)).as(inSync + "'s clock")
                    .isEqualTo(new GroupView.LocationClock(inSync, -10L, ClockSkew.WITHIN_TOLERANCE, lastArrival));
        }
    }

    @Test
    void aSilentLocationHasNoEstimateAndNothingIgnored() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        deliver(engine, clock, "loc-a", T0, 0, 10);
        GroupView view = engine.view("api").orElseThrow();
        assertThat(location(view, "primary", "loc-c"))
                .isEqualTo(new GroupView.LocationView("loc-c", LocationVerdict.UNKNOWN, 0, 0, null, null));
        assertThat(clock(view, "loc-c"))
                .isEqualTo(new GroupView.LocationClock("loc-c", null, ClockSkew.NO_RECENT_RESULTS, null));
    }

    @Test
    void aCorrectedClockIsForgottenWithinAMinuteAndTheLastIgnoredResultStays() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        deliver(engine, clock, "loc-c", T0, 600_000, 100);
        Instant fixedAt = T0.plusSeconds(10);
        for (int second = 10; second <= 70; second += 10) {
            deliver(engine, clock, "loc-c", T0.plusSeconds(second), 0, 100);
        }
        GroupView view = engine.view("api").orElseThrow();
        assertThat(clock(view, "loc-c").offsetMillis()).as("the 600 s sample is forgotten").isEqualTo(-100L);
        GroupView.LocationView locC = location(view, "primary", "loc-c");
        assertThat(locC.lastIgnored().reason()).isEqualTo(IgnoreReason.FROM_THE_FUTURE);
        assertThat(locC.lastIgnored().at()).isEqualTo(T0);
        assertThat(locC.lastResultAt()).as("used again since").isAfter(fixedAt);

        clock.advance(Duration.ofSeconds(60));
        assertThat(clock(engine.view("api").orElseThrow(), "loc-c").skew()).as("a minute of silence")
                .isEqualTo(ClockSkew.NO_RECENT_RESULTS);
    }

    /** One result for each target from {@code location}, arriving at {@code arrival}. */
    static void deliver(DecisionEngine engine, ManualClock clock, String location, Instant arrival, long skewMillis,
            long transitMillis) {
        clock.set(arrival);
        Instant startedAt = arrival.minusMillis(transitMillis + PROBE_MILLIS).plusMillis(skewMillis);
        for (String target : List.of("primary", "secondary")) {
            engine.onProbeResult(ProbeResult.of("api", target, "region", location, startedAt, ProbeOutcome.UP)
                    .durationMillis(PROBE_MILLIS).build());
        }
    }

    static GroupView.LocationView location(GroupView view, String target, String location) {
        return view.targets().stream().filter(t -> t.target().equals(target)).findFirst().orElseThrow().locations()
                .stream()
                .filter(l -> l.location().equals(location)).findFirst().orElseThrow();
    }

    static GroupView.LocationClock clock(GroupView view, String location) {
        return view.locationClocks().stream().filter(c -> c.location().equals(location)).findFirst().orElseThrow();
    }
}
