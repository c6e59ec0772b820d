package dev.failover.system;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When this JVM was held up: a daemon thread sleeps {@code tick} at a time and records each wake-up later than
 * {@code threshold} as an interval in which nothing here ran on time (the machine's CPU taken by others, a GC pause).
 * A backend served from this JVM was late in such an interval, so a probe of it that timed out then says nothing about
 * the prober. Other intervals can be recorded too ({@link #add}), e.g. a backend's answers sent late.
 */
final class HoldUps implements AutoCloseable {

    record Interval(Instant from, Instant to) {
        Duration overlap(Instant start, Instant end) {
            Instant a = from.isAfter(start) ? from : start;
            Instant b = to.isBefore(end) ? to : end;
            return b.isAfter(a) ? Duration.between(a, b) : Duration.ZERO;
        }
    }

    private final List<Interval> intervals = new ArrayList<>();
    private final Thread watcher;

    private HoldUps(Duration tick, Duration threshold) {
        watcher = new Thread(() -> {
            long tickNanos = tick.toNanos();
            while (!Thread.currentThread().isInterrupted()) {
                long before = System.nanoTime();
                Instant wallBefore = Instant.now();
                try {
                    Thread.sleep(tick.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                long late = System.nanoTime() - before - tickNanos;
                if (late > threshold.toNanos()) {
                    add(new Interval(wallBefore.plusNanos(tickNanos), wallBefore.plusNanos(tickNanos + late)));
                }
            }
        }, "hold-ups");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Watches this JVM from now on, every {@code tick}, recording wake-ups later than {@code threshold}. */
    static HoldUps watch(Duration tick, Duration threshold) {
        return new HoldUps(tick, threshold);
    }

    synchronized void add(Interval interval) {
        intervals.add(interval);
    }

    /** How long this JVM was held up between {@code start} and {@code end}: the union of the intervals there. */
    synchronized Duration within(Instant start, Instant end) {
        List<Interval> clipped = intervals.stream().filter(i -> !i.overlap(start, end).isZero())
                .map(i -> new Interval(i.from.isAfter(start) ? i.from : start, i.to.isBefore(end) ? i.to : end))
                .sorted(java.util.Comparator.comparing(Interval::from)).toList();
        Duration total = Duration.ZERO;
        Instant covered = start;
        for (Interval i : clipped) {
            Instant from = i.from.isAfter(covered) ? i.from : covered;
            if (i.to.isAfter(from)) {
                total = total.plus(Duration.between(from, i.to));
                covered = i.to;
            }
        }
        return total;
    }

    synchronized List<Interval> all() {
        return List.copyOf(intervals);
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
