package dev.failover.decision.domain.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;

/**
 * The latest results a tracker counted, oldest first, with the count from before the oldest: the evidence an explanation
 * shows and a replay feeds again (ADR 0011). Kept in primitive arrays, a ring of fixed size per tracker, because there is
 * one per (target, location): as objects (a record, an Instant and boxed numbers each) they took 3.1 KB more per tracker,
 * five times the engine's heap at the benchmark's 50,000 trackers (docs/benchmarks-history-2026-11.md). Adding a result allocates
 * nothing.
 */
final class RecentResults {

    private static final ProbeOutcome[] OUTCOMES = ProbeOutcome.values();
    private static final FailureReason[] REASONS = FailureReason.values();
    private static final byte NONE = -1;

    /** How a result moved the count: not at all (UNKNOWN), as a success, as a failure. */
    enum Counted {
        NOT, SUCCESS, FAILURE
    }

    private static final Counted[] COUNTED = Counted.values();

    private final long[] startSeconds;
    private final int[] startNanos;
    /** -1: no duration. */
    private final int[] durationMillis;
    private final byte[] outcome;
    /** -1: no failure reason. */
    private final byte[] reason;
    private final byte[] counted;
    /** -1: not read from Kafka. */
    private final int[] partition;
    private final long[] offset;
    private int oldest;
    private int size;
    /** The count as it stood before the oldest result kept. */
    private final Hysteresis before = new Hysteresis();

    RecentResults(int capacity) {
        startSeconds = new long[capacity];
        startNanos = new int[capacity];
        durationMillis = new int[capacity];
        outcome = new byte[capacity];
        reason = new byte[capacity];
        counted = new byte[capacity];
        partition = new int[capacity];
        offset = new long[capacity];
    }

    /** Keeps the result; when full, the oldest leaves and the count from before the oldest moves past it. */
    void add(ProbeResult result, Explanation.Position position, Counted how, Thresholds thresholds) {
        int capacity = outcome.length;
        if (size == capacity) {
            Counted leaving = COUNTED[counted[oldest]];
            if (leaving != Counted.NOT) {
                before.count(leaving == Counted.SUCCESS, thresholds);
            }
            oldest = (oldest + 1) % capacity;
            size--;
        }
        int i = (oldest + size) % capacity;
        startSeconds[i] = result.startedAt().getEpochSecond();
        startNanos[i] = result.startedAt().getNano();
        durationMillis[i] = result.durationMillis() == null ? NONE
                : (int) Math.min(Integer.MAX_VALUE, result.durationMillis());
        outcome[i] = (byte) result.outcome().ordinal();
        reason[i] = result.failureReason() == null ? NONE : (byte) result.failureReason().ordinal();
        counted[i] = (byte) how.ordinal();
        partition[i] = position == null ? NONE : position.partition();
        offset[i] = position == null ? NONE : position.offset();
        size++;
    }

    List<Explanation.Result> list() {
        List<Explanation.Result> results = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            int i = (oldest + k) % outcome.length;
            results.add(new Explanation.Result(Instant.ofEpochSecond(startSeconds[i], startNanos[i]),
                    durationMillis[i] == NONE ? null : (long) durationMillis[i], OUTCOMES[outcome[i]],
                    reason[i] == NONE ? null : REASONS[reason[i]], partition[i] == NONE ? null : partition[i],
                    partition[i] == NONE ? null : offset[i]));
        }
        return results;
    }

    /** The verdict and run lengths from before the oldest result kept. */
    Explanation.Counts countsBefore() {
        return before.counts();
    }
}
