package dev.failover.actuator.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The forged-decision attack of ADR 0009 through the real broker: a hand-made FAILOVER at epoch 10^12 on
 * failover.decisions, unsigned, or signed by a key nobody trusts, or with a genuine signature over something else,
 * moves nothing and is dead-lettered with the outcome; the genuine epoch-1 failover after it is applied, as is a
 * decision signed with the rotated-in key. A group of its own, so that no other test's epochs meet these.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@TestProfile(SignedDecisionsTest.Profile.class)
class SignedDecisionsTest {

    static final String GROUP = "signed";
    static final long FORGED_EPOCH = 1_000_000_000_000L;
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
    void aForgedDecisionMovesNothingAndTheGenuineOneAfterItIsApplied() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.DECISIONS_DLQ);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            String unsigned = codec.encode(decision(FORGED_EPOCH, DecisionKind.FAILOVER, TestTopology.SECONDARY));
            client.send(Topics.DECISIONS, GROUP, unsigned);
            String strangers = codec.encode(decision(FORGED_EPOCH, DecisionKind.FAILOVER, TestTopology.SECONDARY));
            client.sendSigned(Topics.DECISIONS, GROUP, strangers, keys.untrustedSigner());
            String signedForOneEpoch = codec.encode(decision(1L, DecisionKind.FAILOVER, TestTopology.SECONDARY));
            String raised = signedForOneEpoch.replace("\"epoch\":1,", "\"epoch\":" + FORGED_EPOCH + ",");
            assertThat(raised).as("the epoch changed after signing").isNotEqualTo(signedForOneEpoch);
            client.send(Topics.DECISIONS, GROUP, raised,
                    keys.signer().headers(Topics.DECISIONS, GROUP, signedForOneEpoch));
            String otherGroups = codec.encode(decision(FORGED_EPOCH, DecisionKind.FAILOVER, TestTopology.SECONDARY));
            client.send(Topics.DECISIONS, GROUP, otherGroups,
                    keys.signer().headers(Topics.DECISIONS, "other", otherGroups));

            assertThat(reason(dlq.await(r -> r.value().equals(unsigned), WAIT)))
                    .contains("refused, not signed by a trusted key: UNSIGNED: no " + Topics.SIGNATURE_HEADER
                            + " header");
            assertThat(reason(dlq.await(r -> r.value().equals(strangers), WAIT)))
                    .contains("UNKNOWN_KEY: key id '" + TestSigningKeys.UNTRUSTED_KEY_ID + "' is not trusted");
            assertThat(reason(dlq.await(r -> r.value().equals(raised), WAIT))).contains("BAD_SIGNATURE");
            assertThat(reason(dlq.await(r -> r.value().equals(otherGroups), WAIT))).contains("BAD_SIGNATURE");

            // the primary really fails: the decision-service's genuine failover, epoch 1, after the forged ones
            Decision genuine = decision(1L, DecisionKind.FAILOVER, TestTopology.SECONDARY);
            client.sendSigned(Topics.DECISIONS, GROUP, codec.encode(genuine), keys.signer());
            ActuationResult switched = result(actuations.await(r -> result(r).decisionId().equals(genuine.decisionId())
                    && result(r).step() == ActuationStep.DNS_SWITCH, WAIT));
            assertThat(switched.status()).as("the genuine failover's DNS switch").isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(switched.details()).contains("as epoch 1");
            Set<String> forgedIds = Set.of(id(unsigned), id(strangers), id(raised), id(otherGroups));
            assertThat(actuations.readToEnd(WAIT))
                    .as("actuation results of the forged decisions, read before the genuine one's")
                    .noneMatch(r -> forgedIds.contains(result(r).decisionId()));
            given().auth().oauth2(ApiTokens.viewer()).get("/groups/" + GROUP).then().statusCode(200)
                    .body("desiredEpoch", org.hamcrest.Matchers.equalTo(1))
                    .body("desiredTarget", org.hamcrest.Matchers.equalTo(TestTopology.SECONDARY));
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).as("rejections by outcome")
                    .containsPattern("failover_actuator_decisions_rejected_total\\{outcome=\"UNSIGNED\",?\\} 1\\.0")
                    .containsPattern("failover_actuator_decisions_rejected_total\\{outcome=\"UNKNOWN_KEY\",?\\} 1\\.0")
                    .containsPattern(
                            "failover_actuator_decisions_rejected_total\\{outcome=\"BAD_SIGNATURE\",?\\} 2\\.0");

            // after a rotation the decision-service signs with the second key, which every verifier trusts by then
            Decision rotated = decision(2L, DecisionKind.FAILBACK, TestTopology.PRIMARY);
            client.sendSigned(Topics.DECISIONS, GROUP, codec.encode(rotated), keys.rotatedSigner());
            ActuationResult back = result(actuations.await(r -> result(r).decisionId().equals(rotated.decisionId())
                    && result(r).step() == ActuationStep.DNS_SWITCH, WAIT));
            assertThat(back.status()).as("the failback signed with the rotated key")
                    .isEqualTo(ActuationStatus.SUCCEEDED);
            given().auth().oauth2(ApiTokens.viewer()).get("/groups/" + GROUP).then().statusCode(200)
                    .body("desiredEpoch", org.hamcrest.Matchers.equalTo(2));
        }
    }

    private Decision decision(long epoch, DecisionKind kind, String to) {
        String from = to.equals(TestTopology.PRIMARY) ? TestTopology.SECONDARY : TestTopology.PRIMARY;
        return new Decision(1, UUID.randomUUID().toString(), GROUP, epoch, kind, from, to, "test", List.of(),
                Instant.now(),
                DecisionMode.LIVE, Decision.AUTOMATION);
    }

    private String id(String decision) {
        return codec.decode(decision, Decision.class).decisionId();
    }

    private ActuationResult result(ConsumerRecord<String, String> record) {
        return codec.decode(record.value(), ActuationResult.class);
    }

    private static String reason(ConsumerRecord<String, String> record) {
        return TopicClient.header(record, Topics.DEAD_LETTER_REASON_HEADER);
    }
}
