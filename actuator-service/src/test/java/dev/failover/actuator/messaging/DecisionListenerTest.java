package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.actuator.state.TestDesiredStores;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * A decision's pass does not wait for its desired state to be stored, and it is acknowledged only once stored; a store
 * that cannot finish (the instance stops, or the partition leaves it) leaves the decision unacknowledged — never
 * dead-lettered, never committed — for the partition's next owner.
 */
class DecisionListenerTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Topology TOPOLOGY = TopologyLoader.parse(TestTopology.yaml(List.of(TestTopology.GROUP, "web")),
            "test");
    static final ReconcileSettings RECONCILE = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(1),
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ZERO, () -> 0.0), Duration.ZERO, null);

    /**
     * The real store's class (its producer never connects), whose states, handed over at once as to the producer, are
     * stored when released, or fail while failing.
     */
    static final class HeldStore extends KafkaDesiredStore {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger attempts = new AtomicInteger();
        final List<DesiredState> saved = new CopyOnWriteArrayList<>();
        volatile boolean failing;
        /** When set, only this group's saves wait for the release; the others' are stored at once. */
        volatile String held;

        HeldStore() {
            super(KafkaClientProperties.bootstrap("127.0.0.1:1"), TestDesiredStores.signing(false), outcome -> {
            });
        }

        @Override
        public CompletableFuture<Void> send(DesiredState state) {
            attempts.incrementAndGet();
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("could not store: no broker"));
            }
            if (held != null && !held.equals(state.group())) {
                saved.add(state);
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.runAsync(() -> {
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("not released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while storing", e);
                }
                saved.add(state);
            });
        }
    }

    final HeldStore store = new HeldStore();
    final List<ActuationResult> results = new CopyOnWriteArrayList<>();
    final AtomicBoolean owned = new AtomicBoolean(true);
    final Reconciler reconciler = new Reconciler(TOPOLOGY, Reconcilers.every(new DryRunDnsProvider(Routing.SINGLE),
            TrafficPlans.of(Routing.SINGLE, 100, List.of())),
            Reconcilers.minimal(Scalers.none(), store,
                    results::add, Clock.systemUTC(), RECONCILE));
    final ReconcileLoop loop = new ReconcileLoop(reconciler, 1, RECONCILE.backoff());
    final DecisionListener listener = new DecisionListener(reconciler, loop, store,
            new ActuatorMetrics(new SimpleMeterRegistry()), new ActuatorSettings(TOPOLOGY, null, RECONCILE, null, 1,
                    TestSigningKeys.shared().trustedKeys(), 30, TestDesiredStores.signing(false)),
            new PartitionOwnership() {
                @Override
                public CompletionStage<Boolean> whenRestored(int partition) {
                    return CompletableFuture.completedFuture(true);
                }

                @Override
                public boolean owns(int partition) {
                    return owned.get();
                }
            });
    final List<String> acked = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> nacked = new AtomicReference<>();

    @AfterEach
    void stop() {
        store.release.countDown();
        listener.stop();
        loop.close();
        store.close();
    }

    @Test
    void theSwitchIsWrittenWhileTheDesiredStateIsStoredAndTheDecisionAcknowledgedOnlyOnceStored() {
        Decision decision = decision();
        CompletionStage<Void> taken = listener.onDecision(message(decision, 0, 7L));
        assertThat(taken.toCompletableFuture()).as("the consumer goes on at once").isCompleted();

        await("the DNS switch, while the store is held").atMost(WAIT).until(() -> results.stream()
                .anyMatch(r -> r.step() == ActuationStep.DNS_SWITCH && r.decisionId().equals(decision.decisionId())));
        assertThat(acked).as("acknowledged before stored").isEmpty();

        store.release.countDown();
        await("acknowledged once stored").atMost(WAIT).until(() -> acked.contains(decision.decisionId()));
        assertThat(store.saved).extracting(DesiredState::epoch).containsExactly(decision.epoch());
    }

    /**
     * A decision whose desired state cannot be stored (its partition of failover.actuator-desired leaderless) delays
     * only its own partition. Another group's decision on another partition is switched, stored and acknowledged
     * meanwhile; a later decision of the held partition waits for the held one, so offsets stay in order.
     */
    @Test
    void aPartitionWhoseStoreHangsDelaysOnlyItsOwnDecisions() {
        store.held = TestTopology.GROUP;
        Decision stuck = decision(TestTopology.GROUP, 1L);
        Decision other = decision("web", 1L);
        Decision behind = decision(TestTopology.GROUP, 2L);
        listener.onDecision(message(stuck, 0, 7L));
        await("the held store under way").atMost(WAIT).until(() -> store.attempts.get() > 0);

        listener.onDecision(message(other, 1, 3L));
        listener.onDecision(message(behind, 0, 8L));

        await("the other partition's decision stored and acknowledged").atMost(WAIT)
                .until(() -> acked.contains(other.decisionId()));
        assertThat(results).as("the other group switched").anySatisfy(r -> {
            assertThat(r.decisionId()).isEqualTo(other.decisionId());
            assertThat(r.step()).isEqualTo(ActuationStep.DNS_SWITCH);
        });
        assertThat(acked).as("nothing of the held partition acknowledged").containsExactly(other.decisionId());

        store.release.countDown();
        await("the held partition in order").atMost(WAIT).until(() -> acked.size() == 3);
        assertThat(acked).containsExactly(other.decisionId(), stuck.decisionId(), behind.decisionId());
    }

    /**
     * A region's failover brings hundreds of decisions on each partition within seconds: a later decision of the
     * partition is offered and switched while an earlier one's desired state is still being stored (the stores go on
     * together), and the acknowledgements stay in the partition's order, so the committed offset never passes a
     * decision whose state is not stored.
     */
    @Test
    void aLaterDecisionOfThePartitionIsSwitchedWhileAnEarlierOnesStoreIsUnderWay() {
        store.held = TestTopology.GROUP;
        Decision stuck = decision(TestTopology.GROUP, 1L);
        Decision next = decision("web", 1L);
        listener.onDecision(message(stuck, 0, 7L));
        await("the held store under way").atMost(WAIT).until(() -> store.attempts.get() > 0);

        listener.onDecision(message(next, 0, 8L));

        await("the later decision switched while the earlier one's store is held").atMost(WAIT)
                .until(() -> results.stream().anyMatch(r -> r.step() == ActuationStep.DNS_SWITCH
                        && r.decisionId().equals(next.decisionId())));
        await("the later decision's state stored").atMost(WAIT)
                .until(() -> store.saved.stream().anyMatch(s -> s.group().equals("web")));
        assertThat(acked).as("acknowledged before the earlier decision of the partition is stored").isEmpty();

        store.release.countDown();
        await("both acknowledged").atMost(WAIT).until(() -> acked.size() == 2);
        assertThat(acked).as("in the partition's order").containsExactly(stuck.decisionId(), next.decisionId());
    }

    @Test
    void aStoreInterruptedAtShutdownLeavesTheDecisionUnacknowledgedAndNotDeadLettered() {
        listener.onDecision(message(decision(), 0, 7L));
        await("the store under way").atMost(WAIT).until(() -> store.attempts.get() > 0);

        listener.stop(); // what @PreDestroy does at shutdown

        await("the decision left").atMost(WAIT).until(() -> listener.backlog() == 0);
        assertThat(nacked.get()).as("nacked (dead-lettered, its offset committed)").isNull();
        assertThat(acked).as("acknowledged").isEmpty();
    }

    @Test
    void aStoreThatKeepsFailingStopsOnceThePartitionIsNoLongerOwnedHere() {
        store.failing = true;
        listener.onDecision(message(decision(), 0, 7L));
        await("failed attempts").atMost(WAIT).until(() -> store.attempts.get() >= 2);

        owned.set(false); // a rebalance gave the partition to another instance (or this one finds it lost it)

        await("the decision left").atMost(WAIT).until(() -> listener.backlog() == 0);
        int attempts = store.attempts.get();
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> store.attempts.get() == attempts);
        assertThat(acked).as("acknowledged").isEmpty();
        assertThat(nacked.get()).as("nacked").isNull();
    }

    private static Decision decision() {
        return decision(TestTopology.GROUP, 1L);
    }

    private static Decision decision(String group, long epoch) {
        return new Decision(1, UUID.randomUUID().toString(), group, epoch, DecisionKind.FAILOVER, TestTopology.PRIMARY,
                TestTopology.SECONDARY, "test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    /** The decision as it comes from Kafka: signed by the decision-service's key, at this partition and offset. */
    private Message<String> message(Decision decision, int partition, long offset) {
        String payload = EventCodec.instance().encode(decision);
        ConsumerRecord<String, String> record = new ConsumerRecord<>(Topics.DECISIONS, partition, offset,
                decision.group(), payload);
        Map<String, byte[]> headers = TestSigningKeys.shared().signer().headers(Topics.DECISIONS, decision.group(),
                payload);
        headers.forEach((name, value) -> record.headers().add(name, value));
        return Message.of(payload, Metadata.of(new IncomingKafkaRecordMetadata<>(record, "decisions")))
                .withAck(() -> {
                    acked.add(decision.decisionId());
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(e -> {
                    nacked.set(e);
                    return CompletableFuture.completedFuture(null);
                });
    }
}
