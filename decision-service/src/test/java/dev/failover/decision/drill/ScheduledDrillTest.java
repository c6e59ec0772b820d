package dev.failover.decision.drill;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.event.Topics;
import dev.failover.decision.rest.ApiTokens;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A drill scheduled every few seconds starts by itself once every target is HEALTHY, as principal drill-scheduler;
 * the actuator's verified switch becomes the drill's recovery time, published in the group's state and as a metric.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(ScheduledDrillTest.DrillTopology.class)
class ScheduledDrillTest {

    /** The test topology with a drill every 3 seconds, and a resolver observing the record at each location. */
    public static class DrillTopology implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String yaml = TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health")
                    + "    drill: {enabled: true, cron: \"*/3 * * * * ?\", durationMinutes: 1}\n";
            yaml = yaml.replace("locations: [loc-a, loc-b, loc-c]\n", "locations: [loc-a, loc-b, loc-c]\nobservers:\n"
                    + "  loc-a: [{name: vpc, address: 10.0.0.2}]\n  loc-b: [{name: vpc, address: 10.1.0.2}]\n"
                    + "  loc-c: [{name: vpc, address: 10.2.0.2}]\n");
            return Map.of("failover.topology-file", TestTopology.writeRaw(yaml).toString());
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void aScheduledDrillStartsWhenAllIsHealthyAndItsRecoveryTimeIsRecorded() throws Exception {
        EventCodec codec = EventCodec.instance();
        String token = ApiTokens.operator("olga");
        ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            // every target UP from every location, every 300 ms, as live probes would report
            probes.scheduleAtFixedRate(() -> {
                Instant now = Instant.now();
                for (String location : TestTopology.LOCATIONS) {
                    for (String target : new String[] { TestTopology.PRIMARY, TestTopology.SECONDARY }) {
                        client.send(Topics.PROBE_RESULTS, TestTopology.GROUP,
                                codec.encode(TestProbeResults.up(TestTopology.GROUP, target, location, now)));
                    }
                }
            }, 0, 300, TimeUnit.MILLISECONDS);
            try {
                Decision start = codec.decode(decisions.await(
                        r -> TopicClient.isDecision(r)
                                && codec.decode(r.value(), Decision.class).kind() == DecisionKind.DRILL_START,
                        Duration.ofSeconds(60)).value(), Decision.class);
                assertThat(start.principal()).as("principal of the DRILL_START").isEqualTo(DrillScheduler.PRINCIPAL);
                assertThat(start.toTarget()).as("target of the DRILL_START").isEqualTo(TestTopology.SECONDARY);

                client.sendSigned(Topics.ACTUATIONS, TestTopology.GROUP,
                        codec.encode(new ActuationResult(1, TestTopology.GROUP,
                                start.decisionId(), start.epoch(), ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED,
                                "dry-run", "done",
                                start.issuedAt(), start.issuedAt().plusMillis(1234), 1234L, start.kind())),
                        dev.failover.testkit.signing.TestSigningKeys.shared().actuatorSigner()); // as an actuator signs it
                await("the drill's recovery time in GET /groups/api").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                            Integer recovery = given().auth().oauth2(token).get("/groups/api").then().statusCode(200)
                                    .extract()
                                    .path("lastDrill.recoveryMillis");
                            assertThat(recovery).as("lastDrill.recoveryMillis, from the actuator's COMPLETE")
                                    .isEqualTo(1234);
                        });
                given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                        "failover_decision_drill_recovery_seconds_count{group=\"api\"} 1.0"));

                // two of three locations' resolvers answer the drill's target, on failover.probe-results
                // marked as observations: the switch is observed by the quorum, in the view and the histogram
                Instant seen = Instant.now();
                for (String location : List.of("loc-a", "loc-b")) {
                    client.send(Topics.PROBE_RESULTS, TestTopology.GROUP, codec.encode(new ResolverObservation(1,
                            TestTopology.GROUP, location, "vpc",
                            new DnsAnswer("NOERROR", List.of(TestTopology.SECONDARY_IP),
                                    5L, "10.0.0.2:53"),
                            TestTopology.SECONDARY, null, seen, "probe-" + location)),
                            Map.of(Topics.RECORD_HEADER,
                                    ResolverObservation.RECORD.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                await("the drill's switch observed by 2 of 3 locations").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                            io.restassured.path.json.JsonPath view = given().auth().oauth2(token).get("/groups/api")
                                    .then()
                                    .statusCode(200).extract().jsonPath();
                            assertThat(view.getString("convergence.lastSwitch.decisionId"))
                                    .isEqualTo(start.decisionId());
                            assertThat(Instant.parse(view.getString("convergence.lastSwitch.quorumAt")))
                                    .isEqualTo(seen);
                            assertThat(view.getString("convergence.summary")).contains("observed by 2 of 3 locations",
                                    "loc-c: resolver vpc has not answered yet");
                        });
                given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString(
                        "failover_decision_decided_to_observed_seconds_count{group=\"api\",kind=\"DRILL_START\"} 1.0"));

                // the cron fires every 3 s and starts the next drill as soon as this one ends, so the group's state in
                // the answer may already show it: what this command did is the decision it names
                List<String> ended = given().auth().oauth2(token).contentType(ContentType.JSON)
                        .body("{\"reason\":\"seen enough\"}").post("/groups/api/drills/end").then().statusCode(200)
                        .extract().jsonPath().getList("decisionIds", String.class);
                assertThat(ended).as("decisions of the drill's end").hasSize(1);
                Decision end = codec.decode(decisions
                        .await(r -> TopicClient.isDecision(r) && codec.decode(r.value(), Decision.class).decisionId()
                                .equals(ended.get(0)), Duration.ofSeconds(30))
                        .value(), Decision.class);
                assertThat(end.kind()).as("kind of the drill's end").isEqualTo(DecisionKind.DRILL_END);
                assertThat(end.toTarget()).as("where the drill's end moves traffic").isEqualTo(TestTopology.PRIMARY);
            } finally {
                probes.shutdownNow();
                assertThat(probes.awaitTermination(10, TimeUnit.SECONDS)).as("simulated probes stopped").isTrue();
            }
        }
    }
}
