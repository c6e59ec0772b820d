package dev.failover.decision.ownership;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.input.InputListener;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.ownership.PartitionOwnership.Standing;
import dev.failover.decision.store.FailingStateLoader;
import dev.failover.kafka.KeyPartitions;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;

/**
 * Ownership is enforced on input, against the real in-JVM broker: a record whose key and payload name different groups
 * is dead-lettered; a record of a partition not assigned here is left alone and counted; a partition whose restore
 * fails is not decided (readiness names it) until a retry succeeds. The restore failure is injected at the StateLoader
 * seam ({@link FailingStateLoader}); the rebalances that trigger restores are real (a second member joins the consumer
 * group).
 */
@QuarkusTest
@TestProfile(OwnershipThroughKafkaTest.Profile.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
class OwnershipThroughKafkaTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final EventCodec CODEC = EventCodec.instance();
    static final int PARTITIONS = 3;
    /** Groups of their own (other tests share the broker), at least one in every partition. */
    static final List<String> GROUPS = IntStream.range(0, 9).mapToObj(g -> "own-" + g).toList();
    /** Groups given evidence by a test, so that none of GROUPS is: at least one in every partition too. */
    static final List<String> FED_GROUPS = IntStream.range(0, 9).mapToObj(g -> "batch-" + g).toList();
    /** Groups whose results pile up while another member holds their partition: at least one in every partition. */
    static final List<String> BACKLOG_GROUPS = IntStream.range(0, 9).mapToObj(g -> "backlog-" + g).toList();
    /** Groups whose partition comes straight back in a rebalance: at least one in every partition. */
    static final List<String> KEPT_GROUPS = IntStream.range(0, 9).mapToObj(g -> "kept-" + g).toList();

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("failover.topology-file", TestTopology.writeRaw(topology()).toString());
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FailingStateLoader.class);
        }
    }

    /**
     * GROUPS and FED_GROUPS probed every second; BACKLOG_GROUPS and KEPT_GROUPS every 10 s, so that their results stay
     * fresh (three intervals) through the rebalance that hands their partition back.
     */
    static String topology() {
        String yaml = TestTopology.yaml(Stream.concat(GROUPS.stream(), FED_GROUPS.stream()).toList());
        String slow = TestTopology.yaml(Stream.concat(BACKLOG_GROUPS.stream(), KEPT_GROUPS.stream()).toList())
                .replace("intervalSeconds: 1,", "intervalSeconds: 10,");
        return yaml + slow.substring(slow.indexOf("groups:\n") + "groups:\n".length());
    }

    @Inject
    DecisionEngine engine;
    @Inject
    GroupOwnership ownership;
    @Inject
    InputListener listener;
    @Inject
    MeterRegistry registry;

    @AfterEach
    void healthy() {
        FailingStateLoader.failing = false;
    }

    @Test
    void aRecordKeyedByOneGroupWithAnotherGroupsPayloadIsDeadLetteredAndTouchesNeither() {
        String keyGroup = GROUPS.get(0);
        String payloadGroup = GROUPS.stream().filter(g -> partition(g) != partition(keyGroup)).findFirst()
                .orElseThrow();
        String payload = CODEC
                .encode(result(payloadGroup, TestTopology.PRIMARY, "loc-a", ProbeOutcome.DOWN, Instant.now()));
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader dlq = client.reader(Topics.PROBE_RESULTS_DLQ)) {
            client.send(Topics.PROBE_RESULTS, keyGroup, payload);

            ConsumerRecord<String, String> dead = dlq.await(r -> r.value().equals(payload), WAIT);
            assertThat(dead.key()).as("dead letter's key").isEqualTo(keyGroup);
            assertThat(TopicClient.header(dead, Topics.DEAD_LETTER_REASON_HEADER)).as("dead-letter reason")
                    .contains("record key '" + keyGroup + "'", "payload's group '" + payloadGroup + "'");
        }
        for (String group : List.of(keyGroup, payloadGroup)) {
            assertThat(locations(group)).as("evidence of " + group + " after the mismatched record")
                    .allSatisfy(l -> assertThat(l.lastResultAt()).as(l.location() + " last result").isNull());
            assertThat(engine.view(group).orElseThrow().epoch()).as("epoch of " + group).isZero();
        }
    }

    @Test
    void aRecordOfAPartitionAssignedElsewhereIsLeftAloneAndCountedWhileTheBatchsOtherPartitionsAreAcknowledged() {
        try (KafkaConsumer<String, String> rival = rival()) {
            // a second member takes some partitions: this instance no longer decides their groups
            String elsewhere = await("a group whose partition went to the other member").atMost(WAIT).pollInSameThread()
                    .until(() -> {
                        rival.poll(Duration.ofMillis(100));
                        return GROUPS.stream().filter(g -> ownership.standing(g) == Standing.NOT_ASSIGNED
                                && rival.assignment().stream().anyMatch(tp -> tp.partition() == partition(g)))
                                .findFirst();
                    }, java.util.Optional::isPresent).orElseThrow();
            // and this instance decides again what it kept, once restored after that rebalance
            String here = await("a group of its own this instance decides").atMost(WAIT).pollInSameThread()
                    .until(() -> {
                        rival.poll(Duration.ofMillis(100));
                        // the rival may still be rebalancing: the two groups must sit on different partitions, one on each side
                        return FED_GROUPS.stream().filter(g -> ownership.standing(g) == Standing.DECIDING
                                && partition(g) != partition(elsewhere)
                                && ownership.standing(elsewhere) == Standing.NOT_ASSIGNED)
                                .findFirst();
                    }, java.util.Optional::isPresent).orElseThrow();
            double before = ignored(Standing.NOT_ASSIGNED);

            // as SmallRye can still deliver records fetched before their partition was revoked, in one poll with others
            TopicPartition elsewhereTp = new TopicPartition(Topics.PROBE_RESULTS, partition(elsewhere));
            TopicPartition hereTp = new TopicPartition(Topics.PROBE_RESULTS, partition(here));
            Instant now = Instant.now();
            ConsumerRecords<String, String> polled = new ConsumerRecords<>(Map.of(
                    elsewhereTp,
                    List.of(new ConsumerRecord<>(elsewhereTp.topic(), elsewhereTp.partition(), 0L, elsewhere,
                            CODEC.encode(result(elsewhere, TestTopology.PRIMARY, "loc-a", ProbeOutcome.DOWN, now)))),
                    hereTp, List.of(new ConsumerRecord<>(hereTp.topic(), hereTp.partition(), 0L, here,
                            CODEC.encode(result(here, TestTopology.PRIMARY, "loc-a", ProbeOutcome.UP, now))))));
            Set<TopicPartition> acknowledged = ConcurrentHashMap.newKeySet();
            KafkaCommitHandler commits = new KafkaCommitHandler() {
                @Override
                public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
                    acknowledged.add(new TopicPartition(record.getTopic(), record.getPartition()));
                    return Uni.createFrom().voidItem();
                }
            };
            listener.onInputs(new IncomingKafkaRecordBatch<>(polled, "decision-inputs", 0, commits, null, false, false))
                    .toCompletableFuture().join();

            // each partition's records are handled in its lane, after what the lane holds already
            await("the batch handled").atMost(WAIT).until(() -> listener.queued(hereTp) == 0
                    && listener.queued(elsewhereTp) == 0 && ignored(Standing.NOT_ASSIGNED) >= before + 1
                    && acknowledged.contains(hereTp));
            assertThat(ignored(Standing.NOT_ASSIGNED)).as("records ignored as NOT_ASSIGNED").isEqualTo(before + 1);
            assertThat(acknowledged).as("partitions acknowledged: not the one left for its owner")
                    .containsExactly(hereTp);
            assertThat(locations(elsewhere)).as("evidence of " + elsewhere)
                    .allSatisfy(l -> assertThat(l.lastResultAt()).as(l.location() + " last result").isNull());
            assertThat(locations(here)).as("evidence of " + here + ": the last results of its targets at each location")
                    .extracting(GroupView.LocationView::lastResultAt).containsOnlyOnce(now);
        }
    }

    /**
     * A take-over reads the results published while the partition moved before it decides on any of them. Meanwhile the
     * primary failed at every location and recovered: decided record by record, the first half of that backlog makes a
     * failover the second half would not have made (in RegionLossIT the new owner chose the wrong target 68 ms after its
     * assignment, the results of the right one still unread). Caught up first, nothing is decided.
     */
    @Test
    void aTakeOverReadsWhatWasPublishedMeanwhileBeforeDecidingOnIt() {
        String group;
        Instant last;
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            try (KafkaConsumer<String, String> rival = rival()) {
                group = await("a backlog group whose partition went to the other member").atMost(WAIT)
                        .pollInSameThread()
                        .until(() -> {
                            rival.poll(Duration.ofMillis(100));
                            return BACKLOG_GROUPS.stream().filter(g -> ownership.standing(g) == Standing.NOT_ASSIGNED
                                    && rival.assignment().stream()
                                            .anyMatch(tp -> tp.topic().equals(Topics.PROBE_RESULTS)
                                                    && tp.partition() == partition(g)))
                                    .findFirst();
                        }, java.util.Optional::isPresent).orElseThrow();
                // while the other member holds it: the secondary is up, the primary fails everywhere, then recovers
                Instant at = Instant.now();
                for (int round = 0; round < 7; round++) {
                    at = at.plusMillis(10);
                    for (String location : TestTopology.LOCATIONS) {
                        String target = round < 2 ? TestTopology.SECONDARY : TestTopology.PRIMARY;
                        ProbeOutcome outcome = round < 2 || round >= 4 ? ProbeOutcome.UP : ProbeOutcome.DOWN;
                        client.send(Topics.PROBE_RESULTS, group,
                                CODEC.encode(result(group, target, location, outcome, at)));
                    }
                }
                last = at;
            } // the other member leaves: the partition comes back here with the results behind it
            String taken = group;
            await("the primary's last results read by the new owner").atMost(WAIT).until(() -> engine.view(taken)
                    .orElseThrow().targets().stream().filter(t -> t.target().equals(TestTopology.PRIMARY))
                    .flatMap(t -> t.locations().stream()).allMatch(l -> last.equals(l.lastResultAt())));
            await("deciding " + taken + " again").atMost(WAIT)
                    .until(() -> ownership.standing(taken) == Standing.DECIDING);
        }
        GroupView view = engine.view(group).orElseThrow();
        assertThat(view.activeTarget()).as("active target of " + group + " after the take-over")
                .isEqualTo(TestTopology.PRIMARY);
        assertThat(view.epoch()).as("epoch of " + group + ": no decision on half the evidence").isZero();
    }

    /**
     * The eager range assignor revokes every partition in every rebalance, also those it hands straight back. A
     * partition that comes back with nothing read by anyone else meanwhile keeps its groups' evidence: a failure
     * counted before the rebalance still counts after it (at stop 38 every rebalance started the counts again, so a
     * failover came up to failuresToDown intervals later). Decisions, epochs and commands are still taken only from
     * the stored state.
     */
    @Test
    void aPartitionThatComesStraightBackKeepsItsGroupsEvidence() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            await("every partition decided here").atMost(WAIT)
                    .until(() -> KEPT_GROUPS.stream().allMatch(g -> ownership.standing(g) == Standing.DECIDING));
            // one failure of the primary at every location for every group: one short of failuresToDown (2)
            Instant first = Instant.now();
            KEPT_GROUPS.forEach(g -> reportPrimaryDown(client, g, first));
            await("the first failures counted").atMost(WAIT).until(() -> KEPT_GROUPS.stream()
                    .allMatch(g -> primaryLocations(g).stream().allMatch(l -> first.equals(l.lastResultAt()))));

            try (KafkaConsumer<String, String> rival = rival()) {
                // a second member joins: every partition is revoked here, some are handed straight back
                String kept = await("a group whose partition came straight back").atMost(WAIT).pollInSameThread()
                        .until(() -> {
                            rival.poll(Duration.ofMillis(100));
                            return KEPT_GROUPS.stream().filter(g -> ownership.standing(g) == Standing.DECIDING
                                    && !rival.assignment().isEmpty()
                                    && rival.assignment().stream().noneMatch(tp -> tp.partition() == partition(g)))
                                    .findFirst();
                        }, java.util.Optional::isPresent).orElseThrow();
                Instant second = Instant.now();
                reportPrimaryDown(client, kept, second);
                List<GroupView.LocationView> after = await("the second failures read").atMost(WAIT).pollInSameThread()
                        .until(() -> {
                            rival.poll(Duration.ofMillis(100));
                            return primaryLocations(kept);
                        }, ls -> ls.stream().allMatch(l -> second.equals(l.lastResultAt())));
                assertThat(after).as("the primary's evidence of " + kept + " after its partition came back")
                        .allSatisfy(l -> assertThat(l.consecutiveFailures()).as(l.location() + " consecutive failures")
                                .isEqualTo(2));
            }
        }
    }

    @Test
    void aPartitionWhoseRestoreFailsIsNotDecidedUntilARetrySucceeds() {
        FailingStateLoader.failing = true;
        try (KafkaConsumer<String, String> rival = rival();
                TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            // the rebalance the second member causes makes this instance restore what it is assigned: that fails
            PartitionOwnership.Unrestored failed = await("a failed restore").atMost(WAIT).pollInSameThread()
                    .until(() -> {
                        rival.poll(Duration.ofMillis(100));
                        return ownership.unrestored().stream().filter(u -> u.failedAttempts() > 0).findFirst();
                    }, java.util.Optional::isPresent).orElseThrow();
            String group = GROUPS.stream().filter(g -> partition(g) == failed.partition()).findFirst().orElseThrow();
            long epochBefore = engine.view(group).orElseThrow().epoch();
            given().get("/q/health/ready").then().statusCode(503);
            assertThat(given().get("/q/health/ready").asString()).as("readiness")
                    .contains("partition " + failed.partition() + ": restore failed", "injected fault");

            // meanwhile another instance decided the group (a failback at epoch + 4), and its primary fails
            client.sendSigned(Topics.DECISIONS, group, CODEC.encode(decision(group, epochBefore + 4)),
                    TestSigningKeys.shared().signer());
            decisions.await(
                    r -> r.key().equals(group) && TopicClient.isDecision(r)
                            && CODEC.decode(r.value(), Decision.class).epoch() == epochBefore + 4,
                    WAIT); // the reader has caught up with the seeded decision before absence is asserted below
            reportPrimaryDown(client, group);
            int attempts = failedAttempts(failed.partition());
            await("two more restore attempts").atMost(WAIT).pollInSameThread().until(() -> {
                rival.poll(Duration.ofMillis(100));
                return failedAttempts(failed.partition()) >= attempts + 2;
            });
            assertThat(decisions.poll()).as("decisions of " + group + " while its partition is not restored")
                    .filteredOn(r -> r.key().equals(group) && TopicClient.isDecision(r))
                    .extracting(r -> CODEC.decode(r.value(), Decision.class).epoch())
                    .containsExactly(epochBefore + 4);
            assertThat(locations(group)).as("evidence of " + group + " while not restored")
                    .allSatisfy(l -> assertThat(l.lastResultAt()).as(l.location() + " last result").isNull());

            // the fault passes: the retry restores the partition, and it is decided again on the restored epoch
            FailingStateLoader.failing = false;
            // (readiness stays DOWN for the groups the other member owns: it never publishes their state)
            await("partition " + failed.partition() + " restored").atMost(WAIT).pollInSameThread().untilAsserted(() -> {
                rival.poll(Duration.ofMillis(100));
                assertThat(given().get("/q/health/ready").jsonPath()
                        .getString("checks.find { it.name == 'failover-groups-readable' }.data.notRestored"))
                        .as("partitions not restored, in readiness").isEmpty();
            });
            await("a FAILOVER of " + group).atMost(WAIT).pollInSameThread().untilAsserted(() -> {
                rival.poll(Duration.ofMillis(100));
                reportPrimaryDown(client, group);
                assertThat(decisions.poll()).filteredOn(r -> r.key().equals(group))
                        .extracting(r -> CODEC.decode(r.value(), Decision.class))
                        .as("decisions of " + group)
                        .anySatisfy(d -> assertThat(d.kind()).isEqualTo(DecisionKind.FAILOVER));
            });
            List<Long> epochs = decisions.poll().stream().filter(r -> r.key().equals(group))
                    .map(r -> CODEC.decode(r.value(), Decision.class).epoch()).toList();
            assertThat(epochs).as("epochs of " + group + ": the seeded one, then one above it").hasSize(2)
                    .startsWith(epochBefore + 4);
            assertThat(epochs.get(1)).as("the failover's epoch: above the restored one, in this generation's range")
                    .isGreaterThan(epochBefore + 4)
                    .isGreaterThanOrEqualTo(1L << (OwnershipTerm.SEQUENCE_BITS + OwnershipTerm.INSTANCE_BITS));
        }
    }

    static int partition(String group) {
        return KeyPartitions.partitionOf(group, PARTITIONS);
    }

    private int failedAttempts(int partition) {
        return ownership.unrestored().stream().filter(u -> u.partition() == partition).mapToInt(u -> u.failedAttempts())
                .findFirst().orElse(0);
    }

    private double ignored(Standing reason) {
        var counter = registry.find(DecisionMetrics.INPUTS_IGNORED)
                .tags("topic", Topics.PROBE_RESULTS, "reason", reason.name())
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private List<GroupView.LocationView> primaryLocations(String group) {
        return engine.view(group).orElseThrow().targets().stream().filter(t -> t.target().equals(TestTopology.PRIMARY))
                .flatMap(t -> t.locations().stream()).toList();
    }

    private List<GroupView.LocationView> locations(String group) {
        GroupView view = engine.view(group).orElseThrow();
        return view.targets().stream().flatMap(t -> t.locations().stream()).toList();
    }

    /** One round of results: the primary DOWN and the secondary UP at every location (threshold 2, quorum 2). */
    private static void reportPrimaryDown(TopicClient client, String group) {
        reportPrimaryDown(client, group, Instant.now());
    }

    private static void reportPrimaryDown(TopicClient client, String group, Instant now) {
        for (String location : TestTopology.LOCATIONS) {
            client.send(Topics.PROBE_RESULTS, group,
                    CODEC.encode(result(group, TestTopology.SECONDARY, location, ProbeOutcome.UP, now)));
            client.send(Topics.PROBE_RESULTS, group,
                    CODEC.encode(result(group, TestTopology.PRIMARY, location, ProbeOutcome.DOWN, now)));
        }
    }

    /** A second member of the decision-service consumer group that never commits. */
    private static KafkaConsumer<String, String> rival() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.broker().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "decision-service",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.PROBE_RESULTS, Topics.COMMANDS, Topics.ACTUATIONS));
        return consumer;
    }

    private static ProbeResult result(String group, String target, String location, ProbeOutcome outcome, Instant at) {
        return ProbeResult.of(group, target, "region", location, at, outcome).durationMillis(3L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.UNEXPECTED_STATUS : null)
                .httpStatus(outcome == ProbeOutcome.DOWN ? 503 : 200).build();
    }

    private static Decision decision(String group, long epoch) {
        return new Decision(1, "seeded-" + group + "-" + epoch, group, epoch, DecisionKind.FAILBACK,
                TestTopology.SECONDARY,
                TestTopology.PRIMARY, "decided by another instance", List.of(), Instant.now(), DecisionMode.LIVE,
                Decision.AUTOMATION);
    }
}
