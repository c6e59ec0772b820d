package dev.failover.decision.store;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.time.Backoff;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicToEndReader;
import io.quarkus.runtime.StartupEvent;

/**
 * Every instance reads the whole state topic, so any instance can answer reads about any group, and the instance that
 * took an operator's request learns its outcome from the owner's next state record.
 * <p>
 * What it answers is the owner's latest record, never an older one: at start the topic is read to its end once (the
 * instance is not ready before, {@link #notReadToEnd()}), and a record replaces the one held for its group only if it
 * is newer in the group's partition and of an epoch no lower. The consumer of the topic then keeps it current; it reads
 * from the beginning as well, and an old record it hands over again changes nothing. Without the read to the end a
 * restarted instance was ready with the group's first record of the topic and answered with it (the failover it had
 * published minutes before was not in it).
 */
@ApplicationScoped
public class StateDirectory {

    private static final Logger LOG = Logger.getLogger(StateDirectory.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Backoff READ_RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15),
            Duration.ofMillis(250), Math::random);

    /** A group's latest state record and its offset: all records of a group are in one partition. */
    record Held(StateRecord record, long offset) {

        /**
         * Whether {@code newer} replaces this: later in the partition, and ranked no lower (GroupSnapshot#rank: its epoch,
         * then the term of the owner that wrote it), as a restore takes it.
         */
        Held newest(Held newer) {
            return newer.offset() > offset && newer.record().snapshot().rank().compareTo(record.snapshot().rank()) >= 0
                    ? newer : this;
        }
    }

    private final Map<String, Held> latest = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<StateRecord.CommandResult>> waiting = new ConcurrentHashMap<>();
    private volatile String notReadToEnd = "reading " + Topics.DECISION_STATE + " to its end";
    private volatile Thread firstRead;

    private final ControlMessageKeys keys;
    private final DecisionMetrics metrics;
    private final KafkaClientProperties kafka;
    private final TopicSetup topics;

    private final OwnStateRecords own;

    @Inject
    StateDirectory(ControlMessageKeys keys, DecisionMetrics metrics, KafkaClientProperties kafka, TopicSetup topics,
            OwnStateRecords own) {
        this.own = own;
        this.keys = keys;
        this.metrics = metrics;
        this.kafka = kafka;
        this.topics = topics;
    }

    void readToEnd(@Observes StartupEvent event) {
        firstRead = new Thread(this::readToEndUntilDone, "state-directory-first-read");
        firstRead.setDaemon(true);
        firstRead.start();
    }

    @PreDestroy
    void stop() {
        Thread thread = firstRead;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void readToEndUntilDone() {
        for (int attempt = 1; notReadToEnd != null && !Thread.currentThread().isInterrupted(); attempt++) {
            try (TopicToEndReader reader = new TopicToEndReader(kafka, READ_TIMEOUT)) {
                int records = reader.read(Topics.DECISION_STATE,
                        IntStream.range(0, topics.partitions()).boxed().toList(),
                        record -> accept(record, false));
                notReadToEnd = null;
                LOG.infof("read %s to its end: %d records, %d groups", Topics.DECISION_STATE, records, latest.size());
            } catch (RuntimeException e) { // Kafka's errors, the read's time limit, the topic set-up's
                notReadToEnd = "reading " + Topics.DECISION_STATE + " to its end failed " + attempt
                        + " times, retrying; last error: " + e.getMessage();
                LOG.warn(notReadToEnd);
                try {
                    Thread.sleep(READ_RETRY.after(attempt).toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Why this instance cannot answer for the groups yet: it has not read the state topic to its end once. */
    public Optional<String> notReadToEnd() {
        return Optional.ofNullable(notReadToEnd);
    }

    /**
     * Only state records a restore would trust (ADR 0009, stored state): a forged one would otherwise answer reads of
     * groups owned elsewhere and could report a command as applied that no owner applied.
     */
    @Incoming("state-view")
    public void onState(ConsumerRecord<String, String> kafkaRecord) {
        accept(kafkaRecord, true);
    }

    /** @param report whether a rejected record is counted and logged (once: by the consumer, not by the first read) */
    private void accept(ConsumerRecord<String, String> kafkaRecord, boolean report) {
        String payload = kafkaRecord.value();
        if (payload == null) {
            return;
        }
        StoredStateTrust.Check check = keys.checkStored(kafkaRecord.topic(), kafkaRecord.key(), payload,
                kafkaRecord.headers());
        if (!check.restorable()) {
            if (report) {
                metrics.rejected(kafkaRecord.topic(), check.verification().outcome());
                LOG.warnf("ignoring a state record of %s not signed by a trusted key at offset %d of partition %d: %s",
                        kafkaRecord.key(), kafkaRecord.offset(), kafkaRecord.partition(),
                        check.verification().describe());
            }
            return;
        }
        StateRecord record = own.readBack(kafkaRecord.key(), payload).orElse(null); // this process's: not decoded again
        if (record == null) {
            try {
                record = StateCodec.decode(payload);
            } catch (IllegalArgumentException e) {
                if (report) {
                    LOG.warnf("ignoring unreadable state record: %s", e.getMessage());
                }
                return;
            }
        }
        latest.merge(record.snapshot().group(), new Held(record, kafkaRecord.offset()), Held::newest);
        for (StateRecord.CommandResult result : record.recentCommands()) {
            CompletableFuture<StateRecord.CommandResult> future = waiting.remove(result.commandId());
            if (future != null) {
                future.complete(result);
            }
        }
    }

    public Optional<StateRecord> latest(String group) {
        return Optional.ofNullable(latest.get(group)).map(Held::record);
    }

    /** Call before publishing the command, so its result cannot slip past. */
    public CompletableFuture<StateRecord.CommandResult> awaitResult(String commandId) {
        return waiting.computeIfAbsent(commandId, id -> new CompletableFuture<>());
    }

    public void forget(String commandId) {
        waiting.remove(commandId);
    }
}
