package dev.failover.actuator.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Work on decisions kept in order within each partition of failover.decisions and independent across partitions: a
 * decision whose desired state cannot be stored (its partition of failover.actuator-desired leaderless) or whose
 * partition is still being restored delays the later decisions of its own partition only, never another partition's.
 * <p>
 * A piece of work goes in two steps, each in the partition's order: it is <em>taken</em> once the piece before it was
 * taken, and <em>settled</em> once the piece before it was settled and itself taken. Taking a decision offers it and
 * hands its desired state to the producer; settling waits for the store and acknowledges it. So a region's burst of
 * decisions on one partition is switched and stored together, while the acknowledgements — with the latest-offset
 * commit strategy, each commits its partition up to it — keep the order, and a committed offset never passes a decision
 * whose state is not stored.
 * <p>
 * Bounded: while more than {@code bound} pieces of work are not settled, {@link #submit} hands back the new work's
 * settlement instead of a completed stage, so that the consumer stops taking decisions until the backlog shrinks.
 */
final class PartitionLanes {

    /** What is left of a piece of work once taken: its settlement, started in the partition's order. */
    @FunctionalInterface
    interface Settlement {
        CompletionStage<Void> settle();

        /** Nothing left to do. */
        static Settlement none() {
            return () -> CompletableFuture.completedFuture(null);
        }
    }

    private final int bound;
    private final Map<Integer, CompletableFuture<Void>> taken = new HashMap<>();
    private final Map<Integer, CompletableFuture<Void>> settled = new HashMap<>();
    private int outstanding;

    PartitionLanes(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be at least 1, was " + bound);
        }
        this.bound = bound;
    }

    /**
     * Takes {@code work} once the work submitted before it for the same partition was taken, and settles it once that
     * work was settled (either normally or not: a failed piece stops neither step of its lane).
     *
     * @return a completed stage while the backlog is within the bound, else this work's settlement: what the caller
     *         waits on before it takes the next decision
     */
    synchronized CompletionStage<Void> submit(int partition, Supplier<CompletionStage<Settlement>> work) {
        CompletableFuture<Settlement> took = after(taken, partition).thenCompose(ignored -> safely(work));
        CompletableFuture<Void> tookAny = took.handle((ignored, failure) -> null);
        taken.put(partition, tookAny);
        tookAny.whenComplete((ignored, failure) -> forget(taken, partition, tookAny));

        CompletableFuture<Void> done = after(settled, partition).thenCompose(ignored -> took)
                .thenCompose(PartitionLanes::settle);
        CompletableFuture<Void> doneAny = done.handle((ignored, failure) -> null);
        settled.put(partition, doneAny);
        outstanding++;
        doneAny.whenComplete((ignored, failure) -> finished(partition, doneAny));
        return outstanding > bound ? doneAny : CompletableFuture.completedFuture(null);
    }

    /** Pieces of work submitted and not yet settled. */
    synchronized int outstanding() {
        return outstanding;
    }

    private static CompletableFuture<Void> after(Map<Integer, CompletableFuture<Void>> tails, int partition) {
        return tails.getOrDefault(partition, CompletableFuture.completedFuture(null));
    }

    private synchronized void forget(Map<Integer, CompletableFuture<Void>> tails, int partition,
            CompletableFuture<Void> tail) {
        tails.remove(partition, tail);
    }

    private synchronized void finished(int partition, CompletableFuture<Void> tail) {
        outstanding--;
        settled.remove(partition, tail);
    }

    private static CompletionStage<Settlement> safely(Supplier<CompletionStage<Settlement>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletionStage<Void> settle(Settlement settlement) {
        try {
            return settlement.settle();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
