package dev.failover.decision.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.RecordSigner;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.signing.TestControlKeys;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.KeyPartitions;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Through the real broker: one record written to failover.decision-state through a mistaken ACL must not become a new
 * owner's active target or epoch (the attack ADR 0009 closed for decisions). A new owner (a fresh engine and loader)
 * restores only state records signed by a trusted key, and never an epoch beyond the bound.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class StoredStateSigningTest {

    static final long NEAR_OVERFLOW = Long.MAX_VALUE - 1;

    @Inject
    DecisionEngine running;
    @Inject
    TopicSetup topics;
    @Inject
    KafkaClientProperties kafka;
    @Inject
    ControlMessageKeys keys;
    @Inject
    DecisionMetrics metrics;

    @Test
    void aStateRecordNotSignedByATrustedKeyIsSkippedAndCounted() throws Exception {
        GroupView before = running.view(TestTopology.GROUP).orElseThrow();
        String elsewhere = TestTopology.PRIMARY.equals(before.activeTarget()) ? TestTopology.SECONDARY
                : TestTopology.PRIMARY;
        String forged = forged(NEAR_OVERFLOW, elsewhere);
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            client.send(Topics.DECISION_STATE, TestTopology.GROUP, forged, Map.of());
            RecordSigner stranger = TestSigningKeys.shared().untrustedSigner();
            client.send(Topics.DECISION_STATE, TestTopology.GROUP, forged,
                    stranger.headers(Topics.DECISION_STATE, TestTopology.GROUP, forged));
        }
        DecisionEngine fresh = restored(keys);
        GroupView after = fresh.view(TestTopology.GROUP).orElseThrow();
        assertThat(after.epoch()).as("epoch restored past the forged records").isLessThan(1L << 53);
        assertThat(after.activeTarget()).as("active target restored past the forged records")
                .isEqualTo(before.activeTarget());
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString()).as("metrics")
                .contains(
                        "failover_decision_records_rejected_total{outcome=\"UNSIGNED\",topic=\"failover.decision-state\"}")
                .contains(
                        "failover_decision_records_rejected_total{outcome=\"UNKNOWN_KEY\",topic=\"failover.decision-state\"}");
    }

    /** What the owner publishes carries the signature of its key over the state topic, the group and the value. */
    @Test
    void theOwnerSignsEveryStateRecordItPublishes() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader states = client.reader(Topics.DECISION_STATE)) {
            var record = states.await(r -> TestTopology.GROUP.equals(r.key()) && r.value() != null
                    && r.value().contains("\"publishedAt\"")
                    && keys.verify(r.topic(), r.key(), r.value(), r.headers()).isValid(),
                    Duration.ofSeconds(30));
            assertThat(keys.verify(record.topic(), record.key(), record.value(), record.headers()).keyId())
                    .isEqualTo(TestSigningKeys.SIGNER_KEY_ID);
        }
    }

    /** Even the service's own key does not make an epoch near overflow trusted: epoch++ must never wrap. */
    @Test
    void aSignedStateRecordWithAnEpochBeyondTheBoundIsSkipped() throws Exception {
        GroupView before = running.view(TestTopology.GROUP).orElseThrow();
        String forged = forged((1L << 53) + 1, before.activeTarget());
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            client.sendSigned(Topics.DECISION_STATE, TestTopology.GROUP, forged, TestSigningKeys.shared().signer());
        }
        assertThat(restored(keys).view(TestTopology.GROUP).orElseThrow().epoch()).as("epoch restored")
                .isLessThanOrEqualTo(1L << 53);
    }

    /**
     * The upgrade: records of the previous release carry no signature. Under failover.state.accept-unsigned they are
     * restored (a stranger's signature never is); without it they are skipped.
     */
    @Test
    void anUnsignedRecordOfThePreviousReleaseIsRestoredOnlyUnderAcceptUnsigned() throws Exception {
        GroupView before = running.view(TestTopology.GROUP).orElseThrow();
        long epoch = before.epoch() + 1_000;
        String previousRelease = forged(epoch, before.activeTarget());
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            client.send(Topics.DECISION_STATE, TestTopology.GROUP, previousRelease, Map.of());
        }
        assertThat(restored(keys).view(TestTopology.GROUP).orElseThrow().epoch()).as("epoch restored, strict")
                .isNotEqualTo(epoch);
        ControlMessageKeys migrating = TestControlKeys.migrating(TestSigningKeys.shared().signer(),
                TestSigningKeys.shared().trustedKeys());
        assertThat(restored(migrating).view(TestTopology.GROUP).orElseThrow().epoch())
                .as("epoch restored, accepting unsigned")
                .isEqualTo(epoch);
    }

    /** The running owner's own latest state, with another epoch and active target: what a writer of the topic could send. */
    String forged(long epoch, String active) throws Exception {
        String genuine = StateCodec.encode(new StateRecord(StateRecord.SCHEMA_VERSION,
                running.publishableState(TestTopology.GROUP).orElseThrow().snapshot(),
                running.view(TestTopology.GROUP).orElseThrow(), List.of(), Instant.now()));
        ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(genuine);
        ((ObjectNode) tree.get("snapshot")).put("epoch", epoch).put("activeTarget", active);
        return tree.toString();
    }

    DecisionEngine restored(ControlMessageKeys with) {
        DecisionEngine fresh = Engines.minimal(running.topology(), Clock.systemUTC(), () -> "x");
        StateLoader loader = new StateLoader(fresh, kafka, with, metrics);
        loader.restore(List.of(KeyPartitions.partitionOf(TestTopology.GROUP, topics.partitions())));
        return fresh;
    }
}
