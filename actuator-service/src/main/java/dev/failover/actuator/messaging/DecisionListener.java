package dev.failover.actuator.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.domain.reconcile.Offer;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.messaging.PartitionLanes.Settlement;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification;
import dev.failover.kafka.logging.GroupLogContext;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Maps a decision to the group's desired state, once its signature shows that the decision-service made it (ADR 0009;
 * anything else is dead-lettered before it is even parsed) and its partition's desired states are restored here (until
 * then it waits: it must not be acted on, nor stored, before what was stored earlier is known). It is offered to the
 * reconciler; when it is newer, a pass of the group starts at once from the in-memory desired state while the state is
 * stored durably, and the message is acknowledged only once it is stored. Nothing here waits for DNS or capacity, so one
 * group's slow change never holds another group's decision (ADR 0006). Decisions wait for restores only behind those of
 * their own partition, so a partition that cannot be restored delays only its own groups; within a partition the next
 * decision is offered while the ones before it are still being stored, and the acknowledgements keep the partition's
 * order ({@link PartitionLanes}): a region's failover brings hundreds of decisions a partition in a few seconds, and one
 * store and acknowledgement at a time (tens of milliseconds each) held the last of them seconds behind the first.
 * <p>
 * A decision whose desired state cannot be stored (Kafka away) is not acknowledged: it is stored again until it is, and
 * its offset is committed only after. It is never dead-lettered for that: when its partition leaves this instance (a
 * rebalance, or a zombie that finds it lost its partitions) or the instance stops, storing ends and the decision stays
 * uncommitted, for the partition's next owner to consume.
 */
@ApplicationScoped
public class DecisionListener {

    private static final Logger LOG = Logger.getLogger(DecisionListener.class);

    private final Reconciler reconciler;
    private final ReconcileLoop loop;
    private final KafkaDesiredStore store;
    private final ActuatorMetrics metrics;
    private final ActuatorSettings settings;
    private final PartitionOwnership ownership;

    @Inject
    DecisionListener(Reconciler reconciler, ReconcileLoop loop, KafkaDesiredStore store, ActuatorMetrics metrics,
            ActuatorSettings settings, PartitionOwnership ownership) {
        this.reconciler = reconciler;
        this.loop = loop;
        this.store = store;
        this.metrics = metrics;
        this.settings = settings;
        this.ownership = ownership;
    }

    /** How an attempt to store a decision's desired state ended. */
    enum Stored {
        /** Stored durably: the decision is acknowledged. */
        STORED,
        /** Its partition is no longer owned here: left unacknowledged for the next owner. */
        NOT_OWNER,
        /** The instance is stopping: left unacknowledged for the next owner. */
        STOPPING
    }

    /**
     * Decisions not yet stored and acknowledged above which the consumer stops taking more: far more than a regional
     * failover of every group produces, few enough to hold in memory.
     */
    static final int BACKLOG_BOUND = 1000;

    /** Offered and acknowledged in order within a partition; partitions independent. */
    private final PartitionLanes lanes = new PartitionLanes(BACKLOG_BOUND);

    /** Stores not yet ended, to be left when the instance stops. */
    private final Set<CompletableFuture<Stored>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * Hands desired states to the producer off the Kafka polling thread: one hand-over at a time per partition (its
     * lane), so at most one thread per partition owned here, and a partition whose producer blocks (no metadata, no
     * buffer) holds only its own thread. The stores themselves complete in the producer, many at a time.
     */
    private final ExecutorService storing = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread thread = new Thread(r, "desired-state-store-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    /**
     * One decision and one result through the codec at start: the first decision after a start must not pay for
     * loading and linking the JSON classes on the way to its DNS switch.
     */
    void warmUpCodec(@Observes StartupEvent event) {
        EventCodec codec = EventCodec.instance();
        Instant at = Instant.EPOCH;
        Decision decision = codec
                .decode(codec.encode(new Decision(1, "warm-up", "warm-up", 1L, DecisionKind.FAILOVER, "a",
                        "b", "warm-up", List.of(), at, DecisionMode.SHADOW, Decision.AUTOMATION)), Decision.class);
        codec.decode(codec.encode(new ActuationResult(1, decision.group(), decision.decisionId(), decision.epoch(),
                ActuationStep.FENCE, ActuationStatus.SKIPPED, null, "warm-up", at, at, 0L, decision.kind())),
                ActuationResult.class);
    }

    /**
     * Hands the decision to its partition's lane and returns at once (unless the backlog is over its bound), so that the
     * consumer goes on with the other partitions' decisions while this one waits for its partition's restore or store.
     */
    @Incoming("decisions")
    public CompletionStage<Void> onDecision(Message<String> message) {
        int partition = partitionOf(message);
        return lanes.submit(partition, () -> handle(message));
    }

    /** Decisions taken and not yet acknowledged, left or skipped. */
    int backlog() {
        return lanes.outstanding();
    }

    /** Offers the decision (in its partition's order) and returns what is left: its acknowledgement, in order too. */
    private CompletionStage<Settlement> handle(Message<String> message) {
        Verification verification = verify(message);
        if (!verification.isValid()) {
            metrics.decisionRejected(verification.outcome());
            LOG.warnf("refusing a decision not signed by a trusted key: %s", verification.describe());
            // the dead-letter strategy moves it to failover.decisions.dlq with this message as the reason
            return settled(() -> message.nack(new UnverifiedDecisionException(verification)));
        }
        Optional<String> recordType = recordType(message);
        if (recordType.isPresent()) {
            if (recordType.get().equals(ActuatorRetry.RECORD)) {
                return retry(message);
            }
            // a record type of a later release: not a decision, and not one to dead-letter (ADR 0025)
            LOG.warnf("skipping a record of failover.decisions of type '%s', which this release does not know",
                    recordType.get());
            return settled(Settlement.none());
        }
        Decision decision;
        try {
            decision = EventCodec.instance().decode(message.getPayload(), Decision.class);
        } catch (RuntimeException e) {
            // the dead-letter strategy moves it to failover.decisions.dlq with the reason
            return settled(() -> message.nack(e));
        }
        @SuppressWarnings("unchecked")
        IncomingKafkaRecordMetadata<String, String> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow();
        try (GroupLogContext logged = GroupLogContext.decision(decision.group(), decision.decisionId(),
                decision.epoch())) {
            LOG.infof("decision %s epoch %d for %s: %s -> %s, received %d ms after it was written",
                    decision.decisionId(),
                    decision.epoch(), decision.group(), decision.fromTarget(), decision.toTarget(),
                    metrics.decisionReceived(record.getTimestamp()).toMillis());
        }
        int partition = record.getPartition();
        return ownership.whenRestored(partition).thenCompose(restored -> {
            if (!restored) {
                LOG.infof(
                        "decision %s of %s not acted on: partition %d is not owned here (any more); its owner consumes it",
                        decision.decisionId(), decision.group(), partition);
                return settled(Settlement.none());
            }
            return act(message, decision, partition);
        });
    }

    /**
     * Offers the decision; an accepted one's pass starts at once, from the in-memory desired state, while the state is
     * handed to the producer. Taken once handed over (the next decision of the partition is then offered, and its state
     * stored after this one's); settled once stored, by its acknowledgement.
     */
    private CompletionStage<Settlement> act(Message<String> message, Decision decision, int partition) {
        if (!(reconciler.offer(decision) instanceof Offer.Accepted accepted)) {
            return settled(message::ack);
        }
        loop.trigger(decision.group());
        return storeUntilStored(accepted, partition, 1).thenApply(storage -> () -> storage.thenCompose(stored -> {
            if (stored == Stored.STORED) {
                return message.ack();
            }
            LOG.warnf(
                    "decision %s of %s not acknowledged (%s): it stays uncommitted for the next owner of partition %d",
                    decision.decisionId(), decision.group(), stored, partition);
            return CompletableFuture.<Void>completedFuture(null);
        }));
    }

    private static CompletionStage<Settlement> settled(Settlement settlement) {
        return CompletableFuture.completedFuture(settlement);
    }

    /** The record's {@link Topics#RECORD_HEADER}: empty for a decision (which has none), "" for a header without a value. */
    /** The partition of failover.decisions the message came from; -1 for one not from Kafka. */
    private static int partitionOf(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getPartition)
                .orElse(-1);
    }

    private static Optional<String> recordType(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(record -> record.getHeaders().lastHeader(Topics.RECORD_HEADER))
                .map(header -> header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * An operator's retry, signed by the decision-service like a decision and on the group's partition (ADR 0025): the
     * instance that owns the partition hands it to the group's reconciler, whose next pass tries again if the group is
     * BLOCKED and says so in a RECONCILE result either way. Like a decision, it waits for the partition's restore. It
     * is never acknowledged: with the latest-offset commit strategy an acknowledgement commits the partition up to it,
     * past a decision before it that was left unacknowledged for the next owner (a store cut short by a stop); the next
     * decision's acknowledgement commits past the retry, and one read again later is over its maximum age.
     */
    private CompletionStage<Settlement> retry(Message<String> message) {
        ActuatorRetry retry;
        try {
            retry = EventCodec.instance().decode(message.getPayload(), ActuatorRetry.class);
        } catch (RuntimeException e) {
            // the dead-letter strategy moves it to failover.decisions.dlq with the reason
            return settled(() -> message.nack(e));
        }
        int partition = partitionOf(message);
        return ownership.whenRestored(partition).thenApply(restored -> {
            if (!restored) {
                return Settlement.none();
            }
            Reconciler.RetryTaken taken = reconciler.retry(retry);
            metrics.retryReceived(taken);
            try (GroupLogContext logged = GroupLogContext.group(retry.group())) {
                LOG.infof("retry %s of %s asked by %s at %s: %s (%s)", retry.retryId(), retry.group(),
                        retry.principal(),
                        retry.issuedAt(), taken, retry.reason());
            }
            if (taken == Reconciler.RetryTaken.TAKEN) {
                loop.trigger(retry.group());
            }
            return Settlement.none();
        });
    }

    private Verification verify(Message<String> message) {
        @SuppressWarnings("unchecked")
        IncomingKafkaRecordMetadata<String, String> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        if (record == null) {
            return Verification.unsigned(); // not from Kafka: nothing to trust it by
        }
        Headers headers = record.getHeaders();
        return settings.trustedKeys().verify(record.getTopic(), record.getKey(), message.getPayload(),
                name -> StreamSupport.stream(headers.headers(name).spliterator(), false).map(Header::value).toList());
    }

    /** Why a decision was refused, as the dead-letter reason. */
    static final class UnverifiedDecisionException extends RuntimeException {
        UnverifiedDecisionException(Verification verification) {
            super("refused, not signed by a trusted key: " + verification.describe(), null, false, false);
        }
    }

    /**
     * Stores until stored, as long as the partition is owned here: an instance that lost it (a zombie back from a
     * network cut) must not write a desired state the new owner has moved past. The outer stage completes once the
     * state is handed to the producer (or the attempt ended), the inner one once it is stored, given up or left.
     */
    private CompletableFuture<CompletableFuture<Stored>> storeUntilStored(Offer.Accepted accepted, int partition,
            int attempt) {
        if (stopping) {
            return ended(Stored.STOPPING);
        }
        if (!ownership.owns(partition)) {
            return ended(Stored.NOT_OWNER);
        }
        CompletableFuture<CompletableFuture<Void>> handedOver;
        try {
            handedOver = CompletableFuture.supplyAsync(() -> store.send(accepted.desired()), storing);
        } catch (RejectedExecutionException e) {
            return ended(Stored.STOPPING); // shutting down
        }
        return handedOver.handle((sent, failure) -> {
            CompletableFuture<Void> storage = failure == null ? sent : CompletableFuture.failedFuture(failure);
            CompletableFuture<Stored> outcome = storage.handle((ignored, e) -> e).thenCompose(e -> e == null
                    ? CompletableFuture.completedFuture(Stored.STORED)
                    : again(accepted, partition, attempt, e));
            pending.add(outcome);
            outcome.whenComplete((stored, e) -> pending.remove(outcome));
            return outcome;
        });
    }

    /** An attempt that ended before anything was handed to the producer. */
    private static CompletableFuture<CompletableFuture<Stored>> ended(Stored stored) {
        return CompletableFuture.completedFuture(CompletableFuture.completedFuture(stored));
    }

    /** The next attempt after a backoff, unless the instance is stopping. */
    private CompletableFuture<Stored> again(Offer.Accepted accepted, int partition, int attempt, Throwable failure) {
        if (stopping) {
            return CompletableFuture.completedFuture(Stored.STOPPING);
        }
        Duration wait = settings.reconcile().backoff().after(attempt);
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        LOG.errorf("desired state of %s (epoch %d) not stored, trying again in %s: %s", accepted.desired().group(),
                accepted.desired().epoch(), wait, cause.getMessage());
        return CompletableFuture.runAsync(() -> {
        }, CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> storeUntilStored(accepted, partition, attempt + 1))
                .thenCompose(storage -> storage);
    }

    /**
     * Ends storing: the decisions whose states are not stored yet are left unacknowledged (never dead-lettered, never
     * committed) for the partition's next owner.
     */
    @PreDestroy
    void stop() {
        stopping = true;
        storing.shutdownNow();
        pending.forEach(outcome -> outcome.complete(Stored.STOPPING));
    }
}
