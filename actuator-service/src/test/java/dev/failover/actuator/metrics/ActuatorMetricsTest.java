package dev.failover.actuator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.DataTiers;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.reconcile.DatabaseStepTest;
import dev.failover.actuator.domain.reconcile.GroupStatus;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.topology.FailoverGroup;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * A planned move's minutes of waiting out a TTL are not a slow failover: FailoverSwitchSlow watches only the others, and
 * FailoverDecidedNotServed only the time outside planned holds. A superseded group has its gauge.
 */
class ActuatorMetricsTest {

    @ParameterizedTest
    @EnumSource(DecisionKind.class)
    void aCompletedMoveIsTimedAsASwitchUnlessItWasPlanned(DecisionKind kind) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant at = Instant.parse("2026-11-23T10:00:00Z");
        new ActuatorMetrics(registry).stepFinished(new ActuationResult(1, "api", "d-1", 1L, ActuationStep.COMPLETE,
                ActuationStatus.SUCCEEDED, "rfc2136", "served", at, at.plusSeconds(310), 310_000L, kind));
        Timer switched = registry.find(ActuatorMetrics.DECISION_TO_SWITCH).tag("group", "api").timer();
        Timer planned = registry.find(ActuatorMetrics.PLANNED_MOVE).tag("group", "api").timer();
        boolean isPlanned = kind == DecisionKind.SWITCHOVER || kind == DecisionKind.DRILL_START
                || kind == DecisionKind.DRILL_END;
        assertThat(isPlanned ? planned : switched).as("the timer of a " + kind).isNotNull()
                .satisfies(t -> assertThat(t.count()).isEqualTo(1));
        assertThat(isPlanned ? switched : planned).as("the other timer").isNull();
    }

    /** The failover time's histogram has a bucket at each SLO threshold: 4 s, 25 s and 4 min land where they belong. */
    @org.junit.jupiter.api.Test
    void theSwitchTimeIsCountedAtEachObjective() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ActuatorMetrics metrics = new ActuatorMetrics(registry);
        Instant at = Instant.parse("2026-11-23T10:00:00Z");
        for (long millis : new long[] { 4_000, 25_000, 240_000 }) {
            metrics.stepFinished(
                    new ActuationResult(1, "api", "d-" + millis, 1L, ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED,
                            "route53", "served", at, at.plusMillis(millis), millis, DecisionKind.FAILOVER));
        }
        var buckets = registry.get(ActuatorMetrics.DECISION_TO_SWITCH).tag("group", "api").timer().takeSnapshot()
                .histogramCounts();
        assertThat(buckets).extracting(b -> b.bucket(java.util.concurrent.TimeUnit.SECONDS))
                .containsExactly(5.0, 10.0, 30.0, 60.0, 120.0, 300.0);
        assertThat(buckets).extracting(io.micrometer.core.instrument.distribution.CountAtBucket::count)
                .containsExactly(1.0, 1.0, 2.0, 2.0, 2.0, 3.0);
    }

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    static Stream<Arguments> unplanned() {
        return Stream.of(
                Arguments.of("served", null, null, 0.0),
                Arguments.of("unserved, no planned hold", NOW.minusSeconds(100), null, 100.0),
                Arguments.of("holding a served step as planned", NOW.minusSeconds(100), NOW.plusSeconds(30), 0.0),
                Arguments.of("20 s past the end of the hold", NOW.minusSeconds(100), NOW.minusSeconds(20), 20.0));
    }

    /**
     * FailoverDecidedNotServed watches the unserved time outside planned holds: a stepped failback or a planned move
     * waiting as planned does not page, one stuck after its hold does.
     */
    @ParameterizedTest(name = "{0}: {3} s")
    @MethodSource("unplanned")
    void theUnservedTimeOutsidePlannedHoldsIsAGauge(String name, Instant unservedSince, Instant heldUntil,
            double seconds) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ActuatorMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC)).trackGroup("api", () -> new GroupStatus("api",
                null, new Convergence.Converging(1, null, NOW), unservedSince, null, null, heldUntil, DataTier.NONE));
        assertThat(registry.get(ActuatorMetrics.UNSERVED_UNPLANNED_SECONDS).tag("group", "api").gauge().value())
                .isEqualTo(seconds);
    }

    @Test
    void aSupersededGroupIsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<Convergence> convergence = new AtomicReference<>(new Convergence.Superseded(7));
        new ActuatorMetrics(registry).trackGroup("api", () -> new GroupStatus("api", null, convergence.get(), null,
                null, null));
        assertThat(registry.get(ActuatorMetrics.SUPERSEDED).tag("group", "api").gauge().value()).isEqualTo(1.0);
        convergence.set(new Convergence.Idle());
        assertThat(registry.get(ActuatorMetrics.SUPERSEDED).tag("group", "api").gauge().value()).isZero();
    }

    @Test
    void theDataTierIsAGaugePerTargetAndGroup() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FailoverGroup group = DatabaseStepTest
                .topology("jdbc:postgresql://east:5432/app", "jdbc:postgresql://west:5432/app",
                        15)
                .group("api").orElseThrow();
        AtomicReference<DataTier> tier = new AtomicReference<>(DataTier.NONE);
        new ActuatorMetrics(registry).trackDatabases(group, () -> new GroupStatus("api", null,
                new Convergence.Idle(), null, null, null, null, tier.get()));
        assertThat(
                registry.get(ActuatorMetrics.DATABASE_LAG).tags("group", "api", "target", "secondary").gauge().value())
                .as("not observed yet").isNaN();
        assertThat(registry.get(ActuatorMetrics.DATABASE_LOSS_BUDGET).tag("group", "api").gauge().value())
                .isEqualTo(15.0);
        assertThat(registry.get(ActuatorMetrics.DATABASE_LAST_PROMOTION).tag("group", "api").gauge().value()).isNaN();

        tier.set(DataTiers.seen(Map.of("primary",
                new DataTier.Node(Database.Observation.Observed.writable(), NOW),
                "secondary", new DataTier.Node(new Database.Observation.Observed(Database.Role.REPLICA,
                        800, 21.5, true, null, null, false), NOW)),
                NOW, Duration.ofMillis(2_500)));
        assertThat(
                registry.get(ActuatorMetrics.DATABASE_LAG).tags("group", "api", "target", "secondary").gauge().value())
                .isEqualTo(21.5);
        assertThat(registry.get(ActuatorMetrics.DATABASE_WRITABLE).tags("group", "api", "target", "primary").gauge()
                .value())
                .isEqualTo(1.0);
        assertThat(registry.get(ActuatorMetrics.DATABASE_WRITABLE).tags("group", "api", "target", "secondary").gauge()
                .value()).isZero();
        assertThat(registry.get(ActuatorMetrics.DATABASE_HELD).tag("group", "api").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(ActuatorMetrics.DATABASE_LAST_PROMOTION).tag("group", "api").gauge().value())
                .isEqualTo(2.5);

        tier.set(DataTiers.seen(
                Map.of("primary", new DataTier.Node(new Database.Observation.Unavailable("timed out"), NOW)),
                null, null));
        assertThat(registry.get(ActuatorMetrics.DATABASE_ANSWERED).tags("group", "api", "target", "primary").gauge()
                .value())
                .isZero();
        assertThat(registry.get(ActuatorMetrics.DATABASE_LAG).tags("group", "api", "target", "primary").gauge().value())
                .isNaN();
        assertThat(registry.get(ActuatorMetrics.DATABASE_HELD).tag("group", "api").gauge().value()).isZero();
    }

    /** Each replica's loss exposure, and whether it is known, for the alerts before any failure. */
    @Test
    void eachReplicasLossExposureIsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FailoverGroup group = DatabaseStepTest
                .topology("jdbc:postgresql://east:5432/app", "jdbc:postgresql://west:5432/app",
                        15)
                .group("api").orElseThrow();
        AtomicReference<DataTier> tier = new AtomicReference<>(DataTier.NONE);
        new ActuatorMetrics(registry).trackDatabases(group, () -> new GroupStatus("api", null,
                new Convergence.Idle(), null, null, null, null, tier.get()));
        Supplier<Double> seconds = () -> registry.get(ActuatorMetrics.DATABASE_LOSS_EXPOSURE)
                .tags("group", "api", "target",
                        "secondary")
                .gauge().value();
        Supplier<Double> known = () -> registry.get(ActuatorMetrics.DATABASE_LOSS_EXPOSURE_KNOWN).tags("group", "api",
                "target", "secondary").gauge().value();
        assertThat(seconds.get()).as("not a replica seen yet").isNaN();
        assertThat(known.get()).isNaN();

        tier.set(withExposure(new LossExposure.Window(Duration.ofMillis(4_200), "test")));
        assertThat(seconds.get()).isEqualTo(4.2);
        assertThat(known.get()).isEqualTo(1.0);
        tier.set(withExposure(new LossExposure.None("synchronous")));
        assertThat(seconds.get()).isZero();
        tier.set(withExposure(new LossExposure.Unknown("never seen")));
        assertThat(seconds.get()).as("beyond any budget").isInfinite();
        assertThat(known.get()).isZero();
    }

    /**
     * After a promotion, how long the old primary has gone unfenced: it does not answer (the two-writable alert cannot
     * see it) or takes writes; 0 once it is seen fenced or replicating, for the promoted node, before a promotion.
     */
    @Test
    void anOldPrimaryLeftUnfencedAfterThePromotionIsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FailoverGroup group = DatabaseStepTest
                .topology("jdbc:postgresql://east:5432/app", "jdbc:postgresql://west:5432/app",
                        15)
                .group("api").orElseThrow();
        AtomicReference<DataTier> tier = new AtomicReference<>(DataTier.NONE);
        new ActuatorMetrics(registry, Clock.fixed(NOW, java.time.ZoneOffset.UTC)).trackDatabases(group,
                () -> new GroupStatus("api", null, new Convergence.Idle(), null, null, null, null, tier.get()));
        Supplier<Double> primary = () -> registry.get(ActuatorMetrics.DATABASE_UNFENCED).tags("group", "api", "target",
                "primary").gauge().value();
        Supplier<Double> secondary = () -> registry.get(ActuatorMetrics.DATABASE_UNFENCED)
                .tags("group", "api", "target",
                        "secondary")
                .gauge().value();
        assertThat(primary.get()).as("no promotion").isZero();

        DataTier.Promotion promoted = new DataTier.Promotion("secondary", NOW.minusSeconds(150), null);
        DataTier.Node writable = new DataTier.Node(
                Database.Observation.Observed.writable(), NOW);
        tier.set(DataTiers
                .of(Map.of("primary", new DataTier.Node(new Database.Observation.Unavailable("timed out"), NOW),
                        "secondary", writable), null, null, promoted, Map.of()));
        assertThat(primary.get()).as("not answering since the promotion").isEqualTo(150.0);
        assertThat(secondary.get()).as("the promoted node").isZero();

        tier.set(DataTiers.of(Map.of("primary", writable, "secondary", writable), null, null, promoted, Map.of()));
        assertThat(primary.get()).as("writable beside it").isEqualTo(150.0);

        tier.set(DataTiers
                .of(Map.of("primary", new DataTier.Node(Database.Observation.Observed.fenced(), NOW), "secondary",
                        writable), null, null, promoted, Map.of()));
        assertThat(primary.get()).as("fenced").isZero();
    }

    /** The scrape's lines of a metric (by its Prometheus name), without comments. */
    static List<String> linesOf(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + "{")).toList();
    }

    /**
     * Each provider lane of a group as Prometheus reads it (ADR 0036, "Metrics and the disagreement alert"): a series
     * per state, 1 for the lane's and 0 for the others, so a lane that changes state leaves no stale 1; its unserved
     * seconds; the group's disagreement, 0 while the lanes agree, beside its bound.
     */
    @Test
    void eachProviderLaneIsAGaugePerStateBesideTheGroupsDisagreement() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LaneGauges.Lane r53 = new LaneGauges.Lane("r53", "route53", LaneState.SERVED, null);
        AtomicReference<LaneGauges> lanes = new AtomicReference<>(new LaneGauges(List.of(r53,
                new LaneGauges.Lane("knot", "rfc2136", null, null)), null, Duration.ofSeconds(120)));
        new ActuatorMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC)).trackLanes("api", lanes::get);

        String scrape = registry.scrape();
        assertThat(linesOf(scrape, "failover_actuator_lane_state")).as("a series per lane and state")
                .hasSize(2 * LaneState.values().length)
                .contains(
                        "failover_actuator_lane_state{group=\"api\",kind=\"route53\",lane=\"r53\",state=\"SERVED\",} 1.0",
                        "failover_actuator_lane_state{group=\"api\",kind=\"route53\",lane=\"r53\",state=\"DRIFT\",} 0.0")
                .as("a lane not passed yet is in no state")
                .filteredOn(l -> l.contains("lane=\"knot\"")).allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
        assertThat(linesOf(scrape, "failover_actuator_lanes_disagree_seconds")).as("lanes that agree")
                .containsExactly("failover_actuator_lanes_disagree_seconds{group=\"api\",} 0.0");
        assertThat(linesOf(scrape, "failover_actuator_lanes_disagree_bound_seconds"))
                .containsExactly("failover_actuator_lanes_disagree_bound_seconds{group=\"api\",} 120.0");

        lanes.set(new LaneGauges(List.of(r53, new LaneGauges.Lane("knot", "rfc2136", LaneState.CONVERGING,
                NOW.minusSeconds(150))), NOW.minusSeconds(150), Duration.ofSeconds(120)));
        scrape = registry.scrape();
        assertThat(linesOf(scrape, "failover_actuator_lane_state")).filteredOn(l -> l.contains("lane=\"knot\""))
                .as("the laggard's states").containsExactlyInAnyOrder(
                        "failover_actuator_lane_state{group=\"api\",kind=\"rfc2136\",lane=\"knot\",state=\"SERVED\",} 0.0",
                        "failover_actuator_lane_state{group=\"api\",kind=\"rfc2136\",lane=\"knot\",state=\"CONVERGING\",} 1.0",
                        "failover_actuator_lane_state{group=\"api\",kind=\"rfc2136\",lane=\"knot\",state=\"REFUSED\",} 0.0",
                        "failover_actuator_lane_state{group=\"api\",kind=\"rfc2136\",lane=\"knot\",state=\"THROTTLED\",} 0.0",
                        "failover_actuator_lane_state{group=\"api\",kind=\"rfc2136\",lane=\"knot\",state=\"DRIFT\",} 0.0");
        assertThat(linesOf(scrape, "failover_actuator_lane_unserved_seconds")).containsExactlyInAnyOrder(
                "failover_actuator_lane_unserved_seconds{group=\"api\",kind=\"route53\",lane=\"r53\",} 0.0",
                "failover_actuator_lane_unserved_seconds{group=\"api\",kind=\"rfc2136\",lane=\"knot\",} 150.0");
        assertThat(linesOf(scrape, "failover_actuator_lanes_disagree_seconds")).as("past the bound")
                .containsExactly("failover_actuator_lanes_disagree_seconds{group=\"api\",} 150.0");

        lanes.set(new LaneGauges(List.of(r53, new LaneGauges.Lane("knot", "rfc2136", LaneState.SERVED, null)),
                null, Duration.ofSeconds(120)));
        scrape = registry.scrape();
        assertThat(linesOf(scrape, "failover_actuator_lane_state")).as("the laggard served: no CONVERGING left at 1")
                .filteredOn(l -> l.endsWith(" 1.0")).containsExactlyInAnyOrder(
                        "failover_actuator_lane_state{group=\"api\",kind=\"route53\",lane=\"r53\",state=\"SERVED\",} 1.0",
                        "failover_actuator_lane_state{group=\"api\",kind=\"rfc2136\",lane=\"knot\",state=\"SERVED\",} 1.0");
        assertThat(linesOf(scrape, "failover_actuator_lanes_disagree_seconds"))
                .containsExactly("failover_actuator_lanes_disagree_seconds{group=\"api\",} 0.0");
    }

    static DataTier withExposure(LossExposure exposure) {
        return DataTiers.of(Map.of(), null, null, null, Map.of("secondary", exposure));
    }
}
