package dev.failover.actuator.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.rest.ApiTokens;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Against the real in-JVM broker: a decision in, the dry-run reconciler's results out, the group's status; poison to the DLQ. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithTestResource(DemoBackendsResource.class)
class ActuationsThroughKafkaTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    final EventCodec codec = EventCodec.instance();

    @Test
    void aDecisionIsCarriedOutWithTheDryRunProviderAndEveryStepPublished() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.DECISIONS_DLQ);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            // signed, so that it is refused for what it says, not for how it came
            client.sendSigned(Topics.DECISIONS, TestTopology.GROUP, "{\"schemaVersion\":1,\"group\":\"api\"}",
                    TestSigningKeys.shared().signer());
            assertThat(TopicClient.header(dlq.await(r -> true, WAIT), Topics.DEAD_LETTER_REASON_HEADER))
                    .contains("missing required field 'decisionId'");

            String id = UUID.randomUUID().toString();
            Decision decision = new Decision(1, id, TestTopology.GROUP, 1L, DecisionKind.FAILOVER, TestTopology.PRIMARY,
                    TestTopology.SECONDARY, "test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
            client.sendSigned(Topics.DECISIONS, TestTopology.GROUP, codec.encode(decision),
                    TestSigningKeys.shared().signer());

            ConsumerRecord<String, String> complete = actuations.await(r -> step(r).decisionId().equals(id)
                    && step(r).step() == ActuationStep.COMPLETE, WAIT);
            assertThat(complete.key()).isEqualTo(TestTopology.GROUP);
            assertThat(step(complete).status()).isEqualTo(ActuationStatus.SUCCEEDED);
            ActuationResult dnsSwitch = step(actuations.await(r -> step(r).decisionId().equals(id)
                    && step(r).step() == ActuationStep.DNS_SWITCH, WAIT));
            assertThat(dnsSwitch.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(dnsSwitch.provider()).isEqualTo("dry-run");
            assertThat(dnsSwitch.details()).as("the exact conditional write a real provider would make")
                    .contains("UPSERT api.failover.test A 5 " + TestTopology.SECONDARY_IP
                            + " as epoch 1 if the owner is absent");
            ActuationResult converged = step(actuations.await(r -> step(r).decisionId().equals(id)
                    && step(r).step() == ActuationStep.RECONCILE && step(r).status() == ActuationStatus.CONVERGED,
                    WAIT));
            assertThat(converged.details()).contains("served as decided");

            given().auth().oauth2(ApiTokens.viewer()).get("/groups/" + TestTopology.GROUP).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("CONVERGED"))
                    .body("desiredEpoch", org.hamcrest.Matchers.equalTo(1))
                    .body("desiredTarget", org.hamcrest.Matchers.equalTo(TestTopology.SECONDARY))
                    .body("served", org.hamcrest.Matchers.containsString(TestTopology.SECONDARY_IP));
            given().auth().oauth2(ApiTokens.viewer()).get("/groups/nowhere").then().statusCode(404);
            given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.matchesPattern(
                    "(?s).*failover_actuator_decision_receive_lag_seconds_count(\\{[^}]*\\})? [1-9].*"));
            given().auth().oauth2(ApiTokens.viewer()).get("/actuations?limit=5").then().statusCode(200)
                    .body("[0].decisionId", org.hamcrest.Matchers.equalTo(id));
            given().auth().oauth2(ApiTokens.viewer()).get("/actuations?limit=0").then().statusCode(422); // names the field

            // the same decision again is not above the desired epoch: skipped, nothing written again
            client.sendSigned(Topics.DECISIONS, TestTopology.GROUP, codec.encode(decision),
                    TestSigningKeys.shared().signer());
            ActuationResult fenced = step(actuations.await(r -> step(r).decisionId().equals(id)
                    && step(r).status() == ActuationStatus.SKIPPED && step(r).step() == ActuationStep.FENCE, WAIT));
            assertThat(fenced.details()).contains("not above the desired epoch 1");
        }
    }

    private ActuationResult step(ConsumerRecord<String, String> record) {
        return codec.decode(record.value(), ActuationResult.class);
    }
}
