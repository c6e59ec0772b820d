package dev.failover.actuator.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Work on decisions kept in order within each partition of failover.decisions and independent across partitions
 * (issue 52, item 4): a decision whose desired state cannot be stored (its partition of failover.actuator-desired
 * leaderless, below min.insync.replicas) or whose partition is still being restored delays the later decisions of its
 * own partition only, which must wait for it (offsets are committed in order), never another partition's.
 * <p>
 * Bounded: while more than {@code bound} pieces of work are outstanding, {@link #submit} hands back the new work's
 * completion instead of a completed stage, so that the consumer stops taking decisions until the backlog shrinks.
 */
final class PartitionLanes {

    private final int bound;
    private final Map<Integer, CompletableFuture<Void>> tails = new HashMap<>();
    private int outstanding;

    PartitionLanes(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be at least 1, was " + bound);
        }
        this.bound = bound;
    }

    /**
     * Runs {@code work} once the work submitted before it for the same partition has completed (normally or not).
     *
     * @return a completed stage while the backlog is within the bound, else the completion of this work: what the caller
     *         waits on before it takes the next decision
     */
    synchronized CompletionStage<Void> submit(int partition, Supplier<CompletionStage<Void>> work) {
        CompletableFuture<Void> previous = tails.getOrDefault(partition, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> done = previous.handle((ignored, failure) -> null)
                .thenCompose(ignored -> safely(work))
                .toCompletableFuture();
        tails.put(partition, done);
        outstanding++;
        done.whenComplete((ignored, failure) -> finished(partition, done));
        return outstanding > bound ? done.handle((ignored, failure) -> null) : CompletableFuture.completedFuture(null);
    }

    /** Pieces of work submitted and not yet completed. */
    synchronized int outstanding() {
        return outstanding;
    }

    private synchronized void finished(int partition, CompletableFuture<Void> done) {
        outstanding--;
        tails.remove(partition, done);
    }

    private static CompletionStage<Void> safely(Supplier<CompletionStage<Void>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
