package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;

/**
 * A partition's restore is tried again until it succeeds, as long as the partition stays assigned; its decisions wait
 * for it, and what a read brings back is applied only to a partition still assigned by the same assignment.
 */
class PartitionRestoresTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ZERO, () -> 0.0);
    final Map<Integer, List<DesiredState>> applied = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean failing = true;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    static DesiredState state(String group, long epoch) {
        return DesiredState
                .of(new Decision(1, "d-" + group, group, epoch, DecisionKind.FAILOVER, "primary", "secondary", "test",
                        List.of(), Instant.EPOCH, DecisionMode.LIVE, Decision.AUTOMATION));
    }

    /** A read that fails while {@link #failing}, then finds group "g-p" at epoch 3 in each partition p. */
    Map<Integer, List<DesiredState>> read(Set<Integer> partitions) {
        reads.incrementAndGet();
        if (failing) {
            throw new IllegalStateException("no leader for partition " + partitions);
        }
        Map<Integer, List<DesiredState>> states = new TreeMap<>();
        partitions.forEach(p -> states.put(p, List.of(state("g-" + p, 3))));
        return states;
    }

    @Test
    void aFailedRestoreIsTriedAgainUntilItSucceedsAndTheDecisionsWaitForIt() {
        PartitionRestores restores = new PartitionRestores(this::read, applied::put, backoff, scheduler);
        restores.assigned(List.of(1, 2));
        CompletableFuture<Boolean> waiting = restores.whenRestored(1).toCompletableFuture();

        await("a failed attempt named").atMost(WAIT).until(() -> restores.unrestored().stream()
                .anyMatch(u -> u.partition() == 1 && u.failedAttempts() > 0 && u.lastError().contains("no leader")));
        assertThat(restores.owns(1)).as("owns partition 1 before it is restored").isFalse();
        await("more attempts").atMost(WAIT)
                .until(() -> restores.unrestored().stream().allMatch(u -> u.failedAttempts() >= 3));
        assertThat(waiting).as("the waiting decision of partition 1, while the restore fails").isNotDone();
        assertThat(applied).as("states applied while the restore fails").isEmpty();

        failing = false;

        assertThat(waiting).as("the waiting decision of partition 1").succeedsWithin(WAIT).isEqualTo(true);
        assertThat(restores.whenRestored(2).toCompletableFuture()).succeedsWithin(WAIT).isEqualTo(true);
        assertThat(applied).as("states applied, once per partition").containsOnlyKeys(1, 2)
                .containsEntry(1, List.of(state("g-1", 3)));
        assertThat(restores.unrestored()).as("partitions not restored").isEmpty();
        assertThat(restores.owns(1)).isTrue();
        assertThat(restores.whenRestored(3).toCompletableFuture()).as("a partition never assigned here")
                .isCompletedWithValue(false);
    }

    @Test
    void aPartitionRevokedWhileItsRestoreFailsIsNoLongerTriedAndItsDecisionsAreNotActedOn() {
        PartitionRestores restores = new PartitionRestores(this::read, applied::put, backoff, scheduler);
        restores.assigned(List.of(1));
        CompletableFuture<Boolean> waiting = restores.whenRestored(1).toCompletableFuture();
        await().atMost(WAIT).until(() -> reads.get() >= 2);

        restores.revoked(List.of(1));

        assertThat(waiting).as("the waiting decision").isCompletedWithValue(false);
        assertThat(restores.unrestored()).isEmpty();
        int readsAtRevocation = reads.get();
        // the retry scheduled before the revocation finds nothing to read; nothing is scheduled after it
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> reads.get() <= readsAtRevocation + 1);
        assertThat(applied).isEmpty();
    }

    @Test
    void aReadThatEndsAfterItsPartitionWasRevokedAndAssignedAgainIsNotApplied() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PartitionRestores restores = new PartitionRestores(p -> {
            if (reads.incrementAndGet() == 1) {
                reading.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of(1, List.of(state("old", 1)));
            }
            return Map.of(1, List.of(state("new", 2)));
        }, applied::put, backoff, Executors.newScheduledThreadPool(2));
        restores.assigned(List.of(1));
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        restores.revoked(List.of(1));
        restores.assigned(List.of(1)); // the new assignment's read runs on the second thread
        await().atMost(WAIT).until(() -> restores.owns(1));
        release.countDown(); // the first read ends now, for an assignment that is over

        await().during(Duration.ofMillis(200)).atMost(WAIT)
                .until(() -> applied.get(1).equals(List.of(state("new", 2))));
    }
}
