package dev.failover.decision.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.kafka.KeyPartitions;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Against the real in-JVM broker: a group whose decision cannot be published (the seam {@link StuckDecisionPublisher}
 * holds its publication as a partition of failover.decisions without a leader would, for the producer's delivery
 * timeout) holds back the records of its own input partition only. A group of another partition still decides and
 * publishes, its offsets are committed, and no offset of the stuck partition is committed past the record whose
 * decision is not published.
 */
@QuarkusTest
@TestProfile(LanesThroughKafkaTest.Profile.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
class LanesThroughKafkaTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final EventCodec CODEC = EventCodec.instance();
    static final int PARTITIONS = 3;
    static final List<String> GROUPS = IntStream.range(0, 9).mapToObj(g -> "lane-" + g).toList();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("failover.topology-file", TestTopology.writeRaw(TestTopology.yaml(GROUPS)).toString());
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(StuckDecisionPublisher.class);
        }
    }

    @Inject
    GroupOwnership ownership;
    @Inject
    DecisionEngine engine;

    @AfterEach
    void release() {
        StuckDecisionPublisher.release.complete(null);
        StuckDecisionPublisher.stuckGroup = null;
    }

    @Test
    void aDecisionThatCannotBePublishedHoldsBackOnlyTheRecordsOfItsOwnPartition() throws Exception {
        String stuck = GROUPS.get(0);
        String other = GROUPS.stream().filter(g -> partition(g) != partition(stuck)).findFirst().orElseThrow();
        await("this instance decides both groups").atMost(WAIT)
                .until(() -> ownership.owns(stuck) && ownership.owns(other));
        StuckDecisionPublisher.release = new CompletableFuture<>();
        StuckDecisionPublisher.stuckGroup = stuck;
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader inputs = client.reader(Topics.PROBE_RESULTS);
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaBrokerResource.broker().bootstrapServers()))) {
            String stuckLast = failover(client, stuck);
            long stuckOffset = inputs.await(r -> r.value().equals(stuckLast), WAIT).offset();
            await("the stuck group's failover decided, its publication hanging").atMost(WAIT)
                    .until(() -> StuckDecisionPublisher.stuckPublications.get() > 0);

            String otherLast = failover(client, other);
            long otherOffset = inputs.await(r -> r.value().equals(otherLast), WAIT).offset();
            long started = System.nanoTime();
            ConsumerRecord<String, String> published = decisions.await(r -> r.key().equals(other),
                    Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(CODEC.decode(published.value(), Decision.class).kind()).as("decision of " + other)
                    .isEqualTo(DecisionKind.FAILOVER);
            assertThat(took).as("time to the other group's decision").isLessThan(Duration.ofSeconds(20));

            TopicPartition otherTp = new TopicPartition(Topics.PROBE_RESULTS, partition(other));
            TopicPartition stuckTp = new TopicPartition(Topics.PROBE_RESULTS, partition(stuck));
            await("the other partition's offsets committed past its records").atMost(WAIT)
                    .until(() -> committed(admin).getOrDefault(otherTp, -1L) > otherOffset);
            assertThat(committed(admin).getOrDefault(stuckTp, -1L)).as("committed offset of the stuck partition")
                    .isLessThanOrEqualTo(stuckOffset);
            assertThat(engine.view(stuck).orElseThrow().activeTarget()).as("the stuck group's engine state")
                    .isEqualTo(TestTopology.SECONDARY);

            StuckDecisionPublisher.release.complete(null);
            decisions.await(r -> r.key().equals(stuck), WAIT);
            await("the stuck partition's offsets committed once its decision is published").atMost(WAIT)
                    .until(() -> committed(admin).getOrDefault(stuckTp, -1L) > stuckOffset);
        }
    }

    /** Two rounds of the primary DOWN and the secondary UP at two locations: a failover. Returns the last payload sent. */
    private static String failover(TopicClient client, String group) {
        String last = null;
        for (int round = 0; round < 2; round++) {
            Instant now = Instant.now();
            for (String location : new String[] { "loc-a", "loc-b" }) {
                client.send(Topics.PROBE_RESULTS, group, CODEC.encode(result(group, TestTopology.SECONDARY, location,
                        ProbeOutcome.UP, now)));
                last = CODEC.encode(result(group, TestTopology.PRIMARY, location, ProbeOutcome.DOWN, now));
                client.send(Topics.PROBE_RESULTS, group, last);
            }
        }
        return last;
    }

    private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("decision-service")
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static int partition(String group) {
        return KeyPartitions.partitionOf(group, PARTITIONS);
    }

    private static ProbeResult result(String group, String target, String location, ProbeOutcome outcome, Instant at) {
        return ProbeResult.of(group, target, "region", location, at, outcome).durationMillis(3L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.UNEXPECTED_STATUS : null)
                .httpStatus(outcome == ProbeOutcome.DOWN ? 503 : 200).build();
    }
}
