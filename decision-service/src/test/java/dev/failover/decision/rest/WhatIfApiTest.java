package dev.failover.decision.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

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
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * POST /whatif through the real broker: a recorded hour-old history (a 2-second blip of the primary everywhere, then a
 * 60-second outage) is read back from failover.probe-results by its window and replayed with the service's topology
 * (2 failures to DOWN) and a proposed one (4): the current policy fails over on the blip, a false failover, and detects
 * the outage after the second failure; the proposed one holds on the blip and detects the outage two seconds later.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class WhatIfApiTest {

    static final String VIEWER = OverrideApiTest.VIEWER;
    static final int BLIP = 30;
    static final int OUTAGE = 100;
    static final int SECONDS = 200;

    static String proposed() {
        return TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health").replace("failuresToDown: 2",
                "failuresToDown: 4");
    }

    @Test
    void aProposedThresholdIsComparedOverTheRecordedWindow() {
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            for (int at = 0; at < SECONDS; at++) {
                for (String location : TestTopology.LOCATIONS) {
                    boolean down = (at >= BLIP && at < BLIP + 2) || (at >= OUTAGE && at < OUTAGE + 60);
                    send(client, TestTopology.SECONDARY, location, base.plusSeconds(at), ProbeOutcome.UP);
                    send(client, TestTopology.PRIMARY, location, base.plusSeconds(at),
                            down ? ProbeOutcome.DOWN : ProbeOutcome.UP);
                }
            }
        }
        Map<String, Object> body = Map.of("topology", proposed(), "from", base.minusSeconds(5).toString(), "to",
                base.plusSeconds(SECONDS).toString());
        JsonPath report = await("the whole window read back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body(body).post("/whatif")
                        .then()
                        .statusCode(200).extract().jsonPath(), r -> r.getInt("results") == SECONDS * 6);
        assertThat(report.getList("groups.group")).containsExactly(TestTopology.GROUP);
        assertThat(report.getList("groups[0].changes")).containsExactly("failuresToDown: 2 -> 4");
        assertThat(report.getInt("groups[0].current.falseFailovers")).as("the blip, at 2 failures").isEqualTo(1);
        assertThat(report.getInt("groups[0].proposed.falseFailovers")).isZero();
        List<Map<String, Object>> incidents = report.getList("groups[0].incidents");
        Map<String, Object> outage = incidents.stream()
                .filter(i -> i.get("start").equals(base.plusSeconds(OUTAGE).toString()))
                .findFirst().orElseThrow(() -> new AssertionError("no outage incident in " + incidents));
        assertThat(((Number) outage.get("currentDetectionMs")).longValue()).as("second failure, on arrival")
                .isEqualTo(1_020L);
        assertThat(((Number) outage.get("proposedDetectionMs")).longValue()).as("fourth failure").isEqualTo(3_020L);
        assertThat(report.getString("picture")).startsWith("<svg").contains("proposed policy");
        assertThat(report.getList("limits")).isNotEmpty();
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        String now = Instant.now().toString();
        refused(Map.of("from", now), "topology");
        refused(Map.of("topology", "version: 1\nlocations: []\ngroups: []\n", "from", now), "topology");
        refused(Map.of("topology", proposed(), "from", "last week"), "from");
        refused(Map.of("topology", proposed(), "from", now, "to", Instant.now().minusSeconds(60).toString()), "from");
        refused(Map.of("topology", proposed(), "from", Instant.now().minus(Duration.ofDays(40)).toString()), "from");
        refused(Map.of("topology", proposed(), "from", now, "group", "nope"), "group");
        refused(Map.of("topology", proposed(), "from", now, "recoveredWithinSeconds", 0), "recoveredWithinSeconds");
        given().contentType(ContentType.JSON).body(Map.of("topology", proposed(), "from", now)).post("/whatif").then()
                .statusCode(401);
    }

    private static void refused(Map<String, Object> body, String field) {
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body(body).post("/whatif").then().statusCode(422)
                .body("field", equalTo(field)).body("message", containsString(field));
    }

    private static void send(TopicClient client, String target, String location, Instant at, ProbeOutcome outcome) {
        client.send(Topics.PROBE_RESULTS, TestTopology.GROUP, EventCodec.instance().encode(ProbeResult.of(
                TestTopology.GROUP, target, "r", location, at, outcome).durationMillis(20L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null).build()));
    }
}
