package dev.failover.actuator.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.contract.time.Backoff;

/**
 * Which partitions of failover.decisions this instance owns, and whether their groups' desired states are restored yet.
 * An assigned partition is restored off the consumer's thread and, when the read fails (a partition leader being
 * elected, a lost broker, a missing ACL), read again with backoff until it succeeds, for as long as the partition stays
 * assigned here. Kafka calls the rebalance listener once per assignment: a restore tried only there and failed would
 * leave the partition's groups undriven until their next decision. The consumer keeps polling meanwhile (its liveness
 * is never at stake); a decision of an unrestored partition waits for the restore ({@link #whenRestored}).
 * <p>
 * Plain Java: the read, what a successful one is applied to, the backoff and the scheduler come in from outside.
 */
public final class PartitionRestores {

    private static final Logger LOG = Logger.getLogger(PartitionRestores.class);

    /** An assigned partition whose desired states are not restored yet: attempts failed so far, and the last error. */
    public record Unrestored(int partition, int failedAttempts, String lastError) {
    }

    /** One assignment of a partition: a revocation and a new assignment make a new one, whose restore starts over. */
    private static final class Assignment {
        final CompletableFuture<Boolean> whenRestored = new CompletableFuture<>();
        boolean restored;
        int failedAttempts;
        String lastError;
    }

    private final Function<Set<Integer>, Map<Integer, List<DesiredState>>> load;
    private final BiConsumer<Integer, List<DesiredState>> apply;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final Map<Integer, Assignment> assigned = new TreeMap<>();

    /**
     * @param load      reads the desired states of these partitions, by partition; throws when it cannot
     * @param apply     takes a partition's restored states (called once per assignment, while the partition is still
     *                  assigned, before its decisions are let through)
     * @param backoff   delays between attempts
     * @param scheduler where reads run
     */
    public PartitionRestores(Function<Set<Integer>, Map<Integer, List<DesiredState>>> load,
            BiConsumer<Integer, List<DesiredState>> apply, Backoff backoff, ScheduledExecutorService scheduler) {
        this.load = load;
        this.apply = apply;
        this.backoff = backoff;
        this.scheduler = scheduler;
    }

    /** These partitions were assigned here: their restore starts now. */
    public synchronized void assigned(Collection<Integer> partitions) {
        Map<Integer, Assignment> batch = new TreeMap<>();
        for (int partition : partitions) {
            Assignment previous = assigned.get(partition);
            if (previous != null && !previous.restored) {
                continue; // still being restored for this assignment
            }
            Assignment assignment = new Assignment();
            assigned.put(partition, assignment);
            batch.put(partition, assignment);
        }
        if (!batch.isEmpty()) {
            schedule(batch, 1, Duration.ZERO);
        }
    }

    /** These partitions went elsewhere (or were lost): their decisions waiting for a restore are not acted on here. */
    public void revoked(Collection<Integer> partitions) {
        List<Assignment> ended = new ArrayList<>();
        synchronized (this) {
            partitions.stream().map(assigned::remove).filter(Objects::nonNull).forEach(ended::add);
        }
        ended.forEach(a -> a.whenRestored.complete(false)); // outside the lock: what waits on it runs now
    }

    /** Whether the partition is assigned here and restored: only then are its decisions acted on and stored here. */
    public synchronized boolean owns(int partition) {
        Assignment assignment = assigned.get(partition);
        return assignment != null && assignment.restored;
    }

    /**
     * Completes with true once the partition is restored (at once when it is), with false when it is not (or no longer)
     * assigned here: then its decisions belong to another instance.
     */
    public synchronized CompletionStage<Boolean> whenRestored(int partition) {
        Assignment assignment = assigned.get(partition);
        return assignment == null ? CompletableFuture.completedFuture(false) : assignment.whenRestored.copy();
    }

    /** Assigned partitions whose desired states are not restored yet; readiness is DOWN while there is one. */
    public synchronized List<Unrestored> unrestored() {
        return assigned.entrySet().stream().filter(e -> !e.getValue().restored)
                .map(e -> new Unrestored(e.getKey(), e.getValue().failedAttempts, e.getValue().lastError)).toList();
    }

    /** Stops retrying; decisions still waiting are not acted on (they stay uncommitted for the next owner). */
    public void close() {
        List<Assignment> ended;
        synchronized (this) {
            ended = new ArrayList<>(assigned.values());
            assigned.clear();
        }
        ended.forEach(a -> a.whenRestored.complete(false));
    }

    private void schedule(Map<Integer, Assignment> batch, int attempt, Duration delay) {
        try {
            scheduler.schedule(() -> attempt(batch, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debugf("not restoring partitions %s: shutting down", batch.keySet());
        }
    }

    private void attempt(Map<Integer, Assignment> batch, int attempt) {
        Set<Integer> pending = pending(batch);
        if (pending.isEmpty()) {
            return; // revoked meanwhile
        }
        Map<Integer, List<DesiredState>> states;
        try {
            states = load.apply(pending);
        } catch (RuntimeException e) {
            Duration next = backoff.after(attempt);
            synchronized (this) {
                pending.stream().filter(p -> assigned.get(p) == batch.get(p)).forEach(p -> {
                    batch.get(p).failedAttempts = attempt;
                    batch.get(p).lastError = e.getMessage();
                });
            }
            LOG.errorf(
                    "restoring the desired states of partitions %s failed (attempt %d), trying again in %s; their groups"
                            + " are not driven and their decisions wait until it succeeds: %s",
                    pending, attempt, next, e.getMessage());
            schedule(batch, attempt + 1, next);
            return;
        }
        List<Assignment> done = new ArrayList<>();
        synchronized (this) {
            for (int partition : pending) {
                Assignment assignment = batch.get(partition);
                if (assigned.get(partition) != assignment) {
                    continue; // revoked while it was read
                }
                apply.accept(partition, states.getOrDefault(partition, List.of()));
                assignment.restored = true;
                done.add(assignment);
            }
        }
        done.forEach(a -> a.whenRestored.complete(true)); // outside the lock: the decisions that waited go on now
        LOG.infof("desired states of partitions %s restored after %d attempt(s)", pending, attempt);
    }

    /** The partitions of the batch still assigned by the same assignment and not restored. */
    private synchronized Set<Integer> pending(Map<Integer, Assignment> batch) {
        Set<Integer> pending = new TreeSet<>();
        batch.forEach((partition, assignment) -> {
            if (assigned.get(partition) == assignment && !assignment.restored) {
                pending.add(partition);
            }
        });
        return pending;
    }
}
