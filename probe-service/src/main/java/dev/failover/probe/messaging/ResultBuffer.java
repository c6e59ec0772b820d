package dev.failover.probe.messaging;

import java.util.ArrayDeque;
import java.util.Deque;

import dev.failover.contract.event.ProbeResult;

/**
 * Results waiting for Kafka, bounded. When full the oldest is dropped: a stale result is worthless, and memory must
 * not grow while Kafka is away.
 */
final class ResultBuffer {

    private final int capacity;
    private final Deque<ProbeResult> queue = new ArrayDeque<>();

    ResultBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** @return the result dropped to make room, or null */
    synchronized ProbeResult offer(ProbeResult result) {
        ProbeResult dropped = null;
        if (queue.size() >= capacity) {
            dropped = queue.pollFirst();
        }
        queue.addLast(result);
        return dropped;
    }

    synchronized ProbeResult poll() {
        return queue.pollFirst();
    }

    synchronized int size() {
        return queue.size();
    }
}
