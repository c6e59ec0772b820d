package dev.failover.actuator.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.DesiredState;
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
        return new Decision(1, "d-" + UUID.randomUUID(), group, epoch, DecisionKind.FAILBACK, "secondary", "primary", "test",
                List.of(), Instant.parse("2026-11-22T03:00:00Z"), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    @Test
    void aRestartReadsBackTheNewestDesiredStateOfEachGroupWithItsStep() {
        KafkaClientProperties kafka = new KafkaClientProperties(Map.of("bootstrap.servers",
                KafkaBrokerResource.broker().bootstrapServers()));
        String group = "store-" + UUID.randomUUID();
        Decision decision = failback(group, 7);
        try (KafkaDesiredStore store = TestDesiredStores.open(kafka)) {
            store.ensureTopic();
            store.save(DesiredState.of(failback(group, 6)));
            store.save(DesiredState.of(decision));
            store.save(new DesiredState(decision, 1));
        }
        try (KafkaDesiredStore restarted = TestDesiredStores.open(kafka)) {
            List<DesiredState> read = restarted.load(IntStream.range(0, partitions(kafka)).boxed().toList()).stream()
                    .filter(s -> s.group().equals(group)).toList();
            assertThat(read).as("desired states of %s read back", group).containsExactly(new DesiredState(decision, 1));
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
            store.ensureTopic();
            store.save(DesiredState.of(newer));
            store.save(new DesiredState(newer, 2));
            store.save(new DesiredState(newer, 1)); // the old owner's step save, landing late
            store.save(new DesiredState(failback(group, 4), 3)); // the zombie's epoch 4, landing late
        }
        try (KafkaDesiredStore restarted = TestDesiredStores.open(kafka)) {
            List<DesiredState> read = restarted.load(IntStream.range(0, partitions(kafka)).boxed().toList()).stream()
                    .filter(s -> s.group().equals(group)).toList();
            assertThat(read).as("desired states of %s read back", group).containsExactly(new DesiredState(newer, 2));
        }
    }

    static int partitions(KafkaClientProperties kafka) {
        try (var topics = new dev.failover.kafka.TopicEnsurer(kafka, java.time.Duration.ofSeconds(30))) {
            return topics.partitionCount(dev.failover.contract.event.Topics.ACTUATOR_DESIRED).orElseThrow();
        }
    }
}
