package dev.failover.decision.ownership;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.contract.time.Backoff;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.ownership.PartitionOwnership.Standing;
import dev.failover.decision.store.StateLoader;
import dev.failover.decision.store.TopicSetup;
import dev.failover.kafka.KeyPartitions;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The rebalance listener of the input consumer (channel decision-inputs), which keeps {@link GroupOwnership}: it
 * follows the partitions of failover.probe-results assigned to this instance, restores their state, and holds the
 * ownership lease (ADR 0002).
 * <p>
 * The restore runs in the rebalance callback, on the consumer's thread, and is retried there until it succeeds: no
 * record of any partition is consumed meanwhile, so none is decided on unrestored state and none is skipped. Readiness
 * names the partition while it waits.
 */
@ApplicationScoped
@Default
@Identifier(AssignedPartitions.NAME)
public class AssignedPartitions implements GroupOwnership, KafkaConsumerRebalanceListener {

    /** The name the channel's {@code consumer-rebalance-listener.name} gives (application.properties). */
    public static final String NAME = "decision-inputs-ownership";
    static final String CHANNEL = "decision-inputs";
    private static final Logger LOG = Logger.getLogger(AssignedPartitions.class);
    /** Kafka's default session timeout, when none is configured. */
    private static final long DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    private static final Duration BEAT = Duration.ofMillis(200);
    private static final Backoff RESTORE_RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15),
            Duration.ofMillis(250), Math::random);

    private final DecisionEngine engine;
    private final StateLoader loader;
    private final TopicSetup topics;
    private final Event<PartitionsRevoked> revocations;
    private final KafkaClientService kafkaClients;
    private final DecisionServiceConfig config;
    private final PartitionOwnership partitions;
    private final HeldPartitions held = new HeldPartitions();
    private ScheduledExecutorService watchdog;
    private volatile boolean stopping;

    @Inject
    AssignedPartitions(DecisionEngine engine, StateLoader loader, TopicSetup topics,
            Event<PartitionsRevoked> revocations, KafkaClientService kafkaClients, DecisionServiceConfig config,
            @ConfigProperty(name = "mp.messaging.incoming." + CHANNEL
                    + ".session.timeout.ms") Optional<Long> channelSessionTimeoutMs,
            @ConfigProperty(name = "kafka.session.timeout.ms") Optional<Long> sessionTimeoutMs) {
        this.engine = engine;
        this.loader = loader;
        this.topics = topics;
        this.revocations = revocations;
        this.kafkaClients = kafkaClients;
        this.config = config;
        long session = channelSessionTimeoutMs.or(() -> sessionTimeoutMs).orElse(DEFAULT_SESSION_TIMEOUT_MS);
        // half the session timeout: the broker cannot have expired this member and handed its partitions on before
        // (ADR 0002), as long as heartbeats are sent more often than that (Kafka's advice is a third)
        this.partitions = new PartitionOwnership(System::nanoTime, Duration.ofMillis(session / 2));
    }

    void startWatchdog(@Observes StartupEvent event) {
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ownership-lease");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(() -> {
            if (partitions.beat()) {
                askForRebalance();
            }
        }, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }

    @Override
    public Standing standing(String group) {
        return partitions.standing(partitionOf(group));
    }

    @Override
    public int partitionOf(String group) {
        return KeyPartitions.partitionOf(group, topics.partitions());
    }

    @Override
    public boolean owns(String group) {
        return standing(group) == Standing.DECIDING;
    }

    @Override
    public List<String> ownedGroups() {
        return engine.groupIds().stream().filter(this::owns).toList();
    }

    @Override
    public List<PartitionOwnership.Unrestored> unrestored() {
        return partitions.unrestored();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        Set<TopicPartition> missed = held.assigned(assigned, consumer.assignment());
        if (!missed.isEmpty()) {
            // the group moved on without this member (HeldPartitions): what it held is revoked now, before anything of
            // the new assignment is restored, as a revoke it had been told of would have
            LOG.warnf("partitions %s were revoked without this instance being told; revoking them now", missed);
            revoke(missed);
        }
        List<Integer> numbers = probeResultPartitions(assigned);
        Set<Integer> continuing = evidenceContinues(consumer, numbers);
        OwnershipTerm term = termOf(consumer);
        partitions.assigned(numbers);
        restoreUntilDone(consumer, numbers, continuing, term);
        catchUp(consumer, numbers);
        partitions.rebalanced();
        LOG.infof("now deciding partitions %s under generation %d; groups %s", numbers, term.generation(),
                ownedGroups());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        held.revoked(revoked);
        revoke(revoked);
    }

    private void revoke(Collection<TopicPartition> revoked) {
        List<Integer> numbers = probeResultPartitions(revoked);
        partitions.revoked(numbers);
        // records queued behind a slow publication are the next owner's to read again, and a decision made here and not
        // yet published must not go out later, after another owner decided the group (PartitionsRevoked)
        revocations.fire(new PartitionsRevoked(revoked,
                engine.groupIds().stream().filter(g -> numbers.contains(partitionOf(g))).toList()));
        LOG.infof("partitions revoked %s", numbers);
    }

    @Override
    public void consumed(int partition, long offset) {
        partitions.consumed(partition, offset);
    }

    /**
     * Results published while the partitions moved here are read before anything is decided on them: each assigned
     * partition whose consumer position is behind its end offset now is CATCHING_UP until it reaches it. When the
     * offsets cannot be had (the broker did not answer in time), the partition is decided from its first record, as
     * before.
     */
    private void catchUp(Consumer<?, ?> consumer, List<Integer> numbers) {
        if (numbers.isEmpty()) {
            return;
        }
        List<TopicPartition> tps = numbers.stream().map(p -> new TopicPartition(Topics.PROBE_RESULTS, p)).toList();
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            for (TopicPartition tp : tps) {
                long end = ends.getOrDefault(tp, 0L);
                long position = consumer.position(tp);
                if (position < end) {
                    partitions.behind(tp.partition(), end);
                    LOG.infof("partition %d: catching up from offset %d to %d before deciding its groups",
                            tp.partition(),
                            position, end);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("partitions %s: their end offsets are not known (%s); deciding from the first record", numbers,
                    e.getMessage());
        }
    }

    /**
     * The assigned partitions whose evidence, counted here before the rebalance revoked them, is still complete: an eager
     * rebalance revokes every partition, also those it hands straight back, and their groups' failure counts must not
     * start again each time (PartitionOwnership#evidenceContinues). None when the positions cannot be had.
     */
    private Set<Integer> evidenceContinues(Consumer<?, ?> consumer, List<Integer> numbers) {
        Set<Integer> continuing = new HashSet<>();
        try {
            for (int p : numbers) {
                if (partitions.evidenceContinues(p, consumer.position(new TopicPartition(Topics.PROBE_RESULTS, p)))) {
                    continuing.add(p);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("partitions %s: their positions are not known (%s); their evidence starts from nothing", numbers,
                    e.getMessage());
            return Set.of();
        }
        return continuing;
    }

    /**
     * The term of this assignment: the consumer group generation it belongs to, and this instance's id. No other member
     * is assigned these partitions in that generation, and no other instance has the id, so epochs minted under it are
     * this instance's alone (OwnershipTerm).
     */
    private OwnershipTerm termOf(Consumer<?, ?> consumer) {
        try {
            return OwnershipTerm.ofGeneration(consumer.groupMetadata().generationId(), config.instanceId());
        } catch (RuntimeException e) {
            LOG.warnf("the consumer group generation is not known (%s): epochs are minted one above the last",
                    e.getMessage());
            return OwnershipTerm.NONE;
        }
    }

    private void restoreUntilDone(Consumer<?, ?> consumer, List<Integer> numbers, Set<Integer> continuing,
            OwnershipTerm term) {
        for (int attempt = 1; !numbers.isEmpty() && !stopping; attempt++) {
            try {
                // from nothing: the highest epoch among the records read wins, never what this instance held before;
                // only the evidence of a partition that came straight back is kept
                List<String> groups = engine.groupIds().stream().filter(g -> numbers.contains(partitionOf(g))).toList();
                groups.forEach(g -> engine.handover().beginRestore(g, continuing.contains(partitionOf(g))));
                loader.restore(numbers);
                if (!termOf(consumer).equals(term)) {
                    // the restore outlasted this member's place in the group (max.poll.interval.ms, the heartbeat thread
                    // left it): another member may decide these groups under a later term, and the restored epoch may
                    // be of that term; acquiring under this one would mint an epoch that collides with the new owner's.
                    // Not restored: the next rebalance revokes them or assigns them again under a new term.
                    LOG.warnf("partitions %s: this member left generation %d while restoring them; not deciding them",
                            numbers, term.generation());
                    return;
                }
                groups.forEach(g -> engine.handover().acquire(g, term));
                numbers.forEach(partitions::restored);
                return;
            } catch (RuntimeException e) {
                numbers.forEach(p -> partitions.restoreFailed(p, e.getMessage()));
                LOG.errorf(
                        "restoring partitions %s failed (attempt %d); their groups are not decided until it succeeds: %s",
                        numbers, attempt, e.getMessage());
                pause(RESTORE_RETRY.after(attempt));
            }
        }
    }

    /**
     * After a lapse the consumer may still believe it owns partitions the group has given to another instance; a
     * rebalance tells it (and restores what it keeps). Kafka would find out by itself when the member was expired, but
     * not when it was not: then only this brings the lease back.
     */
    private void askForRebalance() {
        LOG.warnf(
                "this process stalled longer than the ownership lease; not deciding until the consumer group rebalanced");
        kafkaClients.<String, String>getConsumer(CHANNEL)
                .runOnPollingThread((java.util.function.Consumer<Consumer<String, String>>) c -> c
                        .enforceRebalance("ownership lease lapsed"))
                .subscribe()
                .with(ok -> {
                }, e -> LOG.warnf("could not ask for a rebalance: %s", e.getMessage()));
    }

    private static List<Integer> probeResultPartitions(Collection<TopicPartition> partitions) {
        return partitions.stream().filter(p -> p.topic().equals(Topics.PROBE_RESULTS)).map(TopicPartition::partition)
                .toList();
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to restore partitions again", e);
        }
    }
}
