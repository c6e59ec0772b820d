package dev.failover.decision.publication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.SignedBatches;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.store.ExplanationRecord;
import dev.failover.decision.store.OwnStateRecords;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateRecord;
import dev.failover.kafka.logging.GroupLogContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes a group's decisions, then their explanations, then its state, when it is due: when what it says changed or
 * its heartbeat is due ({@link StateCadence}, {@code failover.state.heartbeat}). Decisions wait in the engine's outbox, where
 * the engine put them in the same critical section that changed the group (ADR 0002); each leaves it once Kafka
 * acknowledged it. The state is
 * published only while the outbox is empty, so the persisted state never runs ahead of what the actuator can see.
 * Decisions that could not be published stay in the outbox, in order, and are sent again before anything else of the
 * group. One publication runs at a time per group: the consumer, the ticker and the drill scheduler can all publish for
 * one group at the same moment, and two publications that both read the outbox before either was acknowledged would
 * send its decisions twice.
 * <p>
 * Explanations (ADR 0011) go out after the decisions they explain, and a failure to publish them does not hold the state
 * back: they are what an operator reads, the state is what keeps traffic right. They are sent again with the group's
 * next publication.
 */
@ApplicationScoped
public class DecisionPublisher implements GroupPublisher {

    private static final Logger LOG = Logger.getLogger(DecisionPublisher.class);
    static final int RECENT_COMMANDS = 20;
    /** How long the state waits for the explanations to be acknowledged before it goes without them. */
    static final Duration EXPLANATION_SEND_LIMIT = Duration.ofSeconds(5);

    /** Signed records (ADR 0009): the key and the signature headers travel in the message's metadata. */
    private final MutinyEmitter<Record<String, String>> state;
    private final MutinyEmitter<Record<String, String>> explanations;
    private final DecisionEngine engine;
    private final DecisionMetrics metrics;
    private final GroupOwnership ownership;
    private final ControlMessageKeys keys;

    private final Map<String, Deque<StateRecord.CommandResult>> commandResults = new ConcurrentHashMap<>();
    /** Per group, the end of the last publication started: the next one starts after it. */
    private final Map<String, CompletionStage<Void>> lastPublication = new ConcurrentHashMap<>();
    /** Groups with a decision published whose explanations are not on their topic yet. */
    private final Set<String> explanationsToPublish = ConcurrentHashMap.newKeySet();
    /** When a state record is due: when what it says changed, or its heartbeat ({@code failover.state.heartbeat}). */
    private final StateCadence cadence;
    private final Clock clock = Clock.systemUTC();
    /** Signs state records together while they come faster than one signature (ADR 0029). */
    private final SignedBatches stateBatches;
    /** The state records written here, which the read view takes back without decoding them. */
    private final OwnStateRecords own;
    /** Where a publication goes on after an acknowledgement (ADR 0030). */
    private final Executor continuations;
    /** Signs decisions together while they come faster than one signature (ADR 0030). */
    private final SignedBatches decisionBatches;

    @Inject
    DecisionPublisher(@Channel("decisions") MutinyEmitter<String> decisions,
            @Channel("decision-state") MutinyEmitter<Record<String, String>> state,
            @Channel("decision-explanations") MutinyEmitter<Record<String, String>> explanations, DecisionEngine engine,
            DecisionMetrics metrics, GroupOwnership ownership, ControlMessageKeys keys, DecisionServiceConfig config,
            OwnStateRecords own) {
        this(decisions, state, explanations, engine, metrics, ownership, keys, own, config.state().heartbeat(),
                config.state().batchSignatures(), SignedBatches.Flusher.thread("state-signer"),
                config.signing().batchDecisions(), SignedBatches.Flusher.thread("decision-signer"),
                publicationThread());
    }

    /**
     * The one thread publications go on on after an acknowledgement. One, not the worker pool: each step takes the
     * engine's lock, and a pool's threads queued for it together kept the input's event loop from it (in the
     * plane-mode window the pool waited 63 s for the lock and the event loop 6 s, and 61,000 results went stale).
     */
    private static Executor publicationThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "publication");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param flusher         the one thread that signs state records, off the input's event loop (ADR 0029)
     * @param decisionFlusher the one thread that signs decisions, off the input's event loop and apart from the state
     *                        records, which a decision never waits behind (ADR 0030)
     * @param continuations   where a publication goes on once Kafka acknowledged a record: never the producer's I/O
     *                        thread that completes the send, which would send nothing else while it encodes the
     *                        group's explanations and state (ADR 0030); one thread, see {@link #publicationThread}
     */
    DecisionPublisher(MutinyEmitter<String> decisions, MutinyEmitter<Record<String, String>> state,
            MutinyEmitter<Record<String, String>> explanations, DecisionEngine engine, DecisionMetrics metrics,
            GroupOwnership ownership, ControlMessageKeys keys, OwnStateRecords own, Duration heartbeat,
            boolean batchSignatures,
            SignedBatches.Flusher flusher, boolean batchDecisions, SignedBatches.Flusher decisionFlusher,
            Executor continuations) {
        this.continuations = continuations;
        this.own = own;
        this.state = state;
        this.explanations = explanations;
        this.engine = engine;
        this.metrics = metrics;
        this.ownership = ownership;
        this.keys = keys;
        this.cadence = new StateCadence(heartbeat);
        this.stateBatches = new SignedBatches(signer(keys, Topics.DECISION_STATE, batchSignatures),
                (group, json, headers) -> state.sendMessage(Message.of(Record.of(group, json)).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withHeaders(kafkaHeaders(headers)).build()))
                        .subscribeAsCompletionStage(),
                flusher, SignedBatches.LINGER);
        // decisions are on the switch's path: signed as they come, without waiting for others (no linger); those that
        // come while a batch is being signed share the next one's signature (ADR 0030)
        this.decisionBatches = new SignedBatches(signer(keys, Topics.DECISIONS, batchDecisions),
                (group, json, headers) -> decisions.sendMessage(Message.of(json).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(group).withHeaders(kafkaHeaders(headers))
                                .build()))
                        .subscribeAsCompletionStage(),
                decisionFlusher, Duration.ZERO);
    }

    /**
     * Signs records of the topic as decisions are signed (ADR 0009): a batch under one signature (ADR 0029), unless
     * pinned to one signature a record for an upgrade from a release whose readers do not know batches.
     */
    private static SignedBatches.Signer signer(ControlMessageKeys keys, String topic, boolean batch) {
        return batch ? records -> keys.batchHeaders(topic, records)
                : records -> records.stream().map(r -> keys.headerMap(topic, r.key(), r.value())).toList();
    }

    private static RecordHeaders kafkaHeaders(Map<String, byte[]> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach(recordHeaders::add);
        return recordHeaders;
    }

    @Override
    public void recordCommand(String group, StateRecord.CommandResult result) {
        Deque<StateRecord.CommandResult> results = commandResults.computeIfAbsent(group, g -> new ArrayDeque<>());
        synchronized (results) {
            results.addFirst(result);
            while (results.size() > RECENT_COMMANDS) {
                results.removeLast();
            }
        }
    }

    @Override
    public Uni<Void> publish(String group) {
        return Uni.createFrom().completionStage(start(group).done());
    }

    @Override
    public Uni<Void> publishDecisions(String group) {
        return Uni.createFrom().completionStage(start(group).decided());
    }

    /**
     * One publication of a group: {@code decided} once its decisions are acknowledged (at once when it has none),
     * {@code done} once its explanations and state followed; both fail when a decision could not be published.
     */
    private record Publication(CompletableFuture<Void> decided, CompletableFuture<Void> done) {
    }

    private Publication start(String group) {
        Publication publication = new Publication(new CompletableFuture<>(), new CompletableFuture<>());
        CompletableFuture<Void> done = publication.done();
        CompletionStage<Void> previous = lastPublication.put(group, done);
        Runnable start = () -> sendOutbox(group, publication.decided()).subscribe().with(ok -> done.complete(null),
                e -> {
                    publication.decided().completeExceptionally(e); // unless its decisions were acknowledged before
                    done.completeExceptionally(e);
                });
        if (previous == null) {
            start.run();
        } else {
            previous.whenComplete((ok, failure) -> start.run()); // a failed one leaves its decisions in the outbox for this one
        }
        done.whenComplete((ok, failure) -> lastPublication.remove(group, done)); // keeps the map to groups publishing now
        return publication;
    }

    /**
     * Sends the group's unpublished decisions, then its explanations and state. {@code decided} completes on Kafka's
     * acknowledgement of the last decision, before the wait for the publication thread: a probe result that switched
     * the group waits for no more (ADR 0030, "A probe result waits for its decision only").
     */
    private Uni<Void> sendOutbox(String group, CompletableFuture<Void> decided) {
        if (!ownership.owns(group)) { // the guard against a zombie: nothing goes out for a group decided elsewhere
            return notDeciding(group);
        }
        List<Decision> toSend = engine.unpublished(group);
        if (toSend.isEmpty()) {
            decided.complete(null);
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Decision decision : toSend) {
            boolean last = decision == toSend.get(toSend.size() - 1);
            // checked again before each: ownership may end while the one before waits for its acknowledgement
            chain = chain.chain(() -> (ownership.owns(group) ? Uni.createFrom().completionStage(() -> decisionBatches
                    .send(group, EventCodec.instance().encode(decision))).invoke(() -> {
                        if (last) {
                            decided.complete(null);
                        }
                    }).emitOn(continuations) : notDeciding(group))
                    .invoke(() -> {
                        engine.published(group, decision.decisionId());
                        explanationsToPublish.add(group);
                        metrics.decided(decision);
                        engine.feedback().observedSwitch(group)
                                .filter(s -> s.decisionId().equals(decision.decisionId()))
                                .flatMap(ObservedSwitch::failureToDecided)
                                .ifPresent(took -> metrics.failureToDecided(group, took));
                        try (GroupLogContext logged = GroupLogContext.decision(group, decision.decisionId(),
                                decision.epoch())) {
                            // how long it waited to be published, last: an operator (and the region benchmark)
                            // tells a decision made late from one published late; the start is what tests read
                            LOG.infof("published decision %s epoch %d: %s %s -> %s by %s (%s), %d ms after it was made",
                                    decision.decisionId(), decision.epoch(), decision.kind(), decision.fromTarget(),
                                    decision.toTarget(), decision.principal(), decision.reason(),
                                    Duration.between(decision.issuedAt(), clock.instant()).toMillis());
                        }
                    }));
        }
        return chain.chain(() -> publishExplanations(group)).chain(() -> publishState(group)).onFailure().invoke(e -> {
            metrics.publishFailed(group);
            try (GroupLogContext logged = GroupLogContext.group(group)) {
                LOG.errorf("could not publish decisions or state of %s, will retry: %s", group, e.getMessage());
            }
        });
    }

    private Uni<Void> notDeciding(String group) {
        return Uni.createFrom().failure(new IllegalStateException("not deciding " + group + " now ("
                + ownership.standing(group) + "); nothing published"));
    }

    /**
     * Drops the group's unpublished decisions and the rest of its state: they were made under an ownership that has
     * ended ({@link DecisionEngine#release}).
     */
    public void discardUnpublished(String group) {
        cadence.forget(group);
        int discarded = engine.handover().release(group);
        if (discarded > 0) {
            LOG.warnf("discarding %d unpublished decisions of %s: this instance no longer decides it", discarded,
                    group);
        }
    }

    @Override
    public boolean hasUnpublished(String group) {
        return engine.hasUnpublished(group);
    }

    private Uni<Void> publishExplanations(String group) {
        if (!explanationsToPublish.remove(group)) {
            return Uni.createFrom().voidItem();
        }
        var json = ExplanationRecord.encodeFitting(group, engine.explanations(group), Instant.now());
        if (json.isEmpty()) {
            LOG.warnf("the explanation of the latest decision of %s is larger than %d bytes: kept in memory only",
                    group,
                    ExplanationRecord.MAX_BYTES);
            return Uni.createFrom().voidItem();
        }
        // bounded: a slow explanation partition must not hold back the state, nor the group's next decisions
        // the limit is on Kafka's answer, not on the wait for the publication thread after it: emitOn comes last
        return explanations.send(Record.of(group, json.get())).ifNoItem().after(EXPLANATION_SEND_LIMIT).fail()
                .onFailure().recoverWithUni(e -> {
                    explanationsToPublish.add(group);
                    metrics.explanationsPublishFailed(group);
                    LOG.warnf("could not publish the explanations of %s, will retry with its next publication: %s",
                            group,
                            e.getMessage() == null ? e.toString() : e.getMessage());
                    return Uni.createFrom().voidItem();
                }).emitOn(continuations);
    }

    private Uni<Void> publishState(String group) {
        var publishable = engine.publishableState(group);
        if (publishable.isEmpty()) {
            return Uni.createFrom().voidItem(); // a decision is still unpublished: never persist a state ahead of it
        }
        Deque<StateRecord.CommandResult> results = commandResults.getOrDefault(group, new ArrayDeque<>());
        List<StateRecord.CommandResult> recent;
        synchronized (results) {
            recent = List.copyOf(results);
        }
        Instant now = clock.instant();
        StateRecord record = new StateRecord(StateRecord.SCHEMA_VERSION, publishable.get().snapshot(),
                publishable.get().view(),
                recent, now);
        StateCadence.Content content = StateCadence.Content.of(record);
        if (!cadence.due(group, content, now)) {
            return Uni.createFrom().voidItem(); // nothing changed since the last record, and its heartbeat is not due
        }
        String json = StateCodec.encode(record);
        own.wrote(group, json, record);
        // signed (a new owner restores only what a trusted key signed), with the batch it falls into
        return Uni.createFrom().completionStage(() -> stateBatches.send(group, json)).emitOn(continuations)
                .invoke(() -> {
                    cadence.published(group, content, now);
                    metrics.statePublished(group);
                });
    }
}
