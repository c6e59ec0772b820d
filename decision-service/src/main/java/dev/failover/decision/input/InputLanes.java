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
 * One lane per input partition: its records are handled in order, each started once the one before it was handled
 * (the handler returned); up to {@code window} records of a lane may wait for their publication at once, so one
 * group's publication does not hold back the decisions of the groups after it in its partition (a region's thousand
 * groups switching at once were a thousand publications one after the other). Records handled at once (most probe
 * results) do not count against the window while they wait to be retired behind one that waits: counted, a window of
 * 256 was a quarter of a second of one partition's results at 1,000 a second, and every publication slower than that
 * stalled the partition until its results went stale. Lanes do not wait for each other, so a
 * publication that hangs (a partition of failover.decisions without a leader, for the producer's delivery timeout)
 * holds back the records of its own partition only, once its window is full. Plain Java: the Kafka side
 * (acknowledging, pausing the partition) comes in as callbacks.
 * <p>
 * A poll's records of one partition are a segment; the segment's {@code acknowledge} runs once all its records are
 * handled (their publications acknowledged), after those of earlier segments, unless one of them was left alone for the
 * partition's owner: then nothing of the partition is acknowledged past it. A lane longer than {@code highWater}
 * records asks for its partition to be paused (again at each segment that arrives while it is that long), and for it to
 * be resumed once it is down to {@code lowWater}: what a stalled partition holds in memory stays bounded by about the
 * high water mark plus a poll.
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
    private final int window;
    private final Map<K, Lane> lanes = new HashMap<>();

    /** @param window the most records of a lane waiting for their publication at once */
    public InputLanes(Handler<K, R> handler, Flow<K> flow, int highWater, int lowWater, int window) {
        if (lowWater < 0 || lowWater >= highWater) {
            throw new IllegalArgumentException("need 0 <= lowWater < highWater, got " + lowWater + " and " + highWater);
        }
        if (window < 1) {
            throw new IllegalArgumentException("need a window of at least 1, got " + window);
        }
        this.handler = handler;
        this.flow = flow;
        this.highWater = highWater;
        this.lowWater = lowWater;
        this.window = window;
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
     * Drops what the lanes of these partitions hold and have not finished: they were revoked, and their new owner reads
     * the records again from the committed offset. A record being handled finishes; nothing more of its segment is
     * handled or acknowledged.
     */
    public void revoked(Collection<K> partitions) {
        synchronized (this) {
            for (K partition : partitions) {
                Lane lane = lanes.get(partition);
                if (lane != null) {
                    lane.segments.clear();
                    lane.started.clear();
                    lane.waiting = 0;
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

    /** A poll's records of one partition: how many were started, and handled; whether one was left alone. */
    private static final class Segment<T> {
        final List<T> records;
        final Runnable acknowledge;
        int started;
        int handled;
        boolean leftAlone;

        Segment(List<T> records, Runnable acknowledge) {
            this.records = records;
            this.acknowledge = acknowledge;
        }
    }

    /** A started record, until it is handled and every record started before it is too. */
    private static final class Ticket<T> {
        final Segment<T> segment;
        final long generation;
        boolean handled;
        boolean alone;
        /** Its publication has not completed yet. */
        boolean waiting;

        Ticket(Segment<T> segment, long generation) {
            this.segment = segment;
            this.generation = generation;
        }
    }

    private final class Lane {
        final K partition;
        final Executor executor;
        /** Segments not yet wholly handled, oldest first. */
        final Deque<Segment<R>> segments = new ArrayDeque<>();
        /** Records started and not yet retired, in the order they were started. */
        final Deque<Ticket<R>> started = new ArrayDeque<>();
        /** Records started whose publication has not completed: what the window bounds. */
        int waiting;
        int queued;
        boolean running;
        boolean paused;
        /** Raised by a revocation: a record started before it is forgotten when it is handled. */
        long generation;

        Lane(K partition, Executor executor) {
            this.partition = partition;
            this.executor = executor;
        }

        /** Starts records until the window is full or none is left; runs on the executor. */
        void drain() {
            while (true) {
                Ticket<R> ticket;
                R record;
                synchronized (InputLanes.this) {
                    Segment<R> segment = waiting >= window ? null
                            : segments.stream().filter(s -> s.started < s.records.size()).findFirst().orElse(null);
                    if (segment == null) {
                        running = false; // a record's completion starts the lane again
                        return;
                    }
                    record = segment.records.get(segment.started++);
                    ticket = new Ticket<>(segment, generation);
                    started.addLast(ticket);
                }
                Handling handling = handler.handle(partition, record);
                if (handling instanceof Handling.Pending pending) {
                    synchronized (InputLanes.this) {
                        if (ticket.generation == generation) {
                            ticket.waiting = true;
                            waiting++;
                        }
                    }
                    pending.completion().whenComplete((ok, failure) -> executor.execute(() -> handled(ticket, false)));
                } else {
                    handled(ticket, handling instanceof Handling.LeftAlone);
                }
            }
        }

        /** One record handled: retires the records handled from the oldest on, acknowledging finished segments. */
        private void handled(Ticket<R> ticket, boolean alone) {
            List<Segment<R>> acknowledge = new java.util.ArrayList<>();
            boolean resume = false;
            boolean start;
            synchronized (InputLanes.this) {
                if (ticket.generation == generation) { // else revoked meanwhile: its segment was dropped
                    if (ticket.waiting) {
                        ticket.waiting = false;
                        waiting--;
                    }
                    ticket.handled = true;
                    ticket.alone = alone;
                    while (!started.isEmpty() && started.peekFirst().handled) {
                        Ticket<R> done = started.removeFirst();
                        Segment<R> segment = done.segment;
                        segment.leftAlone |= done.alone;
                        segment.handled++;
                        queued--;
                        if (segment.handled == segment.records.size()) {
                            segments.remove(segment);
                            if (!segment.leftAlone) {
                                acknowledge.add(segment);
                            }
                        }
                    }
                    if (paused && queued <= lowWater) {
                        paused = false;
                        resume = true;
                    }
                }
                start = !running;
                running = true;
            }
            acknowledge.forEach(segment -> segment.acknowledge.run());
            if (resume) {
                flow.resume(partition);
            }
            if (start) {
                drain();
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
