package dev.failover.decision.view;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.ownership.FixedOwnership;
import dev.failover.decision.rest.ApiTokens;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.store.StateLoader;
import dev.failover.decision.store.StateLoaders;
import dev.failover.decision.store.TopicSetup;
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
import io.restassured.http.ContentType;

/**
 * What a restarted or new owner rebuilds from Kafka equals what the running owner had: active target, epoch, overrides,
 * audit and the explanations of the latest decisions. Also: a poison operator command goes to the commands dead-letter topic.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class StateRecoveryTest {

    @Inject
    DecisionEngine running;
    @Inject
    TopicSetup topics;
    /** The service's own Kafka client properties. */
    @Inject
    KafkaClientProperties kafka;
    @Inject
    ControlMessageKeys keys;
    @Inject
    DecisionMetrics metrics;

    @Test
    void aFreshEngineRestoredFromKafkaMatchesTheRunningOne() {
        String token = ApiTokens.operator("alice");
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"target\":\"secondary\",\"reason\":\"recovery test\"}")
                .post("/groups/api/force").then().statusCode(200);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"reason\":\"recovery test\"}")
                .post("/groups/api/pause").then().statusCode(200);
        // an operator's retry for the actuator goes on failover.decisions too (ADR 0025): a new owner takes it for no decision
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"reason\":\"recovery test\"}")
                .post("/groups/api/retry").then().statusCode(202);
        GroupView before = running.view(TestTopology.GROUP).orElseThrow();

        // the forgery of ADR 0009's context, a decision at epoch 10^12, on the topic a new owner rebuilds its epoch
        // from: unsigned, and signed by a stranger
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            for (boolean signed : new boolean[] { false, true }) {
                String forged = EventCodec.instance()
                        .encode(new Decision(1, UUID.randomUUID().toString(), TestTopology.GROUP,
                                1_000_000_000_000L, DecisionKind.FAILOVER, TestTopology.PRIMARY, TestTopology.PRIMARY,
                                "forged",
                                List.of(), Instant.now(), DecisionMode.LIVE, "mallory"));
                client.send(Topics.DECISIONS, TestTopology.GROUP, forged, signed
                        ? TestSigningKeys.shared().untrustedSigner().headers(Topics.DECISIONS, TestTopology.GROUP,
                                forged)
                        : java.util.Map.of());
            }
        }
        DecisionEngine fresh = Engines.minimal(running.topology(), Clock.systemUTC(), () -> "x");
        StateLoader loader = StateLoaders.of(fresh, kafka, keys, metrics);
        int partition = KeyPartitions.partitionOf(TestTopology.GROUP, topics.partitions());
        loader.restore(List.of(partition));

        GroupView after = fresh.view(TestTopology.GROUP).orElseThrow();
        assertThat(after.activeTarget()).isEqualTo(before.activeTarget()).isEqualTo(TestTopology.SECONDARY);
        assertThat(after.epoch()).as("epoch restored, the forged decisions at 10^12 skipped").isEqualTo(before.epoch())
                .isPositive();
        assertThat(after.automation()).isEqualTo(GroupView.Automation.PINNED);
        assertThat(after.pause().principal()).isEqualTo("alice");
        assertThat(after.pin().forced()).isTrue();
        assertThat(after.audit()).extracting(a -> a.principal()).contains("alice");
        assertThat(after.recentDecisions()).extracting(Decision::principal).as("principals of restored decisions")
                .doesNotContain("mallory");
        // the forced decision's explanation, from failover.decision-explanations: the same as the running owner's
        String forced = before.recentDecisions().stream().filter(d -> d.kind() == DecisionKind.FORCE)
                .filter(d -> d.reason().endsWith("recovery test")).findFirst().orElseThrow().decisionId();
        assertThat(fresh.explanation(TestTopology.GROUP, forced)).as("explanation of %s restored", forced).isPresent()
                .isEqualTo(running.explanation(TestTopology.GROUP, forced));

        // an instance that does not own the group reads it from the topic; one it cannot read is a 503, not a 500
        GroupReader notOwning = notOwningReader();
        assertThat(notOwning.explanation(TestTopology.GROUP, forced))
                .as("explanation read by an instance not owning the group")
                .isEqualTo(new GroupReader.ExplanationLookup.Found(
                        running.explanation(TestTopology.GROUP, forced).orElseThrow()));
        assertThat(notOwning.explanation(TestTopology.GROUP, "no-such-decision"))
                .isInstanceOf(GroupReader.ExplanationLookup.NotKept.class);
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            client.send(Topics.DECISION_EXPLANATIONS, TestTopology.GROUP, "{\"schemaVersion\":99,\"group\":\"api\"}");
        }
        assertThat(notOwning.explanation(TestTopology.GROUP, forced))
                .as("the group's latest record is of another schema")
                .isInstanceOfSatisfying(GroupReader.ExplanationLookup.Unavailable.class,
                        u -> assertThat(u.why()).contains(Topics.DECISION_EXPLANATIONS, "schema version 99"));
        // a new owner skips that record and keeps the ones before it
        DecisionEngine another = Engines.minimal(running.topology(), Clock.systemUTC(), () -> "y");
        loader = StateLoaders.of(another, kafka, keys, metrics);
        loader.restore(List.of(partition));
        assertThat(another.explanation(TestTopology.GROUP, forced)).as("restored past an unreadable record")
                .isPresent();

        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"reason\":\"done\"}")
                .post("/groups/api/resume")
                .then().statusCode(200);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"reason\":\"done\"}")
                .post("/groups/api/release")
                .then().statusCode(200);
    }

    GroupReader notOwningReader() {
        return new GroupReader(running, FixedOwnership.decidingNothing(), null, topics, kafka);
    }

    @Test
    void aPoisonCommandGoesToTheCommandsDeadLetterTopic() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.COMMANDS_DLQ)) {
            String bad = "{\"schemaVersion\":1,\"commandId\":\"c-1\",\"group\":\"api\",\"type\":\"PIN\",\"reason\":\"r\","
                    + "\"principal\":\"p\",\"issuedAt\":\"2026-11-21T10:00:00Z\"}";
            client.sendSigned(Topics.COMMANDS, TestTopology.GROUP, bad, TestSigningKeys.shared().signer());
            var record = dlq.await(r -> r.value().equals(bad), Duration.ofSeconds(30));
            assertThat(TopicClient.header(record, Topics.DEAD_LETTER_REASON_HEADER))
                    .contains("missing required field 'target'");
        }
    }
}
