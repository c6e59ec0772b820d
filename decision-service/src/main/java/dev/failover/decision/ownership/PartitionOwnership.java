package dev.failover.decision.ownership;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Where each partition stands for this instance, and the lease under which it decides: plain Java, time from an
 * injected monotonic clock (nanoseconds).
 * <p>
 * A partition is decided only when it is assigned, its state restored, and the lease valid. The lease is this process
 * having run without a gap longer than {@code lease} (half the consumer's session timeout): a process stopped longer
 * (SIGSTOP, a frozen VM) may have been expired by the broker and its partitions given to another instance, which then
 * decides them. Such a process learns it only on its next rebalance, so a lapse holds every partition until the next
 * rebalance completes; {@link #beat()} says when one must be asked for.
 */
public final class PartitionOwnership {

    /** Where a partition stands for this instance; also the reason label of ignored input. */
    public enum Standing {
        /** Assigned, restored, lease valid: this instance decides the partition's groups. */
        DECIDING,
        /** Not assigned here: another instance decides its groups. */
        NOT_ASSIGNED,
        /** Assigned, but its state is not restored (yet): nothing of it is decided. */
        NOT_RESTORED,
        /** Assigned and restored, but this process stalled longer than the lease: it may have been replaced. */
        LEASE_LAPSED,
        /**
         * Assigned and restored, but its input not yet read up to where it ended when the partition was assigned: the
         * results published while ownership was moving are read as evidence before anything is decided on part of them
         * (a take-over that decided on the first half of the backlog picked the wrong target).
         */
        CATCHING_UP
    }

    /** An assigned partition whose state is not restored yet: attempts failed so far, and the last error. */
    public record Unrestored(int partition, int failedAttempts, String lastError) {
    }

    private final LongSupplier nanoTime;
    private final long leaseNanos;
    private final Set<Integer> restored = new HashSet<>();
    private final Map<Integer, Unrestored> unrestored = new TreeMap<>();
    /** Partitions being caught up: the offset their input must be read up to (its end when they were assigned). */
    private final Map<Integer, Long> catchingUp = new TreeMap<>();
    /**
     * Per partition, the offset of the last record of its input handled while this instance decided it (or caught it
     * up): kept through a revoke, so that the next assignment can tell whether the evidence counted here is still
     * complete ({@link #evidenceContinues}).
     */
    private final Map<Integer, Long> lastCounted = new TreeMap<>();
    private long lastSeenRunningNanos;
    private boolean lapsed;
    private boolean rebalanceAsked;
    /** Whether partitions were assigned here when the process was last seen running: only then can a stall cost them. */
    private boolean holdingWhenSeen;

    public PartitionOwnership(LongSupplier nanoTime, Duration lease) {
        this.nanoTime = nanoTime;
        this.leaseNanos = lease.toNanos();
        this.lastSeenRunningNanos = nanoTime.getAsLong();
    }

    public synchronized Standing standing(int partition) {
        observeRunning();
        if (unrestored.containsKey(partition)) {
            return Standing.NOT_RESTORED;
        }
        if (!restored.contains(partition)) {
            return Standing.NOT_ASSIGNED;
        }
        if (lapsed) {
            return Standing.LEASE_LAPSED;
        }
        return catchingUp.containsKey(partition) ? Standing.CATCHING_UP : Standing.DECIDING;
    }

    /**
     * Called often (every few hundred milliseconds) while the process runs.
     *
     * @return true once per lapse: the consumer must rebalance, so that its assignment is known again
     */
    public synchronized boolean beat() {
        observeRunning();
        if (lapsed && !rebalanceAsked) {
            rebalanceAsked = true;
            return true;
        }
        return false;
    }

    public synchronized void assigned(Collection<Integer> partitions) {
        observeRunning(); // a stall before this assignment is judged by what was held before it
        partitions.forEach(p -> unrestored.put(p, new Unrestored(p, 0, null)));
        holdingWhenSeen = holding();
    }

    public synchronized void restoreFailed(int partition, String error) {
        Unrestored before = unrestored.get(partition);
        if (before != null) {
            unrestored.put(partition, new Unrestored(partition, before.failedAttempts() + 1, error));
        }
    }

    public synchronized void restored(int partition) {
        if (unrestored.remove(partition) != null) {
            restored.add(partition);
        }
    }

    /**
     * A restored partition's input ended at {@code endOffset} when it was assigned, and the consumer is not there yet:
     * its groups are caught up (not decided) until a record at {@code endOffset - 1} or later is consumed.
     */
    public synchronized void behind(int partition, long endOffset) {
        if (restored.contains(partition)) {
            catchingUp.put(partition, endOffset);
        }
    }

    /** A record of the partition's input at {@code offset} was handled. */
    public synchronized void consumed(int partition, long offset) {
        Standing standing = standing(partition);
        if (standing == Standing.DECIDING || standing == Standing.CATCHING_UP) {
            lastCounted.merge(partition, offset, Math::max);
        }
        Long end = catchingUp.get(partition);
        if (end != null && offset + 1 >= end) {
            catchingUp.remove(partition);
        }
    }

    /**
     * Whether the evidence this instance counted from the partition's input before it was last revoked is still
     * complete now that it is assigned again with the consumer at {@code position}: true when no record after the last
     * one handled here was consumed elsewhere (the position is at most one past it; records read again are counted
     * once, by their start). A partition that comes straight back in an eager rebalance keeps its evidence that way; one
     * another instance read meanwhile does not. Answers once per assignment.
     */
    public synchronized boolean evidenceContinues(int partition, long position) {
        Long last = lastCounted.remove(partition);
        return last != null && position <= last + 1;
    }

    public synchronized void revoked(Collection<Integer> partitions) {
        partitions.forEach(p -> {
            restored.remove(p);
            unrestored.remove(p);
            catchingUp.remove(p);
        });
    }

    /** A rebalance completed: the assignment is what the group coordinator says now, which renews the lease. */
    public synchronized void rebalanced() {
        if (!observeRunning()) { // a stall inside the rebalance callback makes its outcome as doubtful as any other
            lapsed = false;
            rebalanceAsked = false;
        }
    }

    public synchronized List<Unrestored> unrestored() {
        return List.copyOf(unrestored.values());
    }

    /**
     * @return whether the process was found to have stalled longer than the lease since it was last seen running, with
     *         partitions assigned then. A stall while nothing was assigned (a start slower than the lease before the
     *         first assignment, or a process whose partitions are all elsewhere) cost nothing: what it is assigned next
     *         comes from the coordinator after the stall.
     */
    private boolean observeRunning() {
        long now = nanoTime.getAsLong();
        boolean stalled = holdingWhenSeen && now - lastSeenRunningNanos > leaseNanos;
        if (stalled) {
            lapsed = true;
        }
        lastSeenRunningNanos = now;
        holdingWhenSeen = holding();
        return stalled;
    }

    private boolean holding() {
        return !restored.isEmpty() || !unrestored.isEmpty();
    }
}
