package dev.failover.actuator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.kafka.KafkaBrokerResource;

/**
 * Against the real in-JVM broker: what a restarted actuator reads back is the newest desired state of each group, step
 * included, so that a stepped failback resumes from the step it reached.
 */
class KafkaDesiredStoreTest {

    static Decision failback(String group, long epoch) {
        return new Decision(1, "d-" + UUID.randomUUID(), group, epoch, DecisionKind.FAILBACK, "secondary", "primary",
                "test",
                List.of(), Instant.parse("2026-11-22T03:00:00Z"), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    @Test
    void aRestartReadsBackTheNewestDesiredStateOfEachGroupWithItsStep() {
        KafkaClientProperties kafka = new KafkaClientProperties(Map.of("bootstrap.servers",
                KafkaBrokerResource.broker().bootstrapServers()));
        String group = "store-" + UUID.randomUUID();
        Decision decision = failback(group, 7);
        try (KafkaDesiredStore store = TestDesiredStores.open(kafka)) {
            store.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor");
            store.save(DesiredState.of(failback(group, 6)));
            store.save(DesiredState.of(decision));
            store.save(DesiredState.of(decision).atStep(1));
        }
        try (KafkaDesiredStore restarted = TestDesiredStores.open(kafka)) {
            List<DesiredState> read = restarted.load(IntStream.range(0, partitions(kafka)).boxed().toList()).stream()
                    .filter(s -> s.group().equals(group)).toList();
            assertThat(read).as("desired states of %s read back", group)
                    .containsExactly(DesiredState.of(decision).atStep(1));
        }
    }

    /**
     * A zombie's send that timed out lands after the new owner's higher epoch (and a step saved late within an epoch):
     * the restore keeps the highest epoch of each group, and within it the furthest step, not the last record.
     */
    @Test
    void aLateRecordOfALowerEpochOrStepDoesNotRollTheDesiredStateBack() {
        KafkaClientProperties kafka = new KafkaClientProperties(Map.of("bootstrap.servers",
                KafkaBrokerResource.broker().bootstrapServers()));
        String group = "zombie-" + UUID.randomUUID();
        Decision newer = failback(group, 5);
        try (KafkaDesiredStore store = TestDesiredStores.open(kafka)) {
            store.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor");
            store.save(DesiredState.of(newer));
            store.save(DesiredState.of(newer).atStep(2));
            store.save(DesiredState.of(newer).atStep(1)); // the old owner's step save, landing late
            store.save(DesiredState.of(failback(group, 4)).atStep(3)); // the zombie's epoch 4, landing late
        }
        try (KafkaDesiredStore restarted = TestDesiredStores.open(kafka)) {
            List<DesiredState> read = restarted.load(IntStream.range(0, partitions(kafka)).boxed().toList()).stream()
                    .filter(s -> s.group().equals(group)).toList();
            assertThat(read).as("desired states of %s read back", group)
                    .containsExactly(DesiredState.of(newer).atStep(2));
        }
    }

    /**
     * The topic every irreversible step is fenced by is checked at start like the decision-service's: on a broker of
     * its own, one partitioned unlike failover.decisions and a replication factor the topic is below stop the start
     * naming the topic or the key, and a fit topic passes.
     */
    @Test
    void anUnfitDesiredStateTopicStopsTheStartNamingWhatToChange() throws Exception {
        try (dev.failover.testkit.kafka.EmbeddedKafkaBroker broker = dev.failover.testkit.kafka.EmbeddedKafkaBroker
                .start();
                var topics = new dev.failover.kafka.TopicEnsurer(new KafkaClientProperties(Map.of("bootstrap.servers",
                        broker.bootstrapServers())), java.time.Duration.ofSeconds(30))) {
            KafkaClientProperties kafka = new KafkaClientProperties(
                    Map.of("bootstrap.servers", broker.bootstrapServers()));
            topics.ensure(
                    List.of(dev.failover.kafka.TopicSpec.of(dev.failover.contract.event.Topics.DECISIONS, 3, (short) 1),
                            dev.failover.kafka.TopicSpec
                                    .of(dev.failover.contract.event.Topics.ACTUATOR_DESIRED, 2, (short) 1)
                                    .compacted()));
            try (KafkaDesiredStore store = TestDesiredStores.open(kafka)) {
                assertThatThrownBy(() -> store.ensureTopic(Optional.empty(), "failover.topics.replication-factor"))
                        .hasMessageContaining(
                                "failover.actuator-desired has 2 partitions, but failover.decisions has 3")
                        .hasMessageContaining("recreate failover.actuator-desired with 3 partitions");
                assertThatThrownBy(
                        () -> store.ensureTopic(Optional.of((short) 3), "failover.topics.replication-factor"))
                        .hasMessageStartingWith("failover.topics.replication-factor is 3: ")
                        .hasMessageContaining("failover.actuator-desired");
            }
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin
                    .create(broker.adminProperties())) {
                admin.deleteTopics(List.of(dev.failover.contract.event.Topics.ACTUATOR_DESIRED)).all().get();
                org.awaitility.Awaitility.await("deleted").atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> !admin.listTopics()
                                .names().get().contains(dev.failover.contract.event.Topics.ACTUATOR_DESIRED));
            }
            try (KafkaDesiredStore store = TestDesiredStores.open(kafka)) {
                store.ensureTopic(Optional.empty(), "failover.topics.replication-factor");
                assertThat(partitions(kafka)).as("created like failover.decisions").isEqualTo(3);
            }
        }
    }

    /**
     * On a first deploy the actuator may start before any decision-service has created failover.decisions. The store's
     * topic is then created at the first restore, partitioned like failover.decisions, not at once with the broker's
     * default count (seen on the old store: made at once, before failover.decisions).
     */
    @Test
    void beforeTheDecisionsTopicExistsTheStoreWaitsToBePartitionedLikeIt() throws Exception {
        try (dev.failover.testkit.kafka.EmbeddedKafkaBroker broker = dev.failover.testkit.kafka.EmbeddedKafkaBroker
                .start();
                var topics = new dev.failover.kafka.TopicEnsurer(new KafkaClientProperties(Map.of("bootstrap.servers",
                        broker.bootstrapServers())), java.time.Duration.ofSeconds(30));
                KafkaDesiredStore store = new KafkaDesiredStore(new KafkaClientProperties(Map.of("bootstrap.servers",
                        broker.bootstrapServers())), TestDesiredStores.signing(false), outcome -> {
                        })) {
            KafkaClientProperties kafka = new KafkaClientProperties(
                    Map.of("bootstrap.servers", broker.bootstrapServers()));
            store.ensureTopic(Optional.empty(), "failover.topics.replication-factor");
            assertThat(topics.partitionCount(dev.failover.contract.event.Topics.ACTUATOR_DESIRED))
                    .as("not created before failover.decisions").isEmpty();
            assertThatThrownBy(() -> store.save(DesiredState.of(failback("early", 3))))
                    .hasMessageContaining("failover.decisions does not exist");

            topics.ensure(List
                    .of(dev.failover.kafka.TopicSpec.of(dev.failover.contract.event.Topics.DECISIONS, 3, (short) 1)));
            assertThat(store.load(List.of(0, 1, 2))).isEmpty();
            assertThat(partitions(kafka)).as("created at the first restore, like failover.decisions").isEqualTo(3);
            store.save(DesiredState.of(failback("later", 3)));
        }
    }

    static int partitions(KafkaClientProperties kafka) {
        try (var topics = new dev.failover.kafka.TopicEnsurer(kafka, java.time.Duration.ofSeconds(30))) {
            return topics.partitionCount(dev.failover.contract.event.Topics.ACTUATOR_DESIRED).orElseThrow();
        }
    }
}
