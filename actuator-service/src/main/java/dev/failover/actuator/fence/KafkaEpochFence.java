package dev.failover.actuator.fence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.failover.actuator.domain.InMemoryEpochFence;
import dev.failover.contract.event.Topics;

/**
 * The last applied epoch per group, kept in the compacted topic failover.actuator-fence so that it survives restarts
 * and moves with the group to another instance (ADR 0003). A write is acknowledged by all in-sync replicas before the
 * decision's offset is committed; the partitions of a group are read to their end before its decisions are taken.
 */
public class KafkaEpochFence extends InMemoryEpochFence implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaEpochFence.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;

    public KafkaEpochFence(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000"), new StringSerializer(), new StringSerializer());
    }

    /** Creates the compacted fence topic, with the partition count of failover.decisions, when it is missing. */
    public void ensureTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(Topics.ACTUATOR_FENCE)) {
                return;
            }
            Optional<Integer> partitions = Optional.empty();
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(Topics.DECISIONS)) {
                partitions = Optional.of(admin.describeTopics(List.of(Topics.DECISIONS)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(Topics.DECISIONS).partitions().size());
            }
            admin.createTopics(List.of(new NewTopic(Topics.ACTUATOR_FENCE, partitions, Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + Topics.ACTUATOR_FENCE + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("kafka.bootstrap.servers: cannot reach Kafka at " + bootstrapServers + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
        int records = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            int count = consumer.partitionsFor(Topics.ACTUATOR_FENCE, TIMEOUT).size();
            List<TopicPartition> assigned = new ArrayList<>();
            partitions.stream().filter(p -> p < count).forEach(p -> assigned.add(new TopicPartition(Topics.ACTUATOR_FENCE, p)));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topics.ACTUATOR_FENCE + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        super.recordApplied(record.key(), Long.parseLong(record.value()));
                        records++;
                    } catch (NumberFormatException e) {
                        LOG.warnf("skipping unreadable fence record of %s: %s", record.key(), record.value());
                    }
                }
            }
        }
        LOG.infof("fence restored for partitions %s from %d records", partitions, records);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
