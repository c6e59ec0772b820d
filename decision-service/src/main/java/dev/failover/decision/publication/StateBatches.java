package dev.failover.decision.publication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.failover.contract.signing.RecordSigner;

/**
 * Signs state records in batches (ADR 0029): the records handed in while a batch is being signed go together in the
 * next one, under one Ed25519 signature of their Merkle root, each with its own proof, and are then handed to Kafka in
 * the order they came. There is no timer: the first record handed in while no batch is being made is signed at once,
 * on its caller's thread, which goes on signing what came meanwhile until nothing is left (group commit). So a quiet
 * service signs each record alone, as before, and a region's groups changing at once share one signature per batch:
 * in the region benchmark the state records' signatures were a third of the decision-service's CPU in the window
 * (docs/benchmarks.md, "A region's groups failing over together").
 * <p>
 * A group's records keep their order: one publication runs at a time per group ({@link DecisionPublisher}), and each
 * batch goes to the producer in order before the next is signed. Plain Java: the send comes in as a function.
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

    /** The most records signed together: bounds a batch's proofs (20 hashes) and what one caller signs at a time. */
    static final int MAX_BATCH = 4_096;

    private record Queued(RecordSigner.Entry record, CompletableFuture<Void> acknowledged) {
    }

    private final Signer signer;
    private final Sink sink;
    private final Deque<Queued> queue = new ArrayDeque<>();
    private boolean signing;
    /** Callers gathering records into one batch ({@link #together}): until they are done, records only queue. */
    private int gathering;
    private long batches;
    private long records;

    StateBatches(Signer signer, Sink sink) {
        this.signer = signer;
        this.sink = sink;
    }

    /** Signs the group's record with the batch it falls into and sends it; completes once Kafka acknowledged it. */
    CompletionStage<Void> send(String group, String json) {
        Queued queued = new Queued(new RecordSigner.Entry(group, json), new CompletableFuture<>());
        synchronized (this) {
            queue.addLast(queued);
            if (signing || gathering > 0) {
                return queued.acknowledged(); // the caller signing now, or gathering, takes it with its next batch
            }
            signing = true;
        }
        drain();
        return queued.acknowledged();
    }

    /**
     * Runs {@code work}, whose records (and those others hand in meanwhile) queue instead of being signed one by one,
     * then signs what queued: one thread handing in many records (the state pass over every owned group) would
     * otherwise sign each alone, as nobody else is signing while it hands the next one in.
     */
    void together(Runnable work) {
        synchronized (this) {
            gathering++;
        }
        try {
            work.run();
        } finally {
            boolean drain;
            synchronized (this) {
                gathering--;
                drain = gathering == 0 && !signing && !queue.isEmpty();
                signing |= drain;
            }
            if (drain) {
                drain();
            }
        }
    }

    private void drain() {
        while (true) {
            List<Queued> batch = new ArrayList<>();
            synchronized (this) {
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.removeFirst());
                }
                if (batch.isEmpty() || gathering > 0) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        queue.addFirst(batch.get(i)); // a gatherer signs them with its own when it is done
                    }
                    signing = false;
                    return;
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
