package dev.failover.actuator.requests;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The turns one account's API gives one instance (ADR 0022): requests are spaced at the current rate, a
 * {@link Priority#SWITCH} request before any {@link Priority#RESYNC} one waiting, each priority first come first served.
 * <p>
 * The account's budget is shared by every instance that calls the API, and no instance knows what the others spend. So
 * the rate adapts as TCP's window does (additive increase, multiplicative decrease): it starts at the account's rate;
 * each {@link #throttled() Throttling} answer halves it, down to {@code floor} (the account's rate over the instances
 * sharing it, what each is owed when all are busy); every second without one it grows back by a tenth of the account's
 * rate. An instance alone in a region's failover so gets the whole account; several busy together settle near their
 * share. A throttled request is retried by its caller; the others keep their turns.
 */
public final class RequestBudget {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final double ceiling;
    private final double floor;
    private final LongSupplier nanoTime;
    private final List<Ticket> waiting = new ArrayList<>();
    private double rate;
    private long nextTurn = Long.MIN_VALUE;
    private long lastGrowth;
    private long lastDecrease = Long.MIN_VALUE;
    private long arrivals;
    /** Turns granted so far, and the turn and head for which a waiter whose turn it was not last woke the others. */
    private long turns;
    private long nudged = -1;
    private Ticket nudgedHead;

    /**
     * @param name     what the budget is for, in messages ("Route 53 in account default")
     * @param ceiling  the account's requests per second, all instances together
     * @param floor    the least this instance keeps to after Throttling: its share when all instances are busy
     * @param nanoTime the monotonic clock ({@code System::nanoTime})
     */
    public RequestBudget(String name, double ceiling, double floor, LongSupplier nanoTime) {
        if (!(ceiling > 0) || !(floor > 0) || floor > ceiling) {
            throw new IllegalArgumentException("a request budget needs 0 < floor <= ceiling, was floor " + floor
                    + " and ceiling " + ceiling + " for " + name);
        }
        this.name = name;
        this.ceiling = ceiling;
        this.floor = floor;
        this.nanoTime = nanoTime;
        this.rate = ceiling;
        this.lastGrowth = nanoTime.getAsLong();
    }

    /** A budget of {@code perSecond} that never adapts (one instance alone on the account, or a test). */
    public static RequestBudget fixed(String name, double perSecond) {
        return new RequestBudget(name, perSecond, perSecond, System::nanoTime);
    }

    /** {@link #acquire(Supplier)} at a priority that does not change while it waits. */
    public boolean acquire(Priority priority) {
        return acquire(() -> priority);
    }

    /**
     * Returns when this request's turn has come. The priority is asked again at each wake-up: a batch's sender waits at
     * the highest priority of the requests waiting to go with it, which rises when a switch joins a batch of resyncs.
     * An interrupt ends the wait at once, the interrupt flag kept, and gives the turn up: the caller must not send the
     * request then. A resync's or a confirmation's request gives its turn up too while requests of higher priority wait
     * ({@link #yields}).
     *
     * @return whether the turn came; false when interrupted, or when the turn was given up
     */
    public boolean acquire(Supplier<Priority> priority) {
        synchronized (this) {
            Ticket ticket = new Ticket(priority, arrivals++);
            waiting.add(ticket);
            if (ticket.priority().get() != Priority.RESYNC) {
                notifyAll(); // a request of lower priority waiting now gives its turn up (yields)
            }
            try {
                while (true) {
                    if (yields(ticket)) {
                        waiting.remove(ticket);
                        notifyAll();
                        return false;
                    }
                    long now = nanoTime.getAsLong();
                    grow(now);
                    boolean due = nextTurn == Long.MIN_VALUE || now - nextTurn >= 0;
                    if (due && head() == ticket) {
                        waiting.remove(ticket);
                        nextTurn = Math.max(now, nextTurn == Long.MIN_VALUE ? now : nextTurn) + interval();
                        turns++;
                        notifyAll(); // the next in line waits for its own turn now
                        return true;
                    }
                    Ticket first = due ? head() : null;
                    if (due && (nudged != turns || nudgedHead != first)) {
                        // the turn is another's, which may be asleep (its priority rose while it waited): wake it, once
                        // per turn and head: two waiters that woke each other at every wake-up kept the monitor from the
                        // one whose turn it was (seen starving a switch for 10 s behind two resyncs)
                        nudged = turns;
                        nudgedHead = first;
                        notifyAll();
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, due ? SECOND : Math.max(nextTurn - now, 1));
                }
            } catch (InterruptedException e) {
                waiting.remove(ticket);
                notifyAll();
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Whether a request gives its turn up: it is a resync's or a confirmation's, and requests of higher priority wait. A
     * group has one pass at a time, on one of a bounded pool of threads: a settled group's resync that waited here
     * through a region's switches held the group's own decision behind it for as long as they came, and the
     * confirmations of the groups switched first held every pass thread while the decisions of the others waited for
     * one (ADR 0022, "Resyncs stand aside while switches wait").
     */
    private boolean yields(Ticket ticket) {
        Priority own = ticket.priority().get();
        return own != Priority.SWITCH && waiting.stream().anyMatch(t -> t.priority().get().compareTo(own) < 0);
    }

    /** The request whose turn is next: the highest priority now, then the longest waiting. */
    private Ticket head() {
        return waiting.stream().min(Comparator.comparing((Ticket t) -> t.priority().get())
                .thenComparingLong(Ticket::arrival)).orElseThrow();
    }

    /**
     * The API answered Throttling: the account is spent, by this instance or others. Halves the rate, to the floor —
     * once a second at most: the answers to the requests already under way when the account ran out are one event, not
     * one each.
     */
    public synchronized void throttled() {
        long now = nanoTime.getAsLong();
        if (lastDecrease != Long.MIN_VALUE && now - lastDecrease < SECOND) {
            return;
        }
        grow(now);
        rate = Math.max(floor, rate / 2);
        lastDecrease = now;
        lastGrowth = now;
    }

    /** Requests per second this instance keeps to now. */
    public synchronized double rate() {
        grow(nanoTime.getAsLong());
        return rate;
    }

    /** Requests waiting for a turn now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Requests waiting for a turn now at a higher priority than {@code priority}: they go before a request of it. */
    public synchronized long waitingBefore(Priority priority) {
        return waiting.stream().filter(t -> t.priority().get().compareTo(priority) < 0).count();
    }

    @Override
    public String toString() {
        return name;
    }

    private long interval() {
        return (long) (SECOND / rate);
    }

    /** A tenth of the ceiling back per whole second since the last throttle or growth. */
    private void grow(long now) {
        if (rate >= ceiling) {
            lastGrowth = now;
            return;
        }
        long seconds = (now - lastGrowth) / SECOND;
        if (seconds > 0) {
            rate = Math.min(ceiling, rate + seconds * ceiling / 10);
            lastGrowth += seconds * SECOND;
        }
    }

    private record Ticket(Supplier<Priority> priority, long arrival) {
    }
}
