package dev.failover.probe.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.probe.config.ProbeSettings;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/** What a scrape holds per target, by default and with per-target detail, as Prometheus would read it. */
class ProbeMetricsTest {

    static final int TARGETS = 200;

    static ProbeSettings settings(boolean perTargetDetail) {
        return new ProbeSettings("loc-a", "probe-loc-a-0", Path.of("unused.yaml"), Duration.ofSeconds(5), 100, 512,
                List.of(), Duration.ofSeconds(10),
                Duration.ofSeconds(3), Optional.empty(), Duration.ofMillis(200), perTargetDetail,
                Duration.ofSeconds(1));
    }

    static ProbeResult result(String target, ProbeOutcome outcome, FailureReason reason, Integer tlsDays) {
        return ProbeResult.of("g", target, "r", "loc-a", Instant.parse("2026-11-22T10:00:00Z"), outcome)
                .durationMillis(12L)
                .failureReason(reason).httpStatus(200).tlsDaysToExpiry(tlsDays).build();
    }

    /** Series of the scrape that name the target. */
    static long seriesOf(String scrape, String target) {
        return scrape.lines().filter(l -> !l.startsWith("#") && l.contains("target=\"" + target + "\"")).count();
    }

    static long seriesNamingNoTarget(String scrape) {
        return scrape.lines().filter(l -> l.startsWith("failover_probe") && !l.contains("target=\"")).count();
    }

    @ParameterizedTest(name = "per-target detail {0}")
    @CsvSource({
            // detail, most series of a healthy http target, most of an https target failing for two reasons
            "false, 2, 5",
            "true, 200, 200" })
    void aTargetHasFewSeriesUnlessDetailIsAskedFor(boolean detail, int healthyAtMost, int failingHttpsAtMost) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProbeMetrics metrics = new ProbeMetrics(registry, settings(detail), "test");
        metrics.probed(result("t0", ProbeOutcome.UP, null, null));
        long withOneTarget = seriesNamingNoTarget(registry.scrape());
        metrics.probed(result("t0", ProbeOutcome.UP, null, null)); // three UP results per target in all
        metrics.probed(result("t0", ProbeOutcome.UP, null, null));
        for (int round = 0; round < 3; round++) {
            for (int t = 1; t < TARGETS; t++) {
                metrics.probed(result("t" + t, ProbeOutcome.UP, null, null));
            }
        }
        metrics.skipped(new ProbeMetrics.TargetKey("g", "t7"));
        metrics.probed(result("tls", ProbeOutcome.UP, null, 40));
        metrics.probed(result("tls", ProbeOutcome.DOWN, FailureReason.TIMEOUT, 40));
        metrics.probed(result("tls", ProbeOutcome.DOWN, FailureReason.TLS_ERROR, 40));

        String scrape = registry.scrape();
        long healthy = seriesOf(scrape, "t7");
        assertThat(healthy).as("series of a healthy http target").isLessThanOrEqualTo(healthyAtMost);
        assertThat(seriesOf(scrape, "tls")).as("series of an https target that failed for two reasons")
                .isLessThanOrEqualTo(failingHttpsAtMost);
        assertThat(scrape).as("its up gauge and results counter")
                .contains("failover_probe_up{group=\"g\",location=\"loc-a\",target=\"t7\",} 1.0")
                .contains(
                        "failover_probe_results_total{group=\"g\",location=\"loc-a\",outcome=\"UP\",reason=\"none\",target=\"t7\",} 3.0")
                .contains(
                        "failover_probe_results_total{group=\"g\",location=\"loc-a\",outcome=\"DOWN\",reason=\"TLS_ERROR\",target=\"tls\",} 1.0")
                .contains("failover_probe_tls_days_to_expiry{group=\"g\",location=\"loc-a\",target=\"tls\",} 40.0");
        if (detail) {
            assertThat(healthy).as("a duration histogram per target").isGreaterThan(10);
            assertThat(scrape).contains("failover_probe_skipped_total{group=\"g\",target=\"t7\",} 1.0");
            assertThat(scrape).contains(
                    "failover_probe_duration_seconds_count{group=\"g\",location=\"loc-a\",target=\"t7\",} 3.0");
        } else {
            assertThat(scrape).as("one duration histogram for the location, counting every result")
                    .contains("failover_probe_duration_seconds_count{location=\"loc-a\",} " + (3.0 * TARGETS + 3))
                    .as("skipped ticks counted for the location")
                    .contains("failover_probe_skipped_total{location=\"loc-a\",} 1.0");
        }
        assertThat(seriesNamingNoTarget(scrape)).as("series without a target do not grow with the targets")
                .isEqualTo(withOneTarget);
    }

    @ParameterizedTest(name = "per-target detail {0}")
    @CsvSource({ "false", "true" })
    void aTargetNoLongerProbedIsNoLongerExported(boolean detail) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProbeMetrics metrics = new ProbeMetrics(registry, settings(detail), "test");
        metrics.probed(result("kept", ProbeOutcome.UP, null, null));
        metrics.probed(result("removed", ProbeOutcome.DOWN, FailureReason.TIMEOUT, 20));
        assertThat(seriesOf(registry.scrape(), "removed")).as("series of the target while probed").isPositive();

        metrics.retain(Set.of(new ProbeMetrics.TargetKey("g", "kept")));

        String scrape = registry.scrape();
        assertThat(seriesOf(scrape, "removed")).as("series of the removed target").isZero();
        assertThat(seriesOf(scrape, "kept")).as("series of the kept target").isPositive();
        metrics.probed(result("removed", ProbeOutcome.UP, null, null));
        assertThat(registry.scrape()).as("a target added again is exported again")
                .contains("failover_probe_up{group=\"g\",location=\"loc-a\",target=\"removed\",} 1.0");
    }

    /** The scrape's lines of a metric (by its Prometheus name), without comments. */
    static List<String> linesOf(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + "{")).toList();
    }

    @ParameterizedTest(name = "per-target detail {0}")
    @CsvSource({ "false", "true" })
    void aDependencyHasItsOwnSeriesAndLeavesItsTargetsAlone(boolean detail) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProbeMetrics metrics = new ProbeMetrics(registry, settings(detail), "test");
        metrics.probed(result("primary", ProbeOutcome.UP, null, null));
        metrics.probed(
                result("primary", ProbeOutcome.DOWN, FailureReason.CONNECTION_REFUSED, null).forDependency("db"));
        metrics.probed(
                result("primary", ProbeOutcome.DOWN, FailureReason.CONNECTION_REFUSED, null).forDependency("db"));
        metrics.skipped(new ProbeMetrics.TargetKey("g", "primary", "db"));

        String scrape = registry.scrape();
        assertThat(linesOf(scrape, "failover_probe_up"))
                .as("the target's up gauge, untouched by its dependency being DOWN")
                .containsExactly("failover_probe_up{group=\"g\",location=\"loc-a\",target=\"primary\",} 1.0");
        assertThat(linesOf(scrape, "failover_probe_results_total")).as("the target's results, without its dependency's")
                .containsExactly(
                        "failover_probe_results_total{group=\"g\",location=\"loc-a\",outcome=\"UP\",reason=\"none\","
                                + "target=\"primary\",} 1.0");
        assertThat(linesOf(scrape, "failover_probe_dependency_up")).containsExactly(
                "failover_probe_dependency_up{dependency=\"db\",group=\"g\",location=\"loc-a\",target=\"primary\",} 0.0");
        assertThat(linesOf(scrape, "failover_probe_dependency_results_total")).containsExactly(
                "failover_probe_dependency_results_total{dependency=\"db\",group=\"g\",location=\"loc-a\",outcome=\"DOWN\","
                        + "reason=\"CONNECTION_REFUSED\",target=\"primary\",} 2.0");
        if (detail) {
            assertThat(scrape).as("the dependency's own duration histogram and skipped ticks")
                    .contains(
                            "failover_probe_duration_seconds_count{group=\"g\",location=\"loc-a\",target=\"primary\",} 1.0")
                    .contains("failover_probe_dependency_duration_seconds_count{dependency=\"db\",group=\"g\","
                            + "location=\"loc-a\",target=\"primary\",} 2.0")
                    .contains(
                            "failover_probe_dependency_skipped_total{dependency=\"db\",group=\"g\",target=\"primary\",} 1.0");
        } else {
            assertThat(scrape).as("the location's series count its probes of dependencies too")
                    .contains("failover_probe_duration_seconds_count{location=\"loc-a\",} 3.0")
                    .contains("failover_probe_skipped_total{location=\"loc-a\",} 1.0");
        }

        metrics.retain(Set.of(new ProbeMetrics.TargetKey("g", "primary")));

        String afterRemoval = registry.scrape();
        assertThat(linesOf(afterRemoval, "failover_probe_dependency_up")).as("the removed dependency's up gauge")
                .isEmpty();
        assertThat(linesOf(afterRemoval, "failover_probe_dependency_results_total")).as("its results").isEmpty();
        assertThat(linesOf(afterRemoval, "failover_probe_up")).as("its target's, kept").hasSize(1);
    }
}
