package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

/** Order within a partition, independence across partitions, and the backlog bound. */
class PartitionLanesTest {

    @Test
    void workOfOnePartitionRunsInOrderAndOtherPartitionsDoNotWait() {
        PartitionLanes lanes = new PartitionLanes(100);
        List<String> ran = new ArrayList<>();
        CompletableFuture<Void> first = new CompletableFuture<>();
        lanes.submit(0, () -> {
            ran.add("p0 first");
            return first;
        });
        lanes.submit(0, () -> {
            ran.add("p0 second");
            return CompletableFuture.completedFuture(null);
        });
        lanes.submit(1, () -> {
            ran.add("p1");
            return CompletableFuture.completedFuture(null);
        });
        assertThat(ran).as("p0's second waits for its first; p1 does not").containsExactly("p0 first", "p1");
        assertThat(lanes.outstanding()).isEqualTo(2);

        first.completeExceptionally(new IllegalStateException("its store failed"));
        assertThat(ran).as("a failed piece of work does not stop its lane").containsExactly("p0 first", "p1", "p0 second");
        assertThat(lanes.outstanding()).isZero();
    }

    @Test
    void overTheBoundTheCallerWaitsForItsWork() {
        PartitionLanes lanes = new PartitionLanes(2);
        CompletableFuture<Void> hung = new CompletableFuture<>();
        assertThat(lanes.submit(0, () -> hung).toCompletableFuture()).isCompleted();
        assertThat(lanes.submit(1, () -> hung).toCompletableFuture()).isCompleted();
        CompletionStage<Void> third = lanes.submit(2, () -> hung);
        assertThat(third.toCompletableFuture()).as("three outstanding, bound 2: the consumer waits").isNotCompleted();
        hung.complete(null);
        assertThat(third.toCompletableFuture()).isCompleted();
        assertThat(lanes.submit(3, () -> new CompletableFuture<>()).toCompletableFuture()).isCompleted();
    }
}
