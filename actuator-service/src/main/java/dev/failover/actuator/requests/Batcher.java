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
import java.util.function.ToIntFunction;

/**
 * Requests to one API that can go out together, gathered per key (a hosted zone, a change id) while a request of that
 * key is under way: the many groups of a region's failover are written in a few change batches, not one each (issue
 * 54, ADR 0022). A caller blocks until its own request is answered. Whoever finds no request of its key under way sends
 * the next batch itself: it waits for the budget's turn, then sends every request waiting by then, by {@link Priority},
 * up to the batch's capacity, and goes on until its own is answered; then the next waiting caller takes over. Nothing
 * waits for a batch to fill: a lone request goes at its turn, as before batching.
 * <p>
 * The {@link Call} says what became of each request. When it names the requests that made an atomic batch fail
 * ({@link Answer.Refused}), those get their answer and the others go again at once, first in line: one stale group
 * delays the others by one round trip. When it cannot tell ({@link Answer.Unattributed}), each request of the batch goes
 * again alone.
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
         * budget has been taken; a call that makes more than one request waits for the turns of the others.
         */
        Answer<R, O> send(K key, List<R> batch, Priority priority);
    }

    /** Waits for the turn of the next request on the API's budget ({@link RequestBudget#acquire}). */
    @FunctionalInterface
    public interface Turn {
        /** @return whether the turn came; false when the wait was interrupted */
        boolean await(Priority priority);
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
    }

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
        return lanes.computeIfAbsent(key, Lane::new).submit(new Waiting<>(request, priority));
    }

    private static final class Waiting<R, O> {
        final R request;
        final Priority priority;
        /** Refused in a batch it cannot be told apart in: goes in a batch of its own. */
        boolean alone;
        O outcome;
        boolean answered;

        Waiting(R request, Priority priority) {
            this.request = request;
            this.priority = priority;
        }
    }

    /** The requests of one key: those waiting, and whether a batch of them is under way. */
    private final class Lane {
        private final K key;
        private final Deque<Waiting<R, O>> queue = new ArrayDeque<>();
        private boolean sending;

        Lane(K key) {
            this.key = key;
        }

        O submit(Waiting<R, O> mine) {
            synchronized (this) {
                queue.addLast(mine);
                try {
                    while (!mine.answered && sending) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (queue.remove(mine)) {
                        return failed.apply("interrupted before it was sent");
                    }
                    awaitAnswer(mine); // already in a batch under way: its answer comes
                }
                if (mine.answered) {
                    return mine.outcome;
                }
                sending = true;
            }
            try {
                while (true) {
                    Priority first;
                    synchronized (this) {
                        if (mine.answered) {
                            return mine.outcome;
                        }
                        first = queue.stream().map(w -> w.priority).min(Enum::compareTo).orElseThrow();
                    }
                    if (!turn.await(first)) {
                        synchronized (this) {
                            queue.remove(mine); // the one sending goes: nobody sends it, the next caller takes over
                            return failed.apply("interrupted before it was sent");
                        }
                    }
                    List<Waiting<R, O>> batch;
                    synchronized (this) {
                        batch = next(); // all that waited for the turn, as far as the batch carries them
                    }
                    Answer<R, O> answer;
                    try {
                        answer = send(batch);
                    } catch (RuntimeException e) {
                        Map<R, O> each = new LinkedHashMap<>();
                        batch.forEach(w -> each.put(w.request, failed.apply("the call failed: " + e)));
                        answer = new Answer.Each<>(each);
                    }
                    answer(batch, answer);
                }
            } finally {
                synchronized (this) {
                    sending = false;
                    notifyAll(); // a waiting caller takes over, or finds its answer
                }
            }
        }

        /** The next batch: by priority, then arrival; a request refused unattributed alone; up to the capacity. */
        private List<Waiting<R, O>> next() {
            List<Waiting<R, O>> ordered = new ArrayList<>(queue);
            ordered.sort((a, b) -> a.priority.compareTo(b.priority)); // stable: arrival order within a priority
            List<Waiting<R, O>> batch = new ArrayList<>();
            Set<Object> changed = new HashSet<>();
            int load = 0;
            for (Waiting<R, O> w : ordered) {
                int size = Math.max(1, weight.applyAsInt(w.request));
                boolean fits = batch.isEmpty() || (!w.alone && !batch.get(0).alone && load + size <= capacity);
                if (fits && changed.add(exclusive.apply(w.request))) {
                    batch.add(w);
                    load += size;
                }
                if (batch.get(0).alone) {
                    break;
                }
            }
            queue.removeAll(batch);
            return batch;
        }

        private Answer<R, O> send(List<Waiting<R, O>> batch) {
            Priority priority = batch.stream().map(w -> w.priority).min(Enum::compareTo).orElseThrow();
            return call.send(key, batch.stream().map(w -> w.request).toList(), priority);
        }

        private synchronized void answer(List<Waiting<R, O>> batch, Answer<R, O> answer) {
            Map<R, O> outcomes;
            if (answer instanceof Answer.Each<R, O> each) {
                outcomes = each.outcomes();
            } else if (answer instanceof Answer.Refused<R, O> refused) {
                outcomes = refused.offenders();
            } else {
                O outcome = ((Answer.Unattributed<R, O>) answer).outcome();
                outcomes = batch.size() == 1 ? Map.of(batch.get(0).request, outcome) : Map.of();
            }
            List<Waiting<R, O>> again = new ArrayList<>();
            for (Waiting<R, O> w : batch) {
                if (outcomes.containsKey(w.request)) {
                    w.outcome = outcomes.get(w.request);
                    w.answered = true;
                } else if (answer instanceof Answer.Each) {
                    w.outcome = failed.apply("the batch's answer did not name it");
                    w.answered = true;
                } else {
                    w.alone = w.alone || answer instanceof Answer.Unattributed;
                    again.add(w);
                }
            }
            for (int i = again.size() - 1; i >= 0; i--) {
                queue.addFirst(again.get(i)); // first in line again, in their order
            }
            notifyAll();
        }

        /** Waits for an answer that is coming, keeping an interrupt for later. */
        private void awaitAnswer(Waiting<R, O> mine) {
            boolean interrupted = false;
            while (!mine.answered) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
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
