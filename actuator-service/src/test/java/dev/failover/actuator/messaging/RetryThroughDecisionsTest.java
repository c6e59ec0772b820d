package dev.failover.actuator.messaging;

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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * ADR 0025 through the real broker: an operator's retry reaches the actuator that drives the group as a record of
 * failover.decisions, on the group's partition and signed like a decision. Signed by a trusted key it makes the BLOCKED
 * group try again, recorded with who asked and why; unsigned it is dead-lettered and moves nothing; one issued longer
 * ago than its maximum age (read again after a rebalance) is not acted on. A group of its own.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@TestProfile(RetryThroughDecisionsTest.Profile.class)
class RetryThroughDecisionsTest {

    static final String GROUP = "retried";
    static final Duration WAIT = Duration.ofSeconds(60);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("failover.topology-file",
                    TestTopology.writeRaw(TestTopology.yaml(List.of(GROUP))).toString());
        }
    }

    final EventCodec codec = EventCodec.instance();
    final TestSigningKeys keys = TestSigningKeys.shared();

    @Test
    void aSignedRetryOnTheGroupsPartitionMakesTheBlockedGroupTryAgain() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.DECISIONS_DLQ);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            // a decision for a target this actuator's topology lacks blocks the group until a retry or a newer decision
            Decision decision = new Decision(1, UUID.randomUUID().toString(), GROUP, 1L, DecisionKind.FAILOVER,
                    TestTopology.PRIMARY, "nowhere", "test", List.of(), Instant.now(), DecisionMode.LIVE,
                    Decision.AUTOMATION);
            client.sendSigned(Topics.DECISIONS, GROUP, codec.encode(decision), keys.signer());
            actuations.await(r -> result(r).decisionId().equals(decision.decisionId())
                    && result(r).status() == ActuationStatus.BLOCKED, WAIT);

            String unsigned = codec.encode(retry("mallory", "no key", Instant.now()));
            client.send(Topics.DECISIONS, GROUP, unsigned, Map.of(Topics.RECORD_HEADER, record()));
            assertThat(TopicClient.header(dlq.await(r -> r.value().equals(unsigned), WAIT),
                    Topics.DEAD_LETTER_REASON_HEADER)).contains("UNSIGNED");

            String expired = codec.encode(retry("bob", "read again after a rebalance",
                    Instant.now().minus(ActuatorRetry.MAX_AGE).minusSeconds(60)));
            client.send(Topics.DECISIONS, GROUP, expired, signed(expired));
            await("the expired retry read and passed over").atMost(WAIT).untilAsserted(() -> assertThat(
                    given().get("/q/metrics").then().statusCode(200).extract().asString())
                    .containsPattern("failover_actuator_operator_retries_total\\{outcome=\"EXPIRED\",?\\} 1\\.0"));
            String genuine = codec.encode(retry("alice", "the TSIG key was fixed", Instant.now()));
            client.send(Topics.DECISIONS, GROUP, genuine, signed(genuine));

            ActuationResult tried = result(actuations.await(r -> result(r).step() == ActuationStep.RECONCILE
                    && result(r).details() != null && result(r).details().contains("asked by"), WAIT));
            assertThat(tried.status()).isEqualTo(ActuationStatus.CONVERGING);
            assertThat(tried.decisionId()).isEqualTo(decision.decisionId());
            assertThat(tried.details()).as("the first retry acted on is the genuine one")
                    .isEqualTo("tried again after BLOCKED, asked by alice: the TSIG key was fixed");
            assertThat(actuations.readToEnd(WAIT)).as("no result of the unsigned or the expired retry")
                    .noneMatch(r -> result(r).details() != null && (result(r).details().contains("mallory")
                            || result(r).details().contains("bob")));
        }
    }

    private ActuatorRetry retry(String principal, String reason, Instant issuedAt) {
        return new ActuatorRetry(1, UUID.randomUUID().toString(), GROUP, reason, principal, issuedAt);
    }

    private Map<String, byte[]> signed(String value) {
        Map<String, byte[]> headers = new HashMap<>(keys.signer().headers(Topics.DECISIONS, GROUP, value));
        headers.put(Topics.RECORD_HEADER, record());
        return headers;
    }

    private static byte[] record() {
        return ActuatorRetry.RECORD.getBytes(StandardCharsets.UTF_8);
    }

    private ActuationResult result(ConsumerRecord<String, String> record) {
        return codec.decode(record.value(), ActuationResult.class);
    }
}
