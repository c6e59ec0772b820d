package dev.failover.actuator.lease;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The actuator's lease on what its consumer group gave it (issue 52, ADR 0006): it holds for {@code length} after the
 * group coordinator was last heard from, and lapses otherwise. A classic consumer cut off from its coordinator keeps its
 * assignment until it reaches the coordinator again, long after the coordinator gave its partitions to another member
 * (the session timeout after its last heartbeat): without a lease it would act on old desired state meanwhile.
 * <p>
 * The coordinator evicts a member no earlier than the session timeout after it last processed one of its heartbeats.
 * A heartbeat answered is heard {@link #heard(long) from the moment it was sent, at the latest}; with {@code length}
 * half the session timeout the lease ends at least half a session before the earliest eviction, room for clocks that
 * run at slightly different rates and for a successor that acts at once. Once lapsed, answers to heartbeats renew
 * nothing: an evicted member's first heartbeat after a cut is answered too (UNKNOWN_MEMBER_ID). The lease holds again
 * only once a rebalance gave this member its assignment again: {@link #check()} says when one must be asked for.
 * Plain Java, time from {@code nanoTime}; thread-safe.
 */
public final class CoordinatorLease implements Lease {

    private final LongSupplier nanoTime;
    private final long lengthNanos;
    private long heldUntilNanos;
    /** Lapsed (or never held): heartbeats renew nothing until a rebalance completes. */
    private boolean mustRejoin = true;
    private boolean rebalanceAsked;
    /** Whether the lease held once and lapsed since (false before the first assignment). */
    private boolean lapsedOnce;

    public CoordinatorLease(LongSupplier nanoTime, Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a lease must be positive, was " + length);
        }
        this.nanoTime = nanoTime;
        this.lengthNanos = length.toNanos();
    }

    /** The length of the lease: half the consumer's session timeout. */
    public static Duration lengthFor(Duration sessionTimeout) {
        return sessionTimeout.dividedBy(2);
    }

    /**
     * The coordinator answered a heartbeat sent at {@code sentNanos} or later (by {@link #nanoTime}'s clock): the lease
     * holds until {@code length} after that, unless it lapsed before.
     */
    public synchronized void heard(long sentNanos) {
        observe();
        if (!mustRejoin) {
            heldUntilNanos = Math.max(heldUntilNanos, sentNanos + lengthNanos);
        }
    }

    /** A rebalance completed and gave this member its assignment (possibly none): the coordinator was just heard from. */
    public synchronized void rebalanced() {
        mustRejoin = false;
        rebalanceAsked = false;
        heldUntilNanos = nanoTime.getAsLong() + lengthNanos;
    }

    /** @return true once per lapse: the consumer must rebalance before the lease can hold again */
    public synchronized boolean check() {
        observe();
        if (mustRejoin && !rebalanceAsked && lapsedOnce) {
            rebalanceAsked = true;
            return true;
        }
        return false;
    }

    @Override
    public synchronized Optional<String> lapsed() {
        observe();
        if (!mustRejoin) {
            return Optional.empty();
        }
        if (!lapsedOnce) {
            return Optional.of("this actuator has no assignment from its consumer group yet");
        }
        return Optional.of("this actuator has not heard from its Kafka group coordinator for "
                + Duration.ofNanos(nanoTime.getAsLong() - (heldUntilNanos - lengthNanos)).toMillis() + " ms (lease "
                + Duration.ofNanos(lengthNanos).toMillis() + " ms): another instance may own its groups by now; it writes"
                + " again once a rebalance gives it its assignment again");
    }

    private void observe() {
        long now = nanoTime.getAsLong();
        if (!mustRejoin && now - heldUntilNanos > 0) {
            mustRejoin = true;
            lapsedOnce = true;
        }
    }
}
