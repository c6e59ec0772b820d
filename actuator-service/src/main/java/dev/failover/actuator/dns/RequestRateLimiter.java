package dev.failover.actuator.dns;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces a provider's API calls evenly: at most {@code perSecond} a second for the whole instance, all groups together
 * (one limiter per provider). A call waits for its turn on the thread of its reconcile pass; at most
 * {@code failover.parallel-groups} passes wait at once, so a turn comes within that many intervals. Route 53 allows five
 * requests a second per account and answers more with Throttling.
 */
public final class RequestRateLimiter {

    private final long intervalNanos;
    private long nextSlot = Long.MIN_VALUE;

    public RequestRateLimiter(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("requests per second must be positive, was " + perSecond);
        }
        this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    /** Returns when this call's turn has come (at once when the instance is under its rate); an interrupt ends the wait. */
    public void acquire() {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = nextSlot == Long.MIN_VALUE || nextSlot - now < 0 ? now : nextSlot;
            nextSlot = slot + intervalNanos;
        }
        long remaining;
        while ((remaining = slot - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(remaining);
        }
    }
}
