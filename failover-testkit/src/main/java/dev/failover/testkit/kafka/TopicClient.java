package dev.failover.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.failover.contract.signing.RecordSigner;

/** Plain Kafka clients for tests: send raw records and wait for records on a topic. */
public final class TopicClient implements AutoCloseable {

    private final Map<String, Object> clientProperties;
    private final KafkaProducer<String, String> producer;

    /** @param clientProperties address and security settings, e.g. the secured broker's {@code adminProperties()} */
    public TopicClient(Map<String, Object> clientProperties) {
        this.clientProperties = Map.copyOf(clientProperties);
        Map<String, Object> producerProperties = new HashMap<>(clientProperties);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer());
    }

    /** A client of the broker at {@code bootstrapServers}, without security settings. */
    public static TopicClient of(String bootstrapServers) {
        return new TopicClient(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    public void send(String topic, String key, String value) {
        send(topic, key, value, Map.of());
    }

    /** Sends the record signed as the decision-service signs decisions and commands (ADR 0009). */
    public void sendSigned(String topic, String key, String value, RecordSigner signer) {
        send(topic, key, value, signer.headers(topic, key, value));
    }

    public void send(String topic, String key, String value, Map<String, byte[]> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, header) -> record.headers().add(name, header));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send to " + topic, e.getCause());
        }
    }

    /** A consumer that reads the topic from its beginning; close it when done. */
    public Reader reader(String topic) {
        return new Reader(clientProperties, topic);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * Whether a record of failover.decisions is a decision: one that names no other record type in {@link
     * dev.failover.contract.event.Topics#RECORD_HEADER} (an operator's retry does, ADR 0025).
     */
    public static boolean isDecision(ConsumerRecord<String, String> record) {
        return record.headers().lastHeader(dev.failover.contract.event.Topics.RECORD_HEADER) == null;
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads one topic from the beginning and keeps what it has seen. */
    public static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

        Reader(Map<String, Object> clientProperties, String topic) {
            Map<String, Object> properties = new HashMap<>(clientProperties);
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
            properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(topic));
        }

        /** Waits for the first record, in topic order, that matches; fails with what was seen if none comes in time. */
        public ConsumerRecord<String, String> await(Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            int checked = 0;
            while (true) {
                for (; checked < seen.size(); checked++) {
                    if (match.test(seen.get(checked))) {
                        return seen.get(checked);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no matching record within " + timeout + "; saw " + seen.size() + ": "
                            + seen.stream().map(r -> r.key() + "=" + r.value()).toList());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }

        /** Polls once, briefly, and returns every record seen so far in topic order: a condition for Awaitility. */
        public List<ConsumerRecord<String, String>> poll() {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            return List.copyOf(seen);
        }

        /**
         * Reads until this consumer has reached the end of every partition as it was when the call began, and returns
         * every record seen so far in topic order: after a quiet window, "what was published" as a recorded fact rather
         * than whatever one brief poll happened to fetch. Fails if the end is not reached within {@code timeout}.
         */
        public List<ConsumerRecord<String, String>> readToEnd(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = null;
            while (true) {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                Set<TopicPartition> assigned = consumer.assignment();
                if (end == null && !assigned.isEmpty()) {
                    end = consumer.endOffsets(assigned);
                }
                if (end != null
                        && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    return List.copyOf(seen);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "did not read to the end " + end + " within " + timeout + "; saw " + seen.size());
                }
            }
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
