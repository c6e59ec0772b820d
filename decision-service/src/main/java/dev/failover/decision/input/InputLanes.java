package dev.failover.decision.input;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One lane per input partition: its records are handled in order and one at a time, each after the one before it is
 * completely handled (its publication acknowledged); lanes do not wait for each other, so a publication that hangs
 * (a partition of failover.decisions without a leader, for the producer's delivery timeout) holds back the records of
 * its own partition only. Plain Java: the Kafka side (acknowledging, pausing the partition) comes in as callbacks.
 * <p>
 * A poll's records of one partition are a segment; the segment's {@code acknowledge} runs once all its records are
 * handled, after those of earlier segments, unless one of them was left alone for the partition's owner: then nothing of
 * the partition is acknowledged past it. A lane longer than {@code highWater} records asks for its partition to be
 * paused (again at each segment that arrives while it is that long), and for it to be resumed once it is down to
 * {@code lowWater}: what a stalled partition holds in memory stays bounded by about the high water mark plus a poll.
 *
 * @param <K> the partition
 * @param <R> a record
 */
public final class InputLanes<K, R> {

    /** What became of one record. */
    public sealed interface Handling {
        /** Handled. */
        record Done() implements Handling {
        }

        /** Handled once {@code completion} completes (it never completes with a failure). */
        record Pending(CompletionStage<Void> completion) implements Handling {
        }

        /** Not this instance's to decide now: nothing of its partition may be acknowledged past it. */
        record LeftAlone() implements Handling {
        }
    }

    public static final Handling DONE = new Handling.Done();
    public static final Handling LEFT_ALONE = new Handling.LeftAlone();

    /** Handles one record; must not throw. */
    @FunctionalInterface
    public interface Handler<K, R> {
        Handling handle(K partition, R record);
    }

    /** Pauses or resumes the consumption of a partition. */
    public interface Flow<K> {
        void pause(K partition);

        void resume(K partition);
    }

    private final Handler<K, R> handler;
    private final Flow<K> flow;
    private final int highWater;
    private final int lowWater;
    private final Map<K, Lane> lanes = new HashMap<>();

    public InputLanes(Handler<K, R> handler, Flow<K> flow, int highWater, int lowWater) {
        if (lowWater < 0 || lowWater >= highWater) {
            throw new IllegalArgumentException("need 0 <= lowWater < highWater, got " + lowWater + " and " + highWater);
        }
        this.handler = handler;
        this.flow = flow;
        this.highWater = highWater;
        this.lowWater = lowWater;
    }

    /**
     * Appends a poll's records of one partition to its lane and returns at once.
     *
     * @param executor    where the records are handled (the consumer's context)
     * @param acknowledge run, on {@code executor}, once every record of the segment is handled, none left alone
     */
    public void append(K partition, List<R> records, Runnable acknowledge, Executor executor) {
        if (records.isEmpty()) {
            return;
        }
        Lane lane;
        boolean start;
        boolean pause;
        synchronized (this) {
            lane = lanes.computeIfAbsent(partition, p -> new Lane(p, executor));
            lane.segments.addLast(new Segment<>(records, acknowledge));
            lane.queued += records.size();
            start = !lane.running;
            lane.running = true;
            pause = lane.queued > highWater;
            lane.paused |= pause;
        }
        if (pause) {
            flow.pause(partition);
        }
        if (start) {
            executor.execute(lane::drain);
        }
    }

    /**
     * Drops what the lanes of these partitions hold and have not started: they were revoked, and their new owner reads
     * the records again from the committed offset. The record being handled finishes; nothing more of its segment is
     * handled or acknowledged.
     */
    public void revoked(Collection<K> partitions) {
        synchronized (this) {
            for (K partition : partitions) {
                Lane lane = lanes.get(partition);
                if (lane != null) {
                    lane.segments.clear();
                    lane.queued = 0;
                    lane.paused = false;
                    lane.generation++;
                }
            }
        }
    }

    /** Records waiting or being handled in the partition's lane. */
    public synchronized int queued(K partition) {
        Lane lane = lanes.get(partition);
        return lane == null ? 0 : lane.queued;
    }

    /** Partitions whose lane asked for a pause and is not yet down to the low water mark. */
    public synchronized List<K> paused() {
        return lanes.values().stream().filter(l -> l.paused).map(l -> l.partition).toList();
    }

    private record Segment<T>(List<T> records, Runnable acknowledge) {
    }

    private final class Lane {
        final K partition;
        final Executor executor;
        final Deque<Segment<R>> segments = new ArrayDeque<>();
        int queued;
        boolean running;
        boolean paused;
        /** Raised by a revocation: a segment started before it stops. */
        long generation;
        int next;
        boolean leftAlone;

        Lane(K partition, Executor executor) {
            this.partition = partition;
            this.executor = executor;
        }

        /** Handles records until one must be waited for or the lane is empty; runs on the executor. */
        void drain() {
            while (true) {
                Segment<R> segment;
                R record;
                long started;
                synchronized (InputLanes.this) {
                    segment = segments.peekFirst();
                    if (segment == null) {
                        running = false;
                        return;
                    }
                    record = segment.records().get(next);
                    started = generation;
                }
                Handling handling = handler.handle(partition, record);
                if (handling instanceof Handling.Pending pending) {
                    pending.completion().whenComplete((ok, failure) -> executor.execute(() -> {
                        handled(segment, started, false);
                        drain();
                    }));
                    return;
                }
                handled(segment, started, handling instanceof Handling.LeftAlone);
            }
        }

        private void handled(Segment<R> segment, long started, boolean alone) {
            boolean acknowledge = false;
            boolean resume = false;
            synchronized (InputLanes.this) {
                if (started != generation || segments.peekFirst() != segment) {
                    next = 0; // revoked meanwhile: the segment was dropped
                    leftAlone = false;
                    return;
                }
                leftAlone |= alone;
                queued--;
                next++;
                if (next == segment.records().size()) {
                    segments.removeFirst();
                    acknowledge = !leftAlone;
                    next = 0;
                    leftAlone = false;
                }
                if (paused && queued <= lowWater) {
                    paused = false;
                    resume = true;
                }
            }
            if (acknowledge) {
                segment.acknowledge().run();
            }
            if (resume) {
                flow.resume(partition);
            }
        }
    }

    /** A flow that does nothing, for callers that cannot pause. */
    public static <K> Flow<K> noFlow() {
        return new Flow<>() {
            @Override
            public void pause(K partition) {
            }

            @Override
            public void resume(K partition) {
            }
        };
    }
}
