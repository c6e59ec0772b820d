package dev.failover.actuator.lease;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The actuator's lease on what its consumer group gave it (ADR 0006): it holds for {@code length} after the
 * group coordinator was last heard from, and lapses otherwise. A classic consumer cut off from its coordinator keeps its
 * assignment until it reaches the coordinator again, long after the coordinator gave its partitions to another member
 * (the session timeout after its last heartbeat): without a lease it would act on old desired state meanwhile.
 * <p>
 * The coordinator evicts a member no earlier than the session timeout after it last processed one of its heartbeats.
 * A heartbeat answered is heard {@link #heard(long) from the moment it was sent, at the latest}; with {@code length}
 * half the session timeout the lease ends at least half a session before the earliest eviction, room for clocks that
 * run at slightly different rates and for a successor that acts at once.
 * <p>
 * After a lapse, one answer renews nothing: an evicted member's first heartbeat is answered too (UNKNOWN_MEMBER_ID),
 * and the consumer then rejoins ({@link #rebalancing()}, its partitions revoked or lost) instead of heartbeating again.
 * Two answers heard apart, with no rebalance started meanwhile, show the member is still in its generation (a stall
 * shorter than the session: a GC pause, a starved CPU): the lease holds again without a rebalance. Otherwise only the
 * assignment of a rebalance brings it back ({@link #rebalanced()}); one is asked for ({@link #check()}) only once the
 * lease stayed lapsed for another {@code length} with none started: by then the coordinator has given the partitions
 * away in any case. Asking at once on every lapse made every stall a rebalance of the whole group, and every rebalance
 * that waited longer than a lease for a member a lapse and another rebalance: 50 rebalances in five minutes on one
 * actuator in RegionLossIT. Plain Java, time from {@code nanoTime}; thread-safe.
 */
public final class CoordinatorLease implements Lease {

    /** Answers after a lapse that renew the lease, with no rebalance started in between. */
    static final int ANSWERS_TO_RENEW = 2;

    private final LongSupplier nanoTime;
    private final long lengthNanos;
    private long heldUntilNanos;
    /** Lapsed (or never held): not renewed by one heartbeat answer. */
    private boolean lapsed = true;
    /** Whether the lease held once and lapsed since (false before the first assignment). */
    private boolean lapsedOnce;
    /** A rebalance started (this member's partitions revoked or lost): only its assignment renews the lease. */
    private boolean awaitingAssignment;
    private boolean rebalanceAsked;
    private int answersSinceLapse;

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
     * How long after the lease's end a write may still land without another instance having acted: the rest of the
     * session timeout, which with {@link #lengthFor} is the lease's length again. The coordinator evicts this member no
     * earlier than a session after the heartbeat the lease was last renewed from, and only then can another owner act.
     */
    public Duration margin() {
        return Duration.ofNanos(lengthNanos);
    }

    /**
     * The coordinator answered a heartbeat sent at {@code sentNanos} or later (by {@link #nanoTime}'s clock): the lease
     * holds until {@code length} after that; after a lapse, once {@link #ANSWERS_TO_RENEW} answers came with no
     * rebalance started.
     */
    public synchronized void heard(long sentNanos) {
        observe();
        if (!lapsed) {
            heldUntilNanos = Math.max(heldUntilNanos, sentNanos + lengthNanos);
            return;
        }
        if (lapsedOnce && !awaitingAssignment && ++answersSinceLapse >= ANSWERS_TO_RENEW) {
            lapsed = false;
            answersSinceLapse = 0;
            heldUntilNanos = sentNanos + lengthNanos;
        }
    }

    /**
     * A rebalance started: this member's partitions are revoked or lost, it drives no group until the rebalance assigns
     * it some, and it sends no heartbeat while it waits to join. Its assignment, not heartbeat answers, renews the lease,
     * and no other rebalance is asked for meanwhile.
     */
    public synchronized void rebalancing() {
        awaitingAssignment = true;
        answersSinceLapse = 0;
    }

    /** A rebalance completed and gave this member its assignment (possibly none): the coordinator was just heard from. */
    public synchronized void rebalanced() {
        lapsed = false;
        awaitingAssignment = false;
        rebalanceAsked = false;
        answersSinceLapse = 0;
        heldUntilNanos = nanoTime.getAsLong() + lengthNanos;
    }

    /**
     * @return true once per lapse, when the lease stayed lapsed a further {@code length} (a session timeout since the
     *         coordinator was last heard from) and no rebalance started: one must be asked for before it can hold again
     */
    public synchronized boolean check() {
        observe();
        if (lapsed && lapsedOnce && !awaitingAssignment && !rebalanceAsked
                && nanoTime.getAsLong() - heldUntilNanos >= lengthNanos) {
            rebalanceAsked = true;
            return true;
        }
        return false;
    }

    @Override
    public synchronized Optional<String> lapsed() {
        observe();
        if (!lapsed) {
            return Optional.empty();
        }
        if (!lapsedOnce) {
            return Optional.of("this actuator has no assignment from its consumer group yet");
        }
        return Optional.of("this actuator has not heard from its Kafka group coordinator for "
                + Duration.ofNanos(nanoTime.getAsLong() - (heldUntilNanos - lengthNanos)).toMillis() + " ms (lease "
                + Duration.ofNanos(lengthNanos).toMillis()
                + " ms): another instance may own its groups by now; it writes"
                + " again once the coordinator answers it twice, or a rebalance gives it its assignment again");
    }

    /**
     * A write asked for now may still take effect up to {@code landsWithin} later (its call's timeouts): it is made only
     * if that is before the lease's end plus its {@link #margin()}, the earliest another owner can act (ADR 0006, "A
     * write lands within the lease's margin"). Right after a heartbeat's answer a lease and its margin are a whole
     * session ahead, so a write that fits the session less the heartbeat interval waits only for a late answer.
     */
    @Override
    public synchronized Optional<String> lapsedFor(Duration landsWithin) {
        Optional<String> lapsed = lapsed();
        if (lapsed.isPresent()) {
            return lapsed;
        }
        long left = heldUntilNanos + lengthNanos - nanoTime.getAsLong();
        if (landsWithin.toNanos() <= left) {
            return Optional.empty();
        }
        return Optional.of("a write asked for now may land up to " + landsWithin.toMillis() + " ms later, and another"
                + " instance may own its groups from " + Duration.ofNanos(left).toMillis()
                + " ms on (the lease's end and"
                + " its margin of " + margin().toMillis() + " ms): made after the coordinator's next answer");
    }

    private void observe() {
        long now = nanoTime.getAsLong();
        if (!lapsed && now - heldUntilNanos > 0) {
            lapsed = true;
            lapsedOnce = true;
            answersSinceLapse = 0;
            rebalanceAsked = false;
        }
    }
}
