package dev.failover.actuator.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.jboss.threads.EnhancedQueueExecutor;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Waker;
import dev.failover.actuator.domain.reconcile.Watched;
import dev.failover.contract.time.Backoff;
import dev.failover.kafka.logging.GroupLogContext;

/**
 * Drives the reconciler: one pass at a time per group, on a shared pool, each group's next pass when its last one asked
 * for it, and at once when a decision arrives. A group that waits (for capacity, for DNS to come back) holds no thread,
 * so it never delays another group. A pass that throws (Kafka down while saving a step), or fails with an Error, is run
 * again with backoff. A pass logs with its group, and the decision and epoch it drives, in the MDC ({@link GroupLogContext}).
 * <p>
 * Every group with database nodes is also watched, whether this instance drives it or not: its nodes
 * observed on a pool of their own, as often as the reconciler asks ({@link Reconciler#watch}), from the loop's start
 * until it closes, so that a node whose region is cut off, which costs a call timeout, never delays a pass, the
 * primary's positions are sampled whether passes run or not, and an instance that takes a group over already knows
 * what a promotion may lose.
 */
public final class ReconcileLoop implements AutoCloseable, Waker {

    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);

    /** How long a pass thread with nothing to do is kept. */
    static final Duration IDLE_THREAD_KEPT = Duration.ofSeconds(30);
    /** Pass threads kept however idle: enough for a quiet instance's resyncs without a new thread each. */
    static final int CORE_THREADS = 4;

    private final Reconciler reconciler;
    /** Hands each pass, when due, to {@link #passes}; runs none itself. */
    private final ScheduledExecutorService timer;
    /**
     * Runs the passes: a thread for each pass under way up to the configured most, made when no idle one is there and
     * ended after {@link #IDLE_THREAD_KEPT} idle. A region's failover has most of its passes waiting together on a
     * provider's shared budget (Route 53's five requests a second), and how many wait together is what goes into one
     * change batch or one listing (ADR 0022): a fixed pool of 64 made batches of 18 groups at the median where a batch
     * holds 333. A quiet instance keeps {@link #CORE_THREADS}.
     */
    private final EnhancedQueueExecutor passes;
    /** The database watch's threads: a watch that waits on a node that does not answer holds none of the passes'. */
    private final ScheduledExecutorService watchPool;
    private final Backoff onError;
    /** Each key's schedule: a group's pass, and each provider lane's of a group written to several (ADR 0036). */
    private final Map<Key, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();

    public ReconcileLoop(Reconciler reconciler, int threads, Backoff onError) {
        this.reconciler = reconciler;
        this.onError = onError;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reconcile-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.passes = new EnhancedQueueExecutor.Builder().setCorePoolSize(Math.min(CORE_THREADS, threads))
                .setMaximumPoolSize(threads).setKeepAliveTime(IDLE_THREAD_KEPT).setGrowthResistance(0f)
                .setRegisterMBean(false).setThreadFactory(runnable -> {
                    Thread thread = new Thread(runnable, "reconcile");
                    thread.setDaemon(true);
                    return thread;
                }).build();
        this.watchPool = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "database-watch");
            thread.setDaemon(true);
            return thread;
        });
        reconciler.watchedGroups().forEach(group -> watchSoon(group, Duration.ZERO));
    }

    /** Drives these groups (their partition was assigned here), each with a pass now, decision or none. */
    public synchronized void start(Collection<String> groups) {
        stopped.removeAll(groups);
        reconciler.drive(groups);
        groups.forEach(this::trigger);
    }

    /** Runs the group's pass now, or right after the one under way; nothing for a group stopped here. */
    public synchronized void trigger(String group) {
        if (stopped.contains(group)) {
            return; // a late trigger (a decision in flight when its partition moved away) must not revive the group here
        }
        lanes.computeIfAbsent(new Key(group, null), Lane::new).runSoon(Duration.ZERO);
    }

    @Override
    public void group(String group) {
        trigger(group);
    }

    /** Runs the pass of the group's provider lane now, or right after the one under way; nothing for a group stopped here. */
    @Override
    public synchronized void lane(String group, String lane) {
        if (stopped.contains(group)) {
            return;
        }
        lanes.computeIfAbsent(new Key(group, lane), Lane::new).runSoon(Duration.ZERO);
    }

    /** Stops driving groups whose partition moved elsewhere; a pass under way finishes its one provider call. */
    public synchronized void stop(Collection<String> groups) {
        stopped.addAll(groups);
        lanes.keySet().removeIf(key -> {
            if (!groups.contains(key.group())) {
                return false;
            }
            lanes.get(key).stop();
            return true;
        });
        reconciler.forget(groups);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        passes.shutdownNow();
        watchPool.shutdownNow();
    }

    private void watchSoon(String group, Duration delay) {
        if (closed) {
            return;
        }
        try {
            watchPool.schedule(() -> watch(group), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** One watch of the group's nodes; the next is scheduled when it ends, so never two of a group at once. */
    private void watch(String group) {
        Duration again;
        try (GroupLogContext logged = GroupLogContext.group(group)) {
            try {
                Optional<Watched> watched = reconciler.watch(group);
                if (watched.isPresent() && watched.get().passNow() && reconciler.drives(group)) {
                    trigger(group); // a second writer: the pass fences it after its ownership check
                }
                again = watched.map(Watched::next).orElse(null);
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "database watch of group %s failed; watched again in %s", group, onError.after(1));
                again = onError.after(1);
            }
        }
        if (again != null) {
            watchSoon(group, again);
        }
    }

    /** What a schedule runs: a group's pass ({@code lane} null) or one of its provider lanes' (ADR 0036). */
    private record Key(String group, String lane) {
    }

    /** One key's schedule: never two passes at once, never a pass after {@link #stop}. */
    private final class Lane {
        private final String group;
        private final String lane;
        private ScheduledFuture<?> next;
        private boolean running;
        private boolean again;
        private boolean stopped;
        private int failures;

        Lane(Key key) {
            this.group = key.group();
            this.lane = key.lane();
        }

        synchronized void runSoon(Duration delay) {
            if (stopped) {
                return;
            }
            if (running) {
                again = again || delay.isZero();
                return;
            }
            if (next != null) {
                if (next.getDelay(TimeUnit.MILLISECONDS) <= delay.toMillis()) {
                    return; // already due sooner
                }
                next.cancel(false);
            }
            next = timer.schedule(this::handOver, delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The pass is due: to a pass thread, the timer's own thread going on with the next one due. */
        private void handOver() {
            try {
                passes.execute(this::pass);
            } catch (RejectedExecutionException e) {
                // closed meanwhile
            }
        }

        private void pass() {
            synchronized (this) {
                if (stopped || running) {
                    return;
                }
                running = true;
                next = null;
            }
            Duration wait;
            DesiredState desired = reconciler.latestDesired(group).orElse(null);
            try (GroupLogContext logged = desired == null ? GroupLogContext.group(group)
                    : GroupLogContext.decision(group, desired.decision().decisionId(), desired.decision().epoch())) {
                try {
                    wait = lane == null ? reconciler.run(group) : reconciler.runLane(group, lane);
                    failures = 0;
                } catch (RuntimeException | Error e) {
                    // an Error too (a class that failed to load, a stack overflow in a provider): a lane that ended here
                    // would leave the group undriven, silently, until the instance restarts
                    failures++;
                    wait = onError.after(failures);
                    LOG.errorf(e, "reconcile pass of group %s%s failed (%d in a row); next pass in %s", this.group,
                            lane == null ? "" : ", lane " + lane, failures, wait);
                }
            }
            synchronized (this) {
                running = false;
                Duration delay = again ? Duration.ZERO : wait;
                again = false;
                runSoon(delay);
            }
        }

        synchronized void stop() {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }
}
