package dev.failover.decision.publication;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.failover.contract.signing.RecordSigner;

/**
 * Signs state records in batches (ADR 0029): the records handed in within {@code linger} of the first go together,
 * under one Ed25519 signature of their Merkle root, each with its own proof, and are then handed to Kafka in the order
 * they came. Signing happens on the flusher's thread, not the caller's: the input's event loop hands a record in and
 * goes on with the next result. Records that come while a batch is being signed go with the next. A quiet service signs
 * each record alone, {@code linger} after it came; a region's groups changing at once share one signature a batch: in
 * the region benchmark the state records' signatures were a third of the decision-service's CPU in the window, and
 * signed one by one on the input's thread they held its results back until they went stale (docs/benchmarks.md, "A
 * region's groups failing over together").
 * <p>
 * A group's records keep their order: one publication runs at a time per group ({@link DecisionPublisher}), and each
 * batch goes to the producer in order before the next is signed. Plain Java: the send and the flusher's clock come in.
 */
final class StateBatches {

    /** Hands one signed record to Kafka; the stage completes once Kafka acknowledged it. */
    @FunctionalInterface
    interface Sink {
        CompletionStage<Void> send(String group, String json, Map<String, byte[]> headers);
    }

    /** Signs one batch: the headers of each record, in order. */
    @FunctionalInterface
    interface Signer {
        List<Map<String, byte[]>> headers(List<RecordSigner.Entry> records);
    }

    /** Runs the flush after a delay, on the flusher's one thread. */
    @FunctionalInterface
    interface Flusher {
        void after(Duration delay, Runnable flush);
    }

    /** The most records signed together: bounds a batch's proofs (12 hashes) and one flush's work. */
    static final int MAX_BATCH = 4_096;
    /** How long the first record of a batch waits for others: a state record is on no decision's path to the actuator. */
    static final Duration LINGER = Duration.ofMillis(20);

    private record Queued(RecordSigner.Entry record, CompletableFuture<Void> acknowledged) {
    }

    private final Signer signer;
    private final Sink sink;
    private final Flusher flusher;
    private final Duration linger;
    private final Deque<Queued> queue = new ArrayDeque<>();
    /** A flush is due or running: records handed in now go with it or the one it leads to. */
    private boolean flushing;
    /** Callers gathering records into one batch ({@link #together}): until they are done, records only queue. */
    private int gathering;
    private long batches;
    private long records;

    StateBatches(Signer signer, Sink sink, Flusher flusher, Duration linger) {
        this.signer = signer;
        this.sink = sink;
        this.flusher = flusher;
        this.linger = linger;
    }

    /** Signs the group's record with the batch it falls into and sends it; completes once Kafka acknowledged it. */
    CompletionStage<Void> send(String group, String json) {
        Queued queued = new Queued(new RecordSigner.Entry(group, json), new CompletableFuture<>());
        boolean schedule;
        synchronized (this) {
            queue.addLast(queued);
            schedule = !flushing && gathering == 0;
            flushing |= schedule;
        }
        if (schedule) {
            flusher.after(linger, this::flush);
        }
        return queued.acknowledged();
    }

    /**
     * Runs {@code work}, whose records (and those others hand in meanwhile) queue until it is done and are then signed
     * together at once: the state pass over every owned group.
     */
    void together(Runnable work) {
        synchronized (this) {
            gathering++;
        }
        try {
            work.run();
        } finally {
            boolean schedule;
            synchronized (this) {
                gathering--;
                schedule = gathering == 0 && !flushing && !queue.isEmpty();
                flushing |= schedule;
            }
            if (schedule) {
                flusher.after(Duration.ZERO, this::flush);
            }
        }
    }

    /** Signs and sends what is queued, batch after batch, until nothing is left. */
    void flush() {
        while (true) {
            List<Queued> batch = new ArrayList<>();
            synchronized (this) {
                if (gathering > 0 || queue.isEmpty()) {
                    flushing = false; // a gatherer schedules the next flush when it is done
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
            } catch (RuntimeException e) {
                batch.forEach(q -> q.acknowledged().completeExceptionally(e));
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                Queued queued = batch.get(i);
                try {
                    sink.send(queued.record().key(), queued.record().value(), headers.get(i)).whenComplete((ok, failure) -> {
                        if (failure == null) {
                            queued.acknowledged().complete(null);
                        } else {
                            queued.acknowledged().completeExceptionally(failure);
                        }
                    });
                } catch (RuntimeException e) {
                    queued.acknowledged().completeExceptionally(e);
                }
            }
        }
    }

    /** Batches signed so far. */
    synchronized long batches() {
        return batches;
    }

    /** Records signed so far. */
    synchronized long records() {
        return records;
    }
}
