package dev.failover.decision.messaging;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.state.GroupOwnership;
import dev.failover.decision.state.StateCodec;
import dev.failover.decision.state.StateRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes a group's decisions, then its state. The state is published only after Kafka acknowledged the decisions,
 * so the persisted state never runs ahead of what the actuator can see. Decisions that could not be published stay
 * queued, in order, and are sent again before anything else of the group. One publication runs at a time per group:
 * the consumer, the ticker and the drill scheduler can all publish for one group at the same moment, and two
 * publications that both took the queue before either was acknowledged would send its decisions twice.
 */
@ApplicationScoped
public class DecisionPublisher {

    private static final Logger LOG = Logger.getLogger(DecisionPublisher.class);
    static final int RECENT_COMMANDS = 20;

    @Inject
    @Channel("decisions")
    MutinyEmitter<Record<String, String>> decisions;
    @Inject
    @Channel("decision-state")
    MutinyEmitter<Record<String, String>> state;
    @Inject
    DecisionEngine engine;
    @Inject
    DecisionMetrics metrics;
    @Inject
    GroupOwnership ownership;

    private final Map<String, Deque<Decision>> unpublished = new ConcurrentHashMap<>();
    private final Map<String, Deque<StateRecord.CommandResult>> commandResults = new ConcurrentHashMap<>();
    /** Per group, the end of the last publication started: the next one starts after it. */
    private final Map<String, CompletionStage<Void>> lastPublication = new ConcurrentHashMap<>();

    public void recordCommand(String group, StateRecord.CommandResult result) {
        Deque<StateRecord.CommandResult> results = commandResults.computeIfAbsent(group, g -> new ArrayDeque<>());
        synchronized (results) {
            results.addFirst(result);
            while (results.size() > RECENT_COMMANDS) {
                results.removeLast();
            }
        }
    }

    /**
     * Publishes {@code newDecisions} (after any still queued) and then the group's state, once every earlier publication
     * of the group has finished. Starts at once; the returned Uni completes when this publication has.
     */
    public Uni<Void> publish(String group, List<Decision> newDecisions) {
        Deque<Decision> queue = unpublished.computeIfAbsent(group, g -> new ArrayDeque<>());
        synchronized (queue) {
            queue.addAll(newDecisions);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletionStage<Void> previous = lastPublication.put(group, done);
        Runnable start = () -> sendQueued(group, queue).subscribe().with(ok -> done.complete(null), done::completeExceptionally);
        if (previous == null) {
            start.run();
        } else {
            previous.whenComplete((ok, failure) -> start.run()); // a failed one leaves its decisions queued for this one
        }
        done.whenComplete((ok, failure) -> lastPublication.remove(group, done)); // keeps the map to groups publishing now
        return Uni.createFrom().completionStage(done);
    }

    private Uni<Void> sendQueued(String group, Deque<Decision> queue) {
        if (!ownership.owns(group)) { // the guard against a zombie: nothing goes out for a group decided elsewhere
            return Uni.createFrom().failure(new IllegalStateException("not deciding " + group + " now ("
                    + ownership.standing(group) + "); nothing published"));
        }
        List<Decision> toSend;
        synchronized (queue) {
            toSend = new ArrayList<>(queue);
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Decision decision : toSend) {
            chain = chain.chain(() -> decisions.send(Record.of(group, EventCodec.instance().encode(decision)))
                    .invoke(() -> {
                        synchronized (queue) {
                            queue.remove(decision);
                        }
                        metrics.decided(decision);
                        LOG.infof("published decision %s epoch %d: %s %s -> %s by %s (%s)", decision.decisionId(),
                                decision.epoch(), decision.kind(), decision.fromTarget(), decision.toTarget(),
                                decision.principal(), decision.reason());
                    }));
        }
        return chain.chain(() -> publishState(group)).onFailure().invoke(e -> {
            metrics.publishFailed(group);
            LOG.errorf("could not publish decisions or state of %s, will retry: %s", group, e.getMessage());
        });
    }

    /** Drops the group's queued decisions: they were made under an ownership that has ended. */
    public void discardUnpublished(String group) {
        Deque<Decision> queue = unpublished.get(group);
        if (queue != null) {
            synchronized (queue) {
                if (!queue.isEmpty()) {
                    LOG.warnf("discarding %d unpublished decisions of %s: this instance no longer decides it", queue.size(), group);
                    queue.clear();
                }
            }
        }
    }

    public boolean hasUnpublished(String group) {
        Deque<Decision> queue = unpublished.get(group);
        return queue != null && !queue.isEmpty();
    }

    private Uni<Void> publishState(String group) {
        Deque<Decision> queue = unpublished.get(group);
        if (queue != null && !queue.isEmpty()) {
            return Uni.createFrom().voidItem(); // never persist a state ahead of unpublished decisions
        }
        var snapshot = engine.snapshot(group);
        var view = engine.view(group);
        if (snapshot.isEmpty() || view.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Deque<StateRecord.CommandResult> results = commandResults.getOrDefault(group, new ArrayDeque<>());
        List<StateRecord.CommandResult> recent;
        synchronized (results) {
            recent = List.copyOf(results);
        }
        StateRecord record = new StateRecord(StateRecord.SCHEMA_VERSION, snapshot.get(), view.get(), recent, Instant.now());
        return state.send(Record.of(group, StateCodec.encode(record)));
    }
}
