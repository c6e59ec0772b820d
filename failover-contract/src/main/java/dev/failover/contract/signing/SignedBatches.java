package dev.failover.contract.signing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Signs records of one topic in batches (ADR 0029): the records handed in within {@code linger} of the first go together,
 * under one Ed25519 signature of their Merkle root, each with its own proof, and are then handed to Kafka in the order
 * they came. Signing happens on the flusher's thread, not the caller's: the input's event loop hands a record in and
 * goes on with the next result. Records that come while a batch is being signed go with the next. A quiet service signs
 * each record alone, {@code linger} after it came; a region's groups changing at once (or the state pass over every
 * owned group) share one signature a batch: in
 * the region benchmark the state records' signatures were a third of the decision-service's CPU in the window, and
 * signed one by one on the input's thread they held its results back until they went stale (docs/benchmarks.md, "Plane
 * mode"). The decision-service signs its state records so, an actuator its results.
 * <p>
 * Records keep the order they were handed in: each batch goes to the producer in order before the next is signed.
 * Plain Java: the send and the flusher's clock come in.
 */
public final class SignedBatches {

    /** Hands one signed record to Kafka; the stage completes once Kafka acknowledged it. */
    @FunctionalInterface
    public interface Sink {
        CompletionStage<Void> send(String key, String value, Map<String, byte[]> headers);
    }

    /** Signs one batch: the headers of each record, in order. */
    @FunctionalInterface
    public interface Signer {
        List<Map<String, byte[]>> headers(List<RecordSigner.Entry> records);
    }

    /** Runs the flush after a delay, on the flusher's one thread. */
    @FunctionalInterface
    public interface Flusher {
        void after(Duration delay, Runnable flush);

        /** A flusher of one daemon thread of its own, named {@code name}. */
        static Flusher thread(String name) {
            java.util.concurrent.ScheduledExecutorService thread = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, name);
                        t.setDaemon(true);
                        return t;
                    });
            return (delay, flush) -> thread.schedule(flush, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** The most records signed together: bounds a batch's proofs (12 hashes) and one flush's work. */
    static final int MAX_BATCH = 4_096;
    /**
     * How long the first record of a batch waits for others: a state record is on no decision's path to the actuator,
     * an actuation result on no switch's.
     */
    public static final Duration LINGER = Duration.ofMillis(20);

    private record Queued(RecordSigner.Entry record, CompletableFuture<Void> acknowledged) {
    }

    private final Signer signer;
    private final Sink sink;
    private final Flusher flusher;
    private final Duration linger;
    private final Deque<Queued> queue = new ArrayDeque<>();
    /** A flush is due or running: records handed in now go with it or the one it leads to. */
    private boolean flushing;
    private long batches;
    private long records;

    public SignedBatches(Signer signer, Sink sink, Flusher flusher, Duration linger) {
        this.signer = signer;
        this.sink = sink;
        this.flusher = flusher;
        this.linger = linger;
    }

    /** Signs the record with the batch it falls into and sends it; completes once Kafka acknowledged it. */
    public CompletionStage<Void> send(String key, String value) {
        Queued queued = new Queued(new RecordSigner.Entry(key, value), new CompletableFuture<>());
        boolean schedule;
        synchronized (this) {
            queue.addLast(queued);
            schedule = !flushing;
            flushing |= schedule;
        }
        if (schedule) {
            schedule(linger);
        }
        return queued.acknowledged();
    }

    private void schedule(Duration delay) {
        try {
            flusher.after(delay, this::flush);
        } catch (RuntimeException e) { // the flusher refused (stopping): fail what is queued rather than strand it
            List<Queued> stranded;
            synchronized (this) {
                stranded = new ArrayList<>(queue);
                queue.clear();
                flushing = false;
            }
            stranded.forEach(q -> q.acknowledged().completeExceptionally(e));
        }
    }

    /**
     * Signs and sends what is queued, batch after batch, until nothing is left. Whatever the signer or the sink throws
     * fails the records it was for, never the flush: a flush that stopped half-way would leave {@code flushing} set and
     * every later record queued for good.
     */
    private void flush() {
        while (true) {
            List<Queued> batch = new ArrayList<>();
            synchronized (this) {
                if (queue.isEmpty()) {
                    flushing = false;
                    return;
                }
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.removeFirst());
                }
                batches++;
                records += batch.size();
            }
            List<Map<String, byte[]>> headers;
            try {
                headers = signer.headers(batch.stream().map(Queued::record).toList());
            } catch (Throwable e) {
                batch.forEach(q -> q.acknowledged().completeExceptionally(e));
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                Queued queued = batch.get(i);
                try {
                    sink.send(queued.record().key(), queued.record().value(), headers.get(i))
                            .whenComplete((ok, failure) -> {
                                if (failure == null) {
                                    queued.acknowledged().complete(null);
                                } else {
                                    queued.acknowledged().completeExceptionally(failure);
                                }
                            });
                } catch (Throwable e) {
                    queued.acknowledged().completeExceptionally(e);
                }
            }
        }
    }

    /** Batches signed so far. */
    public synchronized long batches() {
        return batches;
    }

    /** Records signed so far. */
    public synchronized long records() {
        return records;
    }
}
