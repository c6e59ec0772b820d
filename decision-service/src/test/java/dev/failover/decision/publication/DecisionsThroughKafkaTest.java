package dev.failover.decision.publication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Against the real in-JVM broker: poison messages go to the DLQ with a reason, and good results still make a decision. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class DecisionsThroughKafkaTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void poisonGoesToTheDeadLetterTopicAndConsumptionContinuesToADecision() {
        EventCodec codec = EventCodec.instance();
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.PROBE_RESULTS_DLQ);
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            String valid = codec.encode(result(TestTopology.PRIMARY, "loc-a", ProbeOutcome.DOWN, Instant.now()));
            client.send(Topics.PROBE_RESULTS, TestTopology.GROUP, "{not json");
            client.send(Topics.PROBE_RESULTS, TestTopology.GROUP, valid.replace("\"location\":\"loc-a\",", ""));
            client.send(Topics.PROBE_RESULTS, TestTopology.GROUP,
                    valid.replace("\"schemaVersion\":1", "\"schemaVersion\":9"));

            assertThat(reason(dlq.await(r -> r.value().equals("{not json"), WAIT))).contains("not valid JSON");
            assertThat(reason(dlq.await(
                    r -> r.value().startsWith("{\"schemaVersion\":1") && !r.value().contains("\"location\""), WAIT)))
                    .contains("missing required field 'location'");
            assertThat(reason(dlq.await(r -> r.value().contains("\"schemaVersion\":9"), WAIT)))
                    .contains("schemaVersion 9 is not supported");

            // the consumer kept going: two rounds of failures from two locations (quorum 2, threshold 2) fail over
            for (int round = 0; round < 2; round++) {
                Instant now = Instant.now();
                for (String location : new String[] { "loc-a", "loc-b" }) {
                    client.send(Topics.PROBE_RESULTS, TestTopology.GROUP,
                            codec.encode(result(TestTopology.SECONDARY, location, ProbeOutcome.UP, now)));
                    client.send(Topics.PROBE_RESULTS, TestTopology.GROUP,
                            codec.encode(result(TestTopology.PRIMARY, location, ProbeOutcome.DOWN, now)));
                }
            }
            ConsumerRecord<String, String> record = decisions.await(TopicClient::isDecision, WAIT);
            Decision decision = codec.decode(record.value(), Decision.class);
            assertThat(record.key()).isEqualTo(TestTopology.GROUP);
            assertThat(decision.kind()).isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.fromTarget()).isEqualTo(TestTopology.PRIMARY);
            assertThat(decision.toTarget()).isEqualTo(TestTopology.SECONDARY);
            long termStart = 1L << (OwnershipTerm.SEQUENCE_BITS + OwnershipTerm.INSTANCE_BITS);
            assertThat(decision.epoch())
                    .as("the decision's epoch: in the range of this instance's term, its consumer group "
                            + "generation")
                    .isGreaterThanOrEqualTo(termStart);
            assertThat(decision.mode()).isEqualTo(DecisionMode.LIVE);
            assertThat(decision.evidence()).extracting(e -> e.target()).contains(TestTopology.PRIMARY,
                    TestTopology.SECONDARY);
        }
    }

    /** The state and explanation topics are created with segment settings that bound a takeover's read. */
    @Test
    void theCompactedTopicsAreCreatedWithSegmentSettingsThatBoundATakeover() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerResource.broker().bootstrapServers()))) {
            for (String topic : List.of(Topics.DECISION_STATE, Topics.DECISION_EXPLANATIONS)) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                        TopicConfig.SEGMENT_BYTES_CONFIG, config.get(TopicConfig.SEGMENT_BYTES_CONFIG).value(),
                        TopicConfig.SEGMENT_MS_CONFIG, config.get(TopicConfig.SEGMENT_MS_CONFIG).value(),
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                        config.get(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG).value(),
                        TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                        config.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG).value()))
                        .as("configs of " + topic).containsExactlyInAnyOrderEntriesOf(Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
                                TopicConfig.SEGMENT_BYTES_CONFIG, "16777216",
                                TopicConfig.SEGMENT_MS_CONFIG, "3600000",
                                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
                                TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, "3600000"));
            }
        }
    }

    private static String reason(ConsumerRecord<String, String> record) {
        return TopicClient.header(record, Topics.DEAD_LETTER_REASON_HEADER);
    }

    private static ProbeResult result(String target, String location, ProbeOutcome outcome, Instant at) {
        return ProbeResult.of(TestTopology.GROUP, target, "region", location, at, outcome).durationMillis(3L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.UNEXPECTED_STATUS : null)
                .httpStatus(outcome == ProbeOutcome.DOWN ? 503 : 200).build();
    }
}
