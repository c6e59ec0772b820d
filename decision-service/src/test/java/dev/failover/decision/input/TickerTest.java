package dev.failover.decision.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.Engines;
import dev.failover.decision.ownership.FixedOwnership;
import dev.failover.decision.publication.GroupPublisher;
import dev.failover.decision.store.StateRecord;
import dev.failover.testkit.topology.TestTopology;
import io.smallrye.mutiny.Uni;

/**
 * The ticker publishes the groups it owns side by side: a group whose publication does not complete (its partition of
 * failover.decisions or failover.decision-state has no leader) holds back no other group, and is not published again
 * while its publication is still running.
 */
class TickerTest {

    static final List<String> GROUPS = List.of("stuck", "g-1", "g-2", "g-3");
    static final String STUCK = "stuck";

    /** A publisher whose publications of {@link #STUCK} never complete; those of other groups complete at once. */
    static final class StuckPublisher implements GroupPublisher {
        final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
        final Set<String> unpublished = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Void> never = new CompletableFuture<>();

        @Override
        public Uni<Void> publish(String group) {
            started.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
            if (group.equals(STUCK)) {
                return Uni.createFrom().completionStage(never);
            }
            unpublished.remove(group);
            return Uni.createFrom().voidItem();
        }

        @Override
        public boolean hasUnpublished(String group) {
            return unpublished.contains(group);
        }

        @Override
        public void recordCommand(String group, StateRecord.CommandResult result) {
            throw new UnsupportedOperationException("the ticker records no command");
        }

        int started(String group) {
            return started.getOrDefault(group, new AtomicInteger()).get();
        }
    }

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));
    final DecisionEngine engine = Engines.minimal(TopologyLoader.parse(TestTopology.yaml(GROUPS), "test"), clock,
            () -> "d-1");
    final StuckPublisher publisher = new StuckPublisher();
    /** Ticks for an instance that owns every group of {@link #GROUPS}, over three partitions. */
    final Ticker ticker = new Ticker(engine, new FixedOwnership(GROUPS, 3), publisher, java.time.Duration.ofSeconds(1));

    @AfterEach
    void release() {
        publisher.never.complete(null);
    }

    @Test
    void aGroupWhoseStatePublicationHangsHoldsBackNoOtherGroup() {
        CompletableFuture.runAsync(ticker::publishStates); // the scheduler's thread
        await("every other group published while the stuck one hangs").atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(GROUPS).allSatisfy(g -> assertThat(publisher.started(g)).as(g).isEqualTo(1)));
    }

    @Test
    void queuedDecisionsOfOtherGroupsGoOutWhileOneGroupsPublicationHangs() {
        publisher.unpublished.addAll(GROUPS);
        CompletableFuture.runAsync(ticker::tick);
        await("the queued decisions of every other group sent").atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(publisher.unpublished).containsExactly(STUCK));
    }

    @Test
    void aGroupStillPublishingIsNotPublishedAgainByTheNextTick() {
        publisher.unpublished.add(STUCK);
        CompletableFuture.runAsync(() -> {
            ticker.tick();
            ticker.tick();
            ticker.publishStates();
        });
        await("the other groups' states published").atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(GROUPS.subList(1, GROUPS.size())).allSatisfy(
                        g -> assertThat(publisher.started(g)).as(g).isEqualTo(1)));
        assertThat(publisher.started(STUCK)).as("publications of the stuck group started").isEqualTo(1);
    }
}
