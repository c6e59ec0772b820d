package dev.failover.decision.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
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
 * Two probe instances report as loc-a through the real broker, one seeing the primary up, the other down (ADR 0008):
 * one of them is counted, the other's results are left out as OTHER_SOURCE, and the view, the metrics and a WARN naming
 * the location, the target and both instances say so.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class TwoProbeInstancesTest {

    static final String VIEWER = OverrideApiTest.VIEWER;

    @Test
    void twoInstancesOfOneLocationAreWarnedOfCountedAndOneOfThemIsLeftOut() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue() && record.getMessage() != null) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger
                .getLogger("dev.failover.decision.input.InputListener");
        logger.addHandler(handler);
        Instant testStart = Instant.now();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            await("loc-a's second instance left out").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(300)).pollInSameThread().untilAsserted(() -> {
                        Instant now = Instant.now();
                        for (String location : TestTopology.LOCATIONS) {
                            send(client, TestProbeResults.up(TestTopology.GROUP, TestTopology.PRIMARY, location, now)
                                    .withProber("probe-" + location));
                        }
                        send(client, ProbeResult.of(TestTopology.GROUP, TestTopology.PRIMARY, "r", "loc-a", now,
                                ProbeOutcome.DOWN).durationMillis(1L).failureReason(FailureReason.UNEXPECTED_STATUS)
                                .httpStatus(503).prober("probe-loc-a-second").build());
                        JsonPath view = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200)
                                .extract()
                                .jsonPath();
                        Map<String, Object> locA = GroupViewJson.location(view, TestTopology.PRIMARY, "loc-a");
                        @SuppressWarnings("unchecked")
                        Map<String, Object> ignored = (Map<String, Object>) locA.get("lastIgnored");
                        assertThat(ignored).as("loc-a's lastIgnored").isNotNull();
                        assertThat(ignored.get("reason")).isEqualTo("OTHER_SOURCE");
                        assertThat(Instant.parse((String) ignored.get("at"))).isAfter(testStart);
                        assertThat((String) ignored.get("detail")).contains("probe-loc-a", "probe-loc-a-second");
                        assertThat(locA.get("verdict")).as("loc-a counts one instance: never FLAPPING")
                                .isNotEqualTo("FLAPPING");
                        assertThat(warnings).as("WARN naming the location, the target and both instances")
                                .anySatisfy(
                                        w -> assertThat(w).contains("results of probe location loc-a are being ignored",
                                                "OTHER_SOURCE", "api/primary", "probe-loc-a ", "probe-loc-a-second"));
                    });
        } finally {
            logger.removeHandler(handler);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).as("results left out counted per location").containsPattern(
                "failover_decision_results_ignored_total\\{(location=\"loc-a\",reason=\"OTHER_SOURCE\""
                        + "|reason=\"OTHER_SOURCE\",location=\"loc-a\")\\} [1-9]");
    }

    private static void send(TopicClient client, ProbeResult result) {
        client.send(Topics.PROBE_RESULTS, TestTopology.GROUP, EventCodec.instance().encode(result));
    }
}
