package dev.failover.decision.input;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.EventCodec;
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

/**
 * What a group serves is taken from the actuators' results (ADR 0009), so anyone who could write to
 * failover.actuations could otherwise silence FailoverServedAnotherDecision with a forged CONVERGED, or make a target
 * ineligible with a forged BLOCKED. A result not signed by an actuator's key ({@code failover.actuator-signing}) is
 * refused before it is read, dead-lettered with the outcome and counted; the decision-service's own key is no actuator's.
 * A signed one after them is taken in.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class SignedResultsTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String VIEWER = ApiTokens.viewer("victor");

    @Test
    void aForgedResultIsRefusedAndASignedOneAfterItIsTakenIn() {
        await("GET /groups/api answered").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> given().auth().oauth2(VIEWER).get("/groups/api").statusCode() == 200);
        String run = UUID.randomUUID().toString();
        double unsignedBefore = rejected("UNSIGNED");
        double unknownBefore = rejected("UNKNOWN_KEY");
        double badBefore = rejected("BAD_SIGNATURE");
        TestSigningKeys keys = TestSigningKeys.shared();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.ACTUATIONS_DLQ)) {
            String unsigned = result("forged unsigned " + run);
            client.send(Topics.ACTUATIONS, TestTopology.GROUP, unsigned);
            String byTheDecisionKey = result("forged with the decision-service's key " + run);
            client.sendSigned(Topics.ACTUATIONS, TestTopology.GROUP, byTheDecisionKey, keys.signer());
            String otherGroups = result("signed for another key " + run);
            client.send(Topics.ACTUATIONS, TestTopology.GROUP, otherGroups,
                    keys.actuatorSigner().headers(Topics.ACTUATIONS, "other", otherGroups));
            client.sendSigned(Topics.ACTUATIONS, TestTopology.GROUP, result("genuine " + run), keys.actuatorSigner());

            await("the genuine result taken in, after the forged ones in partition order").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(details(run))
                            .as("this test's results in GET /groups/api recentActuations")
                            .containsExactly("genuine " + run));
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(unsigned), WAIT)))
                    .isEqualTo("refused, not signed by an actuator's key: UNSIGNED: no " + Topics.SIGNATURE_HEADER
                            + " header");
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(byTheDecisionKey), WAIT)))
                    .contains("UNKNOWN_KEY: key id '" + TestSigningKeys.SIGNER_KEY_ID + "' is not trusted");
            assertThat(Rejections.reason(dlq.await(r -> r.value().equals(otherGroups), WAIT)))
                    .contains("BAD_SIGNATURE");
        }
        assertThat(rejected("UNSIGNED") - unsignedBefore).as("UNSIGNED results counted").isEqualTo(1.0);
        assertThat(rejected("UNKNOWN_KEY") - unknownBefore).as("UNKNOWN_KEY results counted").isEqualTo(1.0);
        assertThat(rejected("BAD_SIGNATURE") - badBefore).as("BAD_SIGNATURE results counted").isEqualTo(1.0);
    }

    private static String result(String details) {
        Instant now = Instant.now();
        return EventCodec.instance()
                .encode(new ActuationResult(1, TestTopology.GROUP, "initial", 0L, ActuationStep.RECONCILE,
                        ActuationStatus.CONVERGED, "dry-run", details, now, now, 0L, null));
    }

    private static List<String> details(String run) {
        return given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract()
                .path("recentActuations.findAll { it.detail != null && it.detail.contains('" + run + "') }.detail");
    }

    private static double rejected(String outcome) {
        return Rejections.rejected(Topics.ACTUATIONS, outcome);
    }
}
