package dev.failover.decision.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.DecisionEngine;

/**
 * Rebuilds the state of the groups of some partitions: the latest snapshot from the compacted state topic, then every
 * decision of failover.decisions, so a decision published just before a crash (and not yet in a snapshot) still moves
 * the epoch forward. Reads to the end offsets as they were when it started.
 */
@ApplicationScoped
public class StateLoader {

    private static final Logger LOG = Logger.getLogger(StateLoader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    DecisionEngine engine;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    public void restore(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        int snapshots = 0;
        int decisions = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            for (ConsumerRecord<String, String> record : readAll(consumer, Topics.DECISION_STATE, partitions)) {
                try {
                    engine.restore(StateCodec.decode(record.value()).snapshot());
                    snapshots++;
                } catch (IllegalArgumentException e) {
                    LOG.warnf("skipping unreadable state record of %s at offset %d: %s", record.key(), record.offset(), e.getMessage());
                }
            }
            for (ConsumerRecord<String, String> record : readAll(consumer, Topics.DECISIONS, partitions)) {
                try {
                    engine.observePublished(EventCodec.instance().decode(record.value(), Decision.class));
                    decisions++;
                } catch (RuntimeException e) {
                    LOG.warnf("skipping unreadable decision at offset %d: %s", record.offset(), e.getMessage());
                }
            }
        }
        LOG.infof("restored partitions %s from %d state records and %d decisions", partitions, snapshots, decisions);
    }

    private static List<ConsumerRecord<String, String>> readAll(KafkaConsumer<String, String> consumer, String topic,
            Collection<Integer> partitions) {
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        if (consumer.partitionsFor(topic, Duration.ofSeconds(10)).isEmpty()) {
            return records;
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (assigned.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " partitions " + partitions + " to the end within "
                        + TIMEOUT + "; refusing to decide on partial state");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
