package dev.failover.probe.scheduling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.failover.probe.domain.LoopLag;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * Watches every Vert.x event loop with a task that reschedules itself every {@code period}: how much later than due it
 * ran is how long that loop was held up (by CPU starvation, a pause or too much work). The worst hold-up is kept per
 * slot of {@value #SLOT_MILLIS} ms for the last minute, so a probe can ask what happened while it ran; a loop that has
 * not run its task for longer than the period counts as held up right now.
 */
final class EventLoopWatch implements LoopLag, AutoCloseable {

    private static final long SLOT_MILLIS = 100;
    private static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(SLOT_MILLIS);
    private static final int SLOTS = 600;

    private final long periodNanos;
    private final AtomicLongArray worstInSlot = new AtomicLongArray(SLOTS);
    private final AtomicLongArray slotOf = new AtomicLongArray(SLOTS);
    private final List<AtomicLong> lastRun = new ArrayList<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    EventLoopWatch(Vertx vertx, Duration period) {
        this.periodNanos = period.toNanos();
        for (EventExecutor loop : ((VertxInternal) vertx).getEventLoopGroup()) {
            AtomicLong last = new AtomicLong(System.nanoTime());
            lastRun.add(last);
            tasks.add(loop.scheduleWithFixedDelay(() -> {
                long now = System.nanoTime();
                record(now, now - last.getAndSet(now) - periodNanos);
            }, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
        }
    }

    private void record(long now, long lagNanos) {
        long slot = now / SLOT_NANOS;
        int i = (int) Math.floorMod(slot, (long) SLOTS);
        if (slotOf.getAndSet(i, slot) != slot) {
            worstInSlot.set(i, lagNanos); // a slot from a minute ago: start it afresh (a racing sample may be lost)
        } else {
            worstInSlot.accumulateAndGet(i, lagNanos, Math::max);
        }
    }

    @Override
    public Duration worstBetween(long fromNanos, long toNanos) {
        long worst = 0;
        long now = System.nanoTime();
        for (AtomicLong last : lastRun) {
            worst = Math.max(worst, now - last.get() - periodNanos);
        }
        long first = Math.max(fromNanos / SLOT_NANOS, toNanos / SLOT_NANOS - SLOTS + 1);
        for (long slot = first; slot <= toNanos / SLOT_NANOS; slot++) {
            int i = (int) Math.floorMod(slot, (long) SLOTS);
            if (slotOf.get(i) == slot) {
                worst = Math.max(worst, worstInSlot.get(i));
            }
        }
        return Duration.ofNanos(Math.max(0, worst));
    }

    /** The worst hold-up of the last second, for the metric. */
    Duration recentWorst() {
        long now = System.nanoTime();
        return worstBetween(now - TimeUnit.SECONDS.toNanos(1), now);
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(false));
    }
}
