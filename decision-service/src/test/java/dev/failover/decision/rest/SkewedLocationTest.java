package dev.failover.decision.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * One probe location runs with its clock 10 minutes ahead, through the real broker: its results are ignored, and
 * GET /groups/{id} and the metrics say so (reason, time, clock offset), while the other two locations show normal results.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class SkewedLocationTest {

    static final String VIEWER = OverrideApiTest.VIEWER;
    static final Duration SKEW = Duration.ofMinutes(10);
    static final String SKEWED = "loc-c";

    @Test
    void aLocationTenMinutesAheadIsShownAsIgnoredWithItsReasonTimeAndOffset() {
        Instant testStart = Instant.now();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            await("GET /groups/api showing loc-c's results ignored as FROM_THE_FUTURE").atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300)).pollInSameThread()
                    .untilAsserted(() -> {
                        Instant now = Instant.now();
                        for (String location : TestTopology.LOCATIONS) {
                            Instant startedAt = location.equals(SKEWED) ? now.plus(SKEW) : now;
                            for (String target : List.of(TestTopology.PRIMARY, TestTopology.SECONDARY)) {
                                client.send(Topics.PROBE_RESULTS, TestTopology.GROUP, EventCodec.instance()
                                        .encode(TestProbeResults.up(TestTopology.GROUP, target, location, startedAt)));
                            }
                        }
                        JsonPath view = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200)
                                .extract()
                                .jsonPath();
                        Instant polledAt = Instant.now();

                        for (String target : List.of(TestTopology.PRIMARY, TestTopology.SECONDARY)) {
                            Map<String, Object> skewed = GroupViewJson.location(view, target, SKEWED);
                            assertThat(skewed.get("verdict")).as(target + " at loc-c: verdict").isEqualTo("UNKNOWN");
                            Map<String, Object> ignored = map(skewed.get("lastIgnored"));
                            assertThat(ignored).as(target + " at loc-c: lastIgnored").isNotNull();
                            assertThat(ignored.get("reason")).as("reason").isEqualTo("FROM_THE_FUTURE");
                            assertThat(Instant.parse((String) ignored.get("at"))).as("ignored at")
                                    .isBetween(testStart, polledAt);
                            assertThat((String) ignored.get("detail")).as("detail")
                                    .contains("loc-c's clock is at least");
                            for (String inSync : List.of("loc-a", "loc-b")) {
                                Map<String, Object> normal = GroupViewJson.location(view, target, inSync);
                                assertThat(normal.get("verdict")).as(target + " at " + inSync + ": verdict")
                                        .isEqualTo("UP");
                                assertThat(Instant.parse((String) normal.get("lastResultAt")))
                                        .as(target + " at " + inSync
                                                + ": lastResultAt")
                                        .isBetween(testStart, polledAt);
                                Map<String, Object> normalIgnored = map(normal.get("lastIgnored"));
                                if (normalIgnored != null) {
                                    assertThat(Instant.parse((String) normalIgnored.get("at")))
                                            .as(target + " at " + inSync + ": nothing ignored during this test")
                                            .isBefore(testStart);
                                }
                            }
                        }

                        Map<String, Object> skewedClock = clock(view, SKEWED);
                        long offset = ((Number) skewedClock.get("offsetMillis")).longValue();
                        assertThat(offset)
                                .as("loc-c's clock offset: a lower bound, short of 10 min by the fastest transit")
                                .isBetween(SKEW.minusSeconds(5).toMillis(), SKEW.toMillis() + 1);
                        assertThat(skewedClock.get("skew")).as("loc-c's clock").isEqualTo("AHEAD");
                        for (String inSync : List.of("loc-a", "loc-b")) {
                            assertThat(clock(view, inSync).get("skew")).as(inSync + "'s clock")
                                    .isEqualTo("WITHIN_TOLERANCE");
                        }
                    });
        }

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(sample(metrics, "failover_decision_location_clock_offset_seconds{location=\"loc-c\"}"))
                .as("loc-c's clock offset gauge, seconds").isBetween(595.0, 600.0);
        assertThat(sample(metrics, "failover_decision_location_clock_offset_seconds{location=\"loc-a\"}"))
                .as("loc-a's clock offset gauge, seconds").isBetween(-5.0, 5.0);
        assertThat(sample(metrics, "failover_decision_clock_skew_tolerance_seconds")).as("tolerance gauge")
                .isEqualTo(5.0);
        assertThat(metrics).as("ignored results counted per location and reason").containsPattern(
                "failover_decision_results_ignored_total\\{(location=\"loc-c\",reason=\"FROM_THE_FUTURE\""
                        + "|reason=\"FROM_THE_FUTURE\",location=\"loc-c\")\\} [1-9]");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> clock(JsonPath view, String location) {
        List<Map<String, Object>> clocks = view.getList("locationClocks");
        return clocks.stream().filter(c -> location.equals(c.get("location"))).findFirst().orElseThrow();
    }

    /** The value of one sample line of the Prometheus text format. */
    private static double sample(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " "))
                .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in /q/metrics"));
    }
}
