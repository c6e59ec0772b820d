package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.messaging.PartitionLanes.Settlement;

/** Taking and settling in order within a partition, independence across partitions, and the backlog bound. */
class PartitionLanesTest {

    final List<String> ran = new ArrayList<>();

    @Test
    void workOfOnePartitionIsTakenInOrderAndOtherPartitionsDoNotWait() {
        PartitionLanes lanes = new PartitionLanes(100);
        CompletableFuture<Settlement> first = new CompletableFuture<>();
        lanes.submit(0, () -> {
            ran.add("p0 first");
            return first;
        });
        lanes.submit(0, taking("p0 second", Settlement.none()));
        lanes.submit(1, taking("p1", Settlement.none()));
        assertThat(ran).as("p0's second waits for its first to be taken; p1 does not").containsExactly("p0 first",
                "p1");
        assertThat(lanes.outstanding()).isEqualTo(2);

        first.completeExceptionally(new IllegalStateException("its restore failed"));
        assertThat(ran).as("a failed piece of work does not stop its lane").containsExactly("p0 first", "p1",
                "p0 second");
        assertThat(lanes.outstanding()).isZero();
    }

    /**
     * The next piece is taken while the one before it is still settling (a decision offered while the one before it
     * is stored), and settled only after it (acknowledgements in the partition's order), even when its own
     * settlement could end first.
     */
    @Test
    void theNextPieceIsTakenBeforeTheOneBeforeItSettlesAndSettlesAfterIt() {
        PartitionLanes lanes = new PartitionLanes(100);
        CompletableFuture<Void> firstStored = new CompletableFuture<>();
        lanes.submit(0, taking("take 1", () -> firstStored.thenRun(() -> ran.add("settle 1"))));
        lanes.submit(0, taking("take 2", () -> {
            ran.add("settle 2");
            return CompletableFuture.completedFuture(null);
        }));
        assertThat(ran).as("taken without waiting for the first's settlement").containsExactly("take 1", "take 2");
        assertThat(lanes.outstanding()).isEqualTo(2);

        firstStored.complete(null);
        assertThat(ran).containsExactly("take 1", "take 2", "settle 1", "settle 2");
        assertThat(lanes.outstanding()).isZero();
    }

    @Test
    void aSettlementThatFailsDoesNotStopTheNextOne() {
        PartitionLanes lanes = new PartitionLanes(100);
        lanes.submit(0,
                taking("take 1", () -> CompletableFuture.failedFuture(new IllegalStateException("ack failed"))));
        lanes.submit(0, taking("take 2", () -> {
            ran.add("settle 2");
            return CompletableFuture.completedFuture(null);
        }));
        assertThat(ran).containsExactly("take 1", "take 2", "settle 2");
        assertThat(lanes.outstanding()).isZero();
    }

    @Test
    void overTheBoundTheCallerWaitsForItsWorkToSettle() {
        PartitionLanes lanes = new PartitionLanes(2);
        CompletableFuture<Void> hung = new CompletableFuture<>();
        Supplier<CompletionStage<Settlement>> held = () -> CompletableFuture.completedFuture(() -> hung);
        assertThat(lanes.submit(0, held).toCompletableFuture()).isCompleted();
        assertThat(lanes.submit(1, held).toCompletableFuture()).isCompleted();
        CompletionStage<Void> third = lanes.submit(2, held);
        assertThat(third.toCompletableFuture()).as("three not settled, bound 2: the consumer waits").isNotCompleted();
        hung.complete(null);
        assertThat(third.toCompletableFuture()).isCompleted();
        assertThat(lanes.submit(3, () -> new CompletableFuture<>()).toCompletableFuture()).isCompleted();
    }

    private Supplier<CompletionStage<Settlement>> taking(String name, Settlement settlement) {
        return () -> {
            ran.add(name);
            return CompletableFuture.completedFuture(settlement);
        };
    }
}
