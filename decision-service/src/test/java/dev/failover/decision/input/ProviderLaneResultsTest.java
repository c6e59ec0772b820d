package dev.failover.decision.input;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.event.Topics;
import dev.failover.decision.rest.ApiTokens;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A provider lane's result on failover.actuations (ADR 0036), marked failover-record: provider-lane and signed by an
 * actuator's key like every result: one this release cannot read (a value it does not know, a field missing) is
 * dead-lettered naming the field, and the ones after it are still read and shown with the group's serving report.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class ProviderLaneResultsTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String VIEWER = ApiTokens.viewer("victor");
    final EventCodec codec = EventCodec.instance();

    @Test
    void aLaneResultThisReleaseCannotReadIsDeadLetteredNamingTheFieldAndTheNextIsShown() {
        await("GET /groups/api answered").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> given().auth().oauth2(VIEWER).get("/groups/api").statusCode() == 200);
        JsonPath group = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract().jsonPath();
        long epoch = group.getLong("epoch");
        String decision = group.getString("recentDecisions[0].decisionId");
        String decisionId = decision == null ? "initial" : decision;
        String run = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ProviderLaneResult r53 = new ProviderLaneResult(1, TestTopology.GROUP, decisionId, epoch, "r53-" + run,
                "route53",
                LaneState.SERVED, null, now, now);
        String good = codec.encode(r53);
        String futureState = good.replace("\"SERVED\"", "\"PAUSED\"");
        String noKind = good.replace("\"kind\":\"route53\",", "");
        String futureField = good.replace("{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"attempt\":3,")
                .replace("r53-" + run, "knot-" + run);
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.ACTUATIONS_DLQ)) {
            client.send(Topics.ACTUATIONS, TestTopology.GROUP, reconcile(decisionId, epoch, now),
                    signed(reconcile(decisionId, epoch, now), null));
            for (String lane : List.of(futureState, noKind, good, futureField)) {
                client.send(Topics.ACTUATIONS, TestTopology.GROUP, lane, signed(lane, Topics.PROVIDER_LANE_RECORD));
            }
            await("the lanes after the refused ones shown with the group's serving report").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(given().auth().oauth2(VIEWER)
                            .get("/groups/api").then().statusCode(200).extract().jsonPath()
                            .getList("serving.lanes.findAll { it.lane.endsWith('" + run + "') }.lane"))
                            .as("a field this release does not know is passed over, as in every event")
                            .containsExactly("r53-" + run, "knot-" + run));
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(futureState), WAIT)))
                    .contains("state: invalid value PAUSED for LaneState");
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(noKind), WAIT)))
                    .contains("missing required field 'kind'");
        }
    }

    private static String reconcile(String decisionId, long epoch, Instant now) {
        return EventCodec.instance().encode(new ActuationResult(1, TestTopology.GROUP, decisionId, epoch,
                ActuationStep.RECONCILE, ActuationStatus.CONVERGING, "dry-run", "knot not served yet", now, now, 0L,
                null));
    }

    /** The actuator's signature, as ActuationPublisher sends it, and the record's kind when it has one. */
    private static Map<String, byte[]> signed(String value, String record) {
        Map<String, byte[]> headers = new HashMap<>(TestSigningKeys.shared().actuatorSigner().headers(Topics.ACTUATIONS,
                TestTopology.GROUP, value));
        if (record != null) {
            headers.put(Topics.RECORD_HEADER, record.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }
}
