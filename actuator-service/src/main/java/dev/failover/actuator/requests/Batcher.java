package dev.failover.actuator.requests;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Requests to one API that can go out together, gathered per key (a hosted zone, a change id) while a request of that
 * key is under way: the many groups of a region's failover are written in a few change batches, not one each (ADR
 * 0022). A caller blocks until its own request is answered. Whoever finds no request of its key under way sends
 * the next batch itself: it waits for the budget's turn, then sends every request waiting by then, by {@link Priority},
 * up to the batch's capacity, and goes on until its own is answered; then the next waiting caller takes over. Nothing
 * waits for a batch to fill: a lone request goes at its turn, as before batching.
 * <p>
 * The {@link Call} says what became of each request. When it names the requests that made an atomic batch fail
 * ({@link Answer.Refused}), those get their answer and the others go again at once, first in line: one stale group
 * delays the others by one round trip. When it cannot tell ({@link Answer.Unattributed}), each request of the batch goes
 * again alone. When the API asked to slow down before doing anything for them ({@link Answer.Throttled}), they go again
 * together, first in line, at the budget's next turn, up to {@link #THROTTLED_AGAIN} times (ADR 0022, "A throttled
 * request keeps its place").
 *
 * @param <K> what requests must share to go together (a hosted zone)
 * @param <R> a request
 * @param <O> its outcome
 */
public final class Batcher<K, R, O> {

    /** One call of the API for a batch of requests of one key. */
    @FunctionalInterface
    public interface Call<K, R, O> {
        /**
         * Sends {@code batch} (never empty) as one request and says what became of it. The request's turn on the API's
         * budget has been taken; a call that makes more than one request waits for the turns of the others at
         * {@code priority}, which rises when a switch comes to wait for the same key meanwhile.
         */
        Answer<R, O> send(K key, List<R> batch, Supplier<Priority> priority);
    }

    /** Waits for the turn of the next request on the API's budget ({@link RequestBudget#acquire(Supplier)}). */
    @FunctionalInterface
    public interface Turn {
        /**
         * @param priority the batch's priority, asked again while it waits (a switch may join a batch of resyncs)
         * @return whether the turn came; false when the wait was interrupted or the turn given up
         */
        boolean await(Supplier<Priority> priority);
    }

    /** What became of a batch. */
    public sealed interface Answer<R, O> {

        /** Every request of the batch has its outcome (also when the whole batch met one, as a throttle). */
        record Each<R, O>(Map<R, O> outcomes) implements Answer<R, O> {
        }

        /** The batch changed nothing because of {@code offenders}, which have their outcomes; the rest go again. */
        record Refused<R, O>(Map<R, O> offenders) implements Answer<R, O> {
        }

        /** The batch changed nothing for a reason no request is named in; {@code outcome} is a lone request's. */
        record Unattributed<R, O>(O outcome) implements Answer<R, O> {
        }

        /**
         * The call answered some requests and not the others (a shared listing that did not reach them): those go
         * again, each alone, each at its own turn.
         */
        record Partly<R, O>(Map<R, O> answered) implements Answer<R, O> {
        }

        /**
         * The API asked to slow down (Route 53's Throttling) before it did anything for the requests not in
         * {@code answered}: they go again together, first in line, at the budget's next turn, as they were. One that
         * went again {@link #THROTTLED_AGAIN} times already gets {@code givenUp}, for its caller to back off from.
         */
        record Throttled<R, O>(Map<R, O> answered, O givenUp) implements Answer<R, O> {
        }
    }

    /**
     * How many times a throttled request goes again at the budget's next turn before its caller is answered: a throttle
     * at the edge of the account's rate (requests spaced at the rate, their arrival jittered by a busy machine or the
     * network) passes by the next turn; one that lasts (another tool spending the account) is the caller's to back off
     * from. A batch answered as throttled made every group in it back off and start its pass again, reading its record
     * again: 20 throttled requests were 862 throttled passes in a region's failover of 1,000 groups.
     */
    public static final int THROTTLED_AGAIN = 2;

    private final Call<K, R, O> call;
    private final Turn turn;
    private final int capacity;
    private final ToIntFunction<R> weight;
    private final Function<R, Object> exclusive;
    private final Function<String, O> failed;
    private final Map<K, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param turn      the budget's turn, taken before a batch is made up: the requests that arrive meanwhile go too
     * @param capacity  the most weight one batch may carry (Route 53: 1,000 records)
     * @param weight    a request's weight (at least 1; one above capacity goes alone)
     * @param exclusive what two requests of one batch must not share (the record they change)
     * @param failed    the outcome of a request given up before it was sent (its caller was interrupted), or whose
     *                  call failed without an answer for it; the reason is given
     */
    public Batcher(Call<K, R, O> call, Turn turn, int capacity, ToIntFunction<R> weight, Function<R, Object> exclusive,
            Function<String, O> failed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a batch's capacity must be at least 1, was " + capacity);
        }
        this.call = call;
        this.turn = turn;
        this.capacity = capacity;
        this.weight = weight;
        this.exclusive = exclusive;
        this.failed = failed;
    }

    /** Sends {@code request}, with others of its key when they wait too, and returns its outcome. */
    public O submit(K key, R request, Priority priority) {
        // weighed and keyed here, on the caller's thread: a request that cannot be weighed fails its caller only
        Waiting<R, O> waiting = new Waiting<>(request, priority, Math.max(1, weight.applyAsInt(request)),
                exclusive.apply(request));
        while (true) {
            Lane lane = lanes.computeIfAbsent(key, Lane::new);
            if (lane.admit(waiting)) {
                return lane.submit(waiting);
            }
            // the lane was retired (idle, out of the map) after this caller found it: the next one is in the map
        }
    }

    private static final class Waiting<R, O> {
        final R request;
        final Priority priority;
        final int weight;
        final Object changes;
        /** Refused in a batch it cannot be told apart in, or not reached by a shared call: goes in a batch of its own. */
        boolean alone;
        /** How many times it went again after a throttle. */
        int throttled;
        O outcome;
        boolean answered;

        Waiting(R request, Priority priority, int weight, Object changes) {
            this.request = request;
            this.priority = priority;
            this.weight = weight;
            this.changes = changes;
        }
    }

    /**
     * The requests of one key: those waiting, and whether a batch of them is under way. Its monitor guards only its queue
     * and flags; nothing holding it waits for the budget (the budget asks {@link #first()} under its own monitor, so
     * the other order would deadlock).
     */
    private final class Lane {
        private final K key;
        private final Deque<Waiting<R, O>> queue = new ArrayDeque<>();
        private boolean sending;
        /** Idle and out of the map: a caller that found it takes the lane in the map instead. */
        private boolean retired;

        Lane(K key) {
            this.key = key;
        }

        synchronized boolean admit(Waiting<R, O> mine) {
            if (retired) {
                return false;
            }
            queue.addLast(mine);
            return true;
        }

        /** A lane without requests and without a sender leaves the map: a key's lane lives while it has requests. */
        private void retireIfIdle() {
            if (queue.isEmpty() && !sending && !retired) {
                retired = true;
                lanes.remove(key, this);
            }
        }

        O submit(Waiting<R, O> mine) {
            synchronized (this) {
                boolean interrupted = false;
                while (!mine.answered && sending) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                        if (queue.remove(mine)) {
                            Thread.currentThread().interrupt();
                            retireIfIdle();
                            return failed.apply("interrupted before it was sent");
                        }
                        // in a batch under way: it is answered, or queued again when its batch was refused
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (!mine.answered && Thread.currentThread().isInterrupted() && queue.remove(mine)) {
                    // interrupted before it was sent (or while it waited, and then queued again with nobody sending): it
                    // does not become the sender, whose call on an interrupted thread would fail the whole batch; a
                    // caller still waiting takes over
                    retireIfIdle();
                    notifyAll();
                    return failed.apply("interrupted before it was sent");
                }
                if (mine.answered) {
                    retireIfIdle();
                    return mine.outcome;
                }
                sending = true;
            }
            try {
                while (true) {
                    synchronized (this) {
                        if (mine.answered) {
                            return mine.outcome;
                        }
                    }
                    if (!turn.await(this::first)) {
                        synchronized (this) {
                            queue.remove(mine); // the one sending goes: nobody sends it, the next caller takes over
                            return failed.apply("its turn given up before it was sent (interrupted, or a resync"
                                    + " standing aside for requests of higher priority)");
                        }
                    }
                    List<Waiting<R, O>> batch;
                    synchronized (this) {
                        batch = next(); // all that waited for the turn, as far as the batch carries them
                    }
                    Error error = null;
                    try {
                        answer(batch, send(batch));
                    } catch (RuntimeException | Error e) {
                        error = e instanceof Error fatal ? fatal : null;
                        failAll(batch, "the call failed: " + e);
                    }
                    if (error != null) {
                        throw error; // every request of the batch is answered first
                    }
                }
            } finally {
                synchronized (this) {
                    sending = false;
                    retireIfIdle();
                    notifyAll(); // a waiting caller takes over, or finds its answer
                }
            }
        }

        private synchronized void failAll(List<Waiting<R, O>> batch, String why) {
            for (Waiting<R, O> w : batch) {
                if (!w.answered) {
                    queue.remove(w);
                    w.outcome = failed.apply(why);
                    w.answered = true;
                }
            }
            notifyAll();
        }

        /** The highest priority waiting: the batch's, while its sender waits for the turn. */
        private synchronized Priority first() {
            return queue.stream().map(w -> w.priority).min(Enum::compareTo).orElse(Priority.RESYNC);
        }

        /** The next batch: by priority, then arrival; a request refused unattributed alone; up to the capacity. */
        private List<Waiting<R, O>> next() {
            List<Waiting<R, O>> ordered = new ArrayList<>(queue);
            ordered.sort((a, b) -> a.priority.compareTo(b.priority)); // stable: arrival order within a priority
            List<Waiting<R, O>> batch = new ArrayList<>();
            Set<Object> changed = new HashSet<>();
            int load = 0;
            for (Waiting<R, O> w : ordered) {
                boolean fits = batch.isEmpty() || (!w.alone && !batch.get(0).alone && load + w.weight <= capacity);
                if (fits && changed.add(w.changes)) {
                    batch.add(w);
                    load += w.weight;
                }
                if (batch.get(0).alone) {
                    break;
                }
            }
            queue.removeAll(batch);
            return batch;
        }

        private Answer<R, O> send(List<Waiting<R, O>> batch) {
            Priority own = batch.stream().map(w -> w.priority).min(Enum::compareTo).orElseThrow();
            return call.send(key, batch.stream().map(w -> w.request).toList(), () -> {
                Priority waiting = first();
                return waiting.compareTo(own) < 0 ? waiting : own;
            });
        }

        private synchronized void answer(List<Waiting<R, O>> batch, Answer<R, O> answer) {
            Map<R, O> outcomes;
            if (answer == null) {
                outcomes = Map.of();
            } else if (answer instanceof Answer.Each<R, O> each) {
                outcomes = each.outcomes();
            } else if (answer instanceof Answer.Refused<R, O> refused) {
                outcomes = refused.offenders();
            } else if (answer instanceof Answer.Partly<R, O> partly) {
                outcomes = partly.answered();
            } else if (answer instanceof Answer.Throttled<R, O> throttled) {
                outcomes = throttled.answered();
            } else {
                O outcome = ((Answer.Unattributed<R, O>) answer).outcome();
                outcomes = batch.size() == 1 ? Map.of(batch.get(0).request, outcome) : Map.of();
            }
            if (answer == null || (!(answer instanceof Answer.Each) && !(answer instanceof Answer.Throttled)
                    && batch.stream().noneMatch(w -> outcomes.containsKey(w.request))
                    && (batch.size() == 1 || answer instanceof Answer.Refused))) {
                // nothing answered and nothing that sending again would change: a batch of one, or a refusal naming none
                failAll(batch, answer == null ? "the call gave no answer" : "the call answered none of its requests");
                return;
            }
            List<Waiting<R, O>> again = new ArrayList<>();
            for (Waiting<R, O> w : batch) {
                if (outcomes.containsKey(w.request)) {
                    w.outcome = outcomes.get(w.request);
                    w.answered = true;
                } else if (answer instanceof Answer.Each) {
                    w.outcome = failed.apply("the batch's answer did not name it");
                    w.answered = true;
                } else if (answer instanceof Answer.Throttled<R, O> throttled) {
                    if (w.throttled++ < THROTTLED_AGAIN) {
                        again.add(w); // together again, as it went: nothing was done for it
                    } else {
                        w.outcome = throttled.givenUp();
                        w.answered = true;
                    }
                } else {
                    w.alone = w.alone || !(answer instanceof Answer.Refused);
                    again.add(w);
                }
            }
            for (int i = again.size() - 1; i >= 0; i--) {
                queue.addFirst(again.get(i)); // first in line again, in their order
            }
            notifyAll();
        }
    }

    /** Keys with requests waiting or under way now, and how many each; for the metrics and tests. */
    public Map<K, Integer> waiting() {
        Map<K, Integer> out = new LinkedHashMap<>();
        lanes.forEach((k, lane) -> {
            synchronized (lane) {
                if (!lane.queue.isEmpty()) {
                    out.put(k, lane.queue.size());
                }
            }
        });
        return out;
    }
}
