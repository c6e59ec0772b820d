package dev.failover.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads some partitions of a topic from the beginning to the end offsets they had when the read started, so that a
 * service can rebuild what it owns (state, fence) before it acts on those partitions. Writes that arrive during the
 * read are not waited for, nor handed over: the caller consumes them afterwards anyway.
 * <p>
 * Every read of one reader goes through one consumer, made at the first read and closed with the reader, so a service
 * that rebuilds from two topics bootstraps once: a new consumer that picks a lost region's broker from the bootstrap
 * list waits out a connection set-up timeout before it tries another. Not thread-safe but for {@link #wakeup()}; use one
 * reader per rebuild.
 */
public final class TopicToEndReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * The longest this reader's consumer waits for a first connection to one broker before it tries another. A rebuild
     * runs on a takeover, which is when a region may just have been lost, and a new consumer picks its first bootstrap
     * broker at random: with the services' 2 s set-up timeout a lost region's broker cost a new owner 2.2 s before its
     * first decision (RegionLossIT). A TCP connect between regions takes one round trip (under 0.3 s between AWS
     * regions); a broker that is slower than this is not skipped for good, Kafka doubles the time on each new attempt up
     * to {@code socket.connection.setup.timeout.max.ms}.
     */
    static final Duration FIRST_CONNECTION_ATTEMPT = Duration.ofMillis(500);
    /**
     * How long the broker may hold this reader's fetch for records that are not there yet. A reader only fetches below
     * the end it reads to, where records are there, but a consumer that has just handed over records sends the next
     * fetch at once, and the broker answers one connection's requests in order: with Kafka's 0.5 s default the next
     * topic's metadata request waited behind that parked fetch (a decision-service restore of three topics: 0.4 s).
     */
    static final Duration FETCH_MAX_WAIT = Duration.ofMillis(10);

    private final Map<String, Object> consumerProperties;
    private final Duration timeout;
    /** Written by the reading thread only; volatile for {@link #wakeup()}, which another thread may call. */
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean wokenUp;

    /**
     * @param clientProperties the service's Kafka client properties
     * @param timeout          the whole read must finish within this; a partial read is never returned
     */
    public TopicToEndReader(KafkaClientProperties clientProperties, Duration timeout) {
        this.consumerProperties = clientProperties.with(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                // records of an aborted or open transaction are not state anyone acted on
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(FETCH_MAX_WAIT.toMillis()),
                ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
                String.valueOf(firstConnectionAttempt(clientProperties))));
        this.timeout = timeout;
    }

    /** {@link #FIRST_CONNECTION_ATTEMPT}, or the service's own set-up timeout when that is shorter. */
    private static long firstConnectionAttempt(KafkaClientProperties clientProperties) {
        Object configured = clientProperties.common().get(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG);
        long cap = FIRST_CONNECTION_ATTEMPT.toMillis();
        return configured == null ? cap : Math.min(cap, Long.parseLong(configured.toString().trim()));
    }

    /**
     * Hands every record of these partitions, in offset order per partition, to {@code each}. Partitions the topic does
     * not have, or a topic that does not exist, have nothing to read.
     *
     * @return how many records were read
     * @throws IllegalStateException when the end is not reached within the timeout
     */
    public int read(String topic, Collection<Integer> partitions, Consumer<ConsumerRecord<String, String>> each) {
        return read(List.of(topic), partitions, each);
    }

    /**
     * Reads these partitions of several topics in one pass: one request for the end offsets and one for the beginnings
     * per broker, and fetches of every partition at once, where a read of one topic after another pays those round
     * trips for each topic. A take-over waits for them, on a machine that may be busy just then (RegionLossIT: 0.3-0.9 s
     * per topic with both cores loaded). Records come in offset order per partition; the topics interleave, so a caller
     * that needs one topic before another sorts them by {@link ConsumerRecord#topic()}.
     *
     * @return how many records were read
     * @throws IllegalStateException when the end is not reached within the timeout
     */
    public int read(List<String> topics, Collection<Integer> partitions,
            Consumer<ConsumerRecord<String, String>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new StringDeserializer());
        }
        if (wokenUp) { // woken before the consumer was there to be woken
            throw new WakeupException();
        }
        consumer.unsubscribe();
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            List<Integer> existing = consumer.partitionsFor(topic, timeout).stream().map(PartitionInfo::partition)
                    .toList();
            partitions.stream().filter(existing::contains).map(p -> new TopicPartition(topic, p))
                    .forEach(assigned::add);
        }
        if (assigned.isEmpty()) {
            return 0;
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return readToEnd(topics, assigned, deadline, each);
    }

    /**
     * Hands every record of every partition of {@code topic} written at or after {@code since} (by the records' own
     * timestamps, as Kafka indexes them) up to the end offsets at the start of the read, in offset order per partition:
     * recorded history, such as the probe results a what-if replays. A topic that does not exist has nothing to read.
     *
     * @return how many records were read
     * @throws IllegalStateException when the end is not reached within the timeout
     */
    public int readSince(String topic, Instant since, Consumer<ConsumerRecord<String, String>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new StringDeserializer());
        }
        if (wokenUp) {
            throw new WakeupException();
        }
        consumer.unsubscribe();
        List<TopicPartition> assigned = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (assigned.isEmpty()) {
            return 0;
        }
        consumer.assign(assigned);
        Map<TopicPartition, Long> at = new LinkedHashMap<>();
        assigned.forEach(tp -> at.put(tp, since.toEpochMilli()));
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
        consumer.offsetsForTimes(at, timeout)
                .forEach((tp, found) -> consumer.seek(tp, found == null ? end.get(tp) : found.offset()));
        return readToEnd(List.of(topic), assigned, deadline, each);
    }

    private int readToEnd(List<String> topics, List<TopicPartition> assigned, long deadline,
            Consumer<ConsumerRecord<String, String>> each) {
        int records = 0;
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
        while (assigned.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + String.join(", ", topics) + " partitions "
                        + assigned.stream().map(TopicPartition::partition).toList() + " to their end within " + timeout
                        + " (at " + positions(assigned) + ", end " + end + ")");
            }
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                // only up to the ends taken at the start: one topic's later writes must not come without the other's
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    each.accept(record);
                    records++;
                }
            }
        }
        return records;
    }

    /**
     * Ends the read under way, or the next one, with a {@link WakeupException} in the reading thread; the one method
     * another thread may call (a read that is no longer wanted stops rather than runs to its timeout).
     */
    public void wakeup() {
        wokenUp = true;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** The latest value of every key in these partitions: what a compacted topic holds for each key. */
    public Map<String, String> latestPerKey(String topic, Collection<Integer> partitions) {
        Map<String, String> latest = new LinkedHashMap<>();
        read(topic, partitions, record -> {
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), record.value());
            }
        });
        return latest;
    }

    private Map<TopicPartition, Long> positions(List<TopicPartition> assigned) {
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        assigned.forEach(tp -> positions.put(tp, consumer.position(tp, timeout)));
        return positions;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}
