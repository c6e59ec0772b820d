package dev.failover.actuator.fence;

import java.time.Duration;
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

import dev.failover.actuator.domain.InMemoryEpochFence;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.kafka.TopicToEndReader;

/**
 * The last applied epoch per group, kept in the compacted topic failover.actuator-fence so that it survives restarts
 * and moves with the group to another instance (ADR 0003). A write is acknowledged by all in-sync replicas before the
 * decision's offset is committed; the partitions of a group are read to their end before its decisions are taken.
 */
public class KafkaEpochFence extends InMemoryEpochFence implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaEpochFence.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClientProperties kafka;
    private final KafkaProducer<String, String> producer;

    public KafkaEpochFence(KafkaClientProperties kafka) {
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000")),
                new StringSerializer(), new StringSerializer());
    }

    /** Creates the compacted fence topic, with the partition count of failover.decisions, when it is missing. */
    public void ensureTopic() {
        try (TopicEnsurer topics = new TopicEnsurer(kafka, TIMEOUT)) {
            Optional<Integer> partitions = topics.partitionCount(Topics.DECISIONS);
            topics.ensure(List.of(new TopicSpec(Topics.ACTUATOR_FENCE, partitions, Optional.empty(), Map.of()).compacted()));
        }
    }

    @Override
    public void recordApplied(String group, long epoch) {
        try {
            producer.send(new ProducerRecord<>(Topics.ACTUATOR_FENCE, group, Long.toString(epoch))).get(TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // not recorded: the decision's offset is not committed either, so the plan runs again (harmlessly)
            throw new IllegalStateException("could not record epoch " + epoch + " of " + group + " in " + Topics.ACTUATOR_FENCE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        super.recordApplied(group, epoch);
    }

    /** Reads these partitions of the fence topic to their end. */
    public void load(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<String, String> latest = new TopicToEndReader(kafka, TIMEOUT).latestPerKey(Topics.ACTUATOR_FENCE, partitions);
        latest.forEach((group, epoch) -> {
            try {
                super.recordApplied(group, Long.parseLong(epoch));
            } catch (NumberFormatException e) {
                LOG.warnf("skipping unreadable fence record of %s: %s", group, epoch);
            }
        });
        LOG.infof("fence restored for partitions %s: %d groups", partitions, latest.size());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
