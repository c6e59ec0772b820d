package dev.failover.actuator.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.DesiredStore;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.Verification;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.kafka.TopicToEndReader;

/**
 * Desired states in the compacted topic {@code failover.actuator-desired}, keyed by group (ADR 0006): written with
 * acks=all before a decision's offset is committed, whenever a stepped failback reaches a step and when a DNS change
 * with an id (Route 53's) is written for it; a partition's states are read to their end when it is assigned, before its
 * decisions are consumed.
 * <p>
 * Each state is signed with this actuator's key and restored only when an actuator key signed it (ADR 0009, stored
 * state): one record written through a mistaken ACL must not set a group's desired target or an epoch near
 * {@code Long.MAX_VALUE}. An unsigned one is restored only under failover.state.accept-unsigned (the upgrade from a
 * release that did not sign them) and written again signed at once; no epoch above 2^53 ever is. A tombstone needs no
 * signature: it only forgets (what an operator writes to clear a group), as a new actuator knows nothing.
 */
public class KafkaDesiredStore implements DesiredStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaDesiredStore.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long the producer may try to deliver a state (at least request.timeout.ms + linger.ms, as Kafka requires). A save
     * waits a little longer than that, so that a save reported as failed has failed in the producer too and is not
     * delivered later behind the caller's back: a late record of a lost group is what rolls desired states back.
     */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(25);
    private static final Duration SAVE_MARGIN = Duration.ofSeconds(5);

    private final KafkaClientProperties kafka;
    private final KafkaProducer<String, String> producer;
    private final Duration saveWait;
    private final DesiredStateSigning signing;
    private final Consumer<Verification.Outcome> refused;
    /** How the topic is to be made, while its creation waits for failover.decisions; null once it is there. */
    private TopicSettings topic;

    /**
     * @param signing how states are signed and which are restored (ADR 0009, stored state)
     * @param refused told the outcome of each record not restored for want of a trusted signature (the metric)
     */
    public KafkaDesiredStore(KafkaClientProperties kafka, DesiredStateSigning signing,
            Consumer<Verification.Outcome> refused) {
        this.kafka = kafka;
        this.signing = signing;
        this.refused = refused;
        long delivery = Math.max(DELIVERY_TIMEOUT.toMillis(),
                millis(kafka, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000)
                        + millis(kafka, ProducerConfig.LINGER_MS_CONFIG, 5));
        this.saveWait = Duration.ofMillis(delivery).plus(SAVE_MARGIN);
        this.producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                String.valueOf(delivery))), new StringSerializer(), new StringSerializer());
    }

    private static long millis(KafkaClientProperties kafka, String key, long fallback) {
        Object value = kafka.common().get(key);
        return value == null ? fallback : Long.parseLong(value.toString().trim());
    }

    /**
     * Creates the compacted topic, with the partition count of failover.decisions and {@code replication}, when it is
     * missing, and fetches its metadata into the producer: the first decision's store then does not wait for a metadata
     * round trip. The topic as it is must be fit to keep the state that every irreversible step is fenced by:
     * at least {@code replication} replicas ({@code replicationKey} named otherwise), at least its min.insync.replicas,
     * compacted, and partitioned like failover.decisions, since a group's desired state is restored from the partition
     * number its decisions arrive on. The start stops otherwise, naming the topic and what to change.
     * <p>
     * While failover.decisions does not exist (a first deploy whose actuator starts before any decision-service, which
     * creates it), its partition count is unknown: the topic is then created and checked at the first restore or save,
     * which come only after failover.decisions exists; an unfit topic then fails that restore, which readiness names and
     * retries, instead of stopping the start. Creating it at once with the broker's default count (num.partitions, 1
     * unless set, against 3 decision partitions by default) restored other groups' states until a restart refused the
     * topic.
     */
    public synchronized void ensureTopic(Optional<Short> replication, String replicationKey) {
        this.topic = new TopicSettings(replication, replicationKey);
        if (!ensure()) {
            LOG.infof("%s does not exist yet (a decision-service creates it): %s is created, partitioned like it, when"
                    + " the first partition of it is assigned", Topics.DECISIONS, Topics.ACTUATOR_DESIRED);
        }
    }

    /** Whether the topic is there and fit; false, having created nothing, while failover.decisions is missing. */
    private boolean ensure() {
        try (TopicEnsurer topics = new TopicEnsurer(kafka, TIMEOUT)) {
            Optional<Integer> partitions = topics.partitionCount(Topics.DECISIONS);
            if (partitions.isEmpty()) {
                return false;
            }
            Map<String, Integer> actual = topics.ensure(List.of(new TopicSpec(Topics.ACTUATOR_DESIRED, partitions,
                    topic.replication(), Map.of()).compacted()), topic.replicationKey());
            if (!partitions.get().equals(actual.get(Topics.ACTUATOR_DESIRED))) {
                throw new IllegalStateException(Topics.ACTUATOR_DESIRED + " has " + actual.get(Topics.ACTUATOR_DESIRED)
                        + " partitions, but " + Topics.DECISIONS + " has " + partitions.get()
                        + ": a group's desired state is"
                        + " restored from the partition number its decisions arrive on, so an owner would restore other"
                        + " groups' states and miss its own; recreate " + Topics.ACTUATOR_DESIRED + " with "
                        + partitions.get() + " partitions (kafka-topics.sh --delete, then start an actuator)");
            }
        }
        producer.partitionsFor(Topics.ACTUATOR_DESIRED);
        topic = null;
        return true;
    }

    /** The topic, created now if {@link #ensureTopic} had to wait for failover.decisions; refused while it is missing. */
    private synchronized void topicReady() {
        if (topic != null && !ensure()) {
            throw new IllegalStateException(Topics.DECISIONS + " does not exist, so " + Topics.ACTUATOR_DESIRED
                    + " cannot be created partitioned like it: start a decision-service (it creates it)");
        }
    }

    @Override
    public void save(DesiredState state) {
        try {
            send(state).get(saveWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException stored ? stored
                    : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(failure(state, e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Signs the state and hands it to the producer: the returned stage completes once it is stored durably, or
     * exceptionally once the producer gave it up (after its delivery timeout: a state reported as not stored is not
     * delivered later). States handed over one after another are stored in that order. May block while the producer
     * has no metadata for the topic or no buffer left, as {@link KafkaProducer#send} does.
     */
    public CompletableFuture<Void> send(DesiredState state) {
        topicReady();
        String value = StoredDesiredState.encode(state);
        RecordHeaders headers = new RecordHeaders();
        signing.signer().headers(Topics.ACTUATOR_DESIRED, state.group(), value).forEach(headers::add);
        CompletableFuture<Void> stored = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.ACTUATOR_DESIRED, null, state.group(), value, headers),
                (metadata, e) -> {
                    if (e == null) {
                        stored.complete(null);
                    } else {
                        stored.completeExceptionally(new IllegalStateException(failure(state, e), e));
                    }
                });
        return stored;
    }

    private static String failure(DesiredState state, Exception e) {
        return "could not store the desired state of " + state.group() + " (epoch " + state.epoch() + ") in "
                + Topics.ACTUATOR_DESIRED + ": " + e.getMessage();
    }

    /**
     * The desired state of each group kept in these partitions, read to their end: the highest epoch, and within it the
     * furthest step, whatever the order of the records. A send that timed out on an instance that has since lost the
     * group (a zombie cut off from the brokers) can land after the new owner's higher epoch; taking the last record
     * would roll the group back, and the owner record's newer epoch would then leave it SUPERSEDED for good. A
     * tombstone (what an operator writes to clear a group, ADR 0009) forgets what came before it.
     * <p>
     * When such a late record is the group's last one, the state kept is written again: compaction keeps only the last
     * record of a key, and must not keep the late one.
     */
    public List<DesiredState> load(Collection<Integer> partitions) {
        return loadByPartition(partitions).values().stream().flatMap(List::stream).toList();
    }

    /** As {@link #load}, by partition; every partition asked for is a key (with no state when it holds none). */
    public Map<Integer, List<DesiredState>> loadByPartition(Collection<Integer> partitions) {
        Map<Integer, List<DesiredState>> byPartition = new TreeMap<>();
        partitions.forEach(p -> byPartition.put(p, new ArrayList<>()));
        if (partitions.isEmpty()) {
            return byPartition;
        }
        topicReady();
        Map<String, DesiredState> highest = new LinkedHashMap<>();
        Map<String, DesiredState> last = new HashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        Set<DesiredState> unsigned = new HashSet<>();
        try (TopicToEndReader reader = new TopicToEndReader(kafka, TIMEOUT)) {
            reader.read(Topics.ACTUATOR_DESIRED, partitions, record -> {
                if (record.value() == null) {
                    highest.remove(record.key());
                    last.remove(record.key());
                    return;
                }
                StoredStateTrust.Check check = signing.trust().check(record.topic(), record.key(), record.value(),
                        name -> StreamSupport.stream(record.headers().headers(name).spliterator(), false)
                                .map(Header::value).toList());
                if (!check.restorable()) {
                    refused.accept(check.verification().outcome());
                    LOG.warnf(
                            "skipping a desired state of %s not signed by an actuator key at offset %d of partition %d: %s",
                            record.key(), record.offset(), record.partition(), check.verification().describe());
                    return;
                }
                DesiredState state;
                try {
                    state = StoredDesiredState.decode(record.value());
                } catch (RuntimeException e) {
                    LOG.warnf("skipping an unreadable desired state of %s at offset %d: %s", record.key(),
                            record.offset(),
                            e.getMessage());
                    return;
                }
                var epochProblem = StoredStateTrust.epochProblem(state.epoch());
                if (epochProblem.isPresent()) {
                    LOG.errorf("skipping the desired state of %s at offset %d of partition %d: %s", record.key(),
                            record.offset(), record.partition(), epochProblem.get());
                    return;
                }
                if (check.verdict() == StoredStateTrust.Verdict.ACCEPTED_UNSIGNED) {
                    unsigned.add(state);
                }
                last.put(record.key(), state);
                partitionOf.put(record.key(), record.partition());
                highest.merge(record.key(), state, KafkaDesiredStore::further);
            });
        }
        highest.forEach((key, kept) -> {
            DesiredState lastOne = last.get(key);
            if (unsigned.contains(kept)) {
                LOG.warnf(
                        "desired state of %s (epoch %d, step %d) restored from an unsigned record (%s is set: the upgrade"
                                + " from a release that did not sign them); written again signed",
                        kept.group(), kept.epoch(),
                        kept.step(), StoredStateTrust.ACCEPT_UNSIGNED);
                saveAgain(kept);
            } else if (!kept.equals(lastOne)) {
                LOG.warnf(
                        "desired state of %s: a later record (epoch %d, step %d) is behind epoch %d step %d, which is kept"
                                + " and written again",
                        kept.group(), lastOne.epoch(), lastOne.step(), kept.epoch(), kept.step());
                saveAgain(kept);
            }
        });
        highest.forEach(
                (key, kept) -> byPartition.computeIfAbsent(partitionOf.get(key), p -> new ArrayList<>()).add(kept));
        LOG.infof("desired states read for partitions %s: %d groups", partitions, highest.size());
        return byPartition;
    }

    private void saveAgain(DesiredState kept) {
        try {
            save(kept);
        } catch (RuntimeException e) {
            LOG.warnf("could not write the desired state of %s again (the next restore reads it all the same,"
                    + " until compaction): %s", kept.group(), e.getMessage());
        }
    }

    /**
     * The further of two desired states of a group, {@code b} read after {@code a}: the higher epoch, then the further
     * step; at the same step the later, which holds the change written last (a change id is stored after the write),
     * unless only the earlier holds one: a late duplicate without it must not hide a change that may still be pending.
     */
    static DesiredState further(DesiredState a, DesiredState b) {
        if (a.epoch() != b.epoch()) {
            return a.epoch() > b.epoch() ? a : b;
        }
        if (a.step() != b.step()) {
            return b.step() > a.step() ? b : a;
        }
        return b.anyChangePending() || !a.anyChangePending() ? b : a;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private record TopicSettings(Optional<Short> replication, String replicationKey) {
    }
}
