package dev.failover.actuator.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.failover.actuator.domain.DesiredState;
import dev.failover.actuator.domain.DesiredStore;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.kafka.TopicToEndReader;

/**
 * Desired states in the compacted topic {@code failover.actuator-desired}, keyed by group (ADR 0006): written with
 * acks=all before a decision's offset is committed and whenever a stepped failback reaches a step; a partition's states
 * are read to their end when it is assigned, before its decisions are consumed.
 */
public class KafkaDesiredStore implements DesiredStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaDesiredStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClientProperties kafka;
    private final KafkaProducer<String, String> producer;

    public KafkaDesiredStore(KafkaClientProperties kafka) {
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000")),
                new StringSerializer(), new StringSerializer());
    }

    /**
     * Creates the compacted topic, with the partition count of failover.decisions, when it is missing, and fetches its
     * metadata into the producer: the first decision's store then does not wait for a metadata round trip.
     */
    public void ensureTopic() {
        try (TopicEnsurer topics = new TopicEnsurer(kafka, TIMEOUT)) {
            Optional<Integer> partitions = topics.partitionCount(Topics.DECISIONS);
            topics.ensure(List.of(new TopicSpec(Topics.ACTUATOR_DESIRED, partitions, Optional.empty(), Map.of()).compacted()));
        }
        producer.partitionsFor(Topics.ACTUATOR_DESIRED);
    }

    @Override
    public void save(DesiredState state) {
        try {
            producer.send(new ProducerRecord<>(Topics.ACTUATOR_DESIRED, state.group(), StoredDesiredState.encode(state)))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not store the desired state of " + state.group() + " (epoch " + state.epoch()
                    + ") in " + Topics.ACTUATOR_DESIRED + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The desired states kept in these partitions, read to their end. */
    public List<DesiredState> load(Collection<Integer> partitions) {
        List<DesiredState> states = new ArrayList<>();
        if (partitions.isEmpty()) {
            return states;
        }
        Map<String, String> latest;
        try (TopicToEndReader reader = new TopicToEndReader(kafka, TIMEOUT)) {
            latest = reader.latestPerKey(Topics.ACTUATOR_DESIRED, partitions);
        }
        latest.forEach((group, json) -> {
            try {
                states.add(StoredDesiredState.decode(json));
            } catch (RuntimeException e) {
                LOG.warnf("skipping an unreadable desired state of %s: %s", group, e.getMessage());
            }
        });
        LOG.infof("desired states restored for partitions %s: %d groups", partitions, states.size());
        return states;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
