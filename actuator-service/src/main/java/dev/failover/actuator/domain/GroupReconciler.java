package dev.failover.actuator.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;

/**
 * Keeps one group's DNS record and capacity converged on its desired state, level-triggered like a Kubernetes
 * controller (ADR 0006). Each {@link #run() pass} reads what the world serves, compares it with what was decided and
 * does the one next thing that is missing — scale the target up and wait for it to be ready, write the record
 * conditionally, prove by reading that it is served, move a stepped failback on, return the region left to pilot
 * light — then says when it wants to run again. Passing failures are retried with {@link Backoff} until the decision is
 * served or superseded; permanent refusals block the group until {@link #retry()} or a newer decision.
 * <p>
 * One pass runs at a time per group (the driver's job); {@link #offer} may be called from another thread at any time.
 * Plain Java: the providers, the store and the clock come in from outside. A pass is the {@linkplain ReconcileSteps
 * reconcile steps} in their one order, the same for the initial state and a decision; the steps change this group's
 * state only through its intent methods ({@link PassContext}).
 */
public final class GroupReconciler {

    /**
     * @param resync         how often a converged group's record is read again (drift detection)
     * @param capacityPoll   how often a scaling target's readiness is read while waiting for it
     * @param backoff        delays between attempts after passing failures
     * @param stepPause      how long each step of a stepped failback is held before the next
     * @param scaleDownAfter how long after a failback the target left returns to pilot light; null: never
     * @param databaseWatch  how often each database node of the group is observed off the passes (issue 50): the
     *                       primary's WAL positions sampled this often bound what a failover may lose
     */
    public record Settings(Duration resync, Duration capacityPoll, Backoff backoff, Duration stepPause, Duration scaleDownAfter,
            Duration databaseWatch) {

        /** Database nodes watched every second. */
        public Settings(Duration resync, Duration capacityPoll, Backoff backoff, Duration stepPause, Duration scaleDownAfter) {
            this(resync, capacityPoll, backoff, stepPause, scaleDownAfter, Duration.ofSeconds(1));
        }
    }

    /**
     * A group's state for views and metrics; immutable.
     *
     * @param desired       the decision's desired state; null while the group has had no decision
     * @param unservedSince since when the desired state is not (fully) served; null when it is
     * @param initialTarget while there is no decision: the chain's first target, desired at epoch 0; null otherwise
     * @param heldUntil     until when the step served now is held as its plan says (a stepped failback, a planned
     *                      move), or when the last such hold of this desired state ended; null when there was none. An
     *                      unserved time that is a planned hold is no failure to alert on.
     */
    public record Status(String group, DesiredState desired, Convergence convergence, Instant unservedSince, String served,
            String initialTarget, Instant heldUntil, DataTier dataTier) {

        public Status(String group, DesiredState desired, Convergence convergence, Instant unservedSince, String served,
                String initialTarget) {
            this(group, desired, convergence, unservedSince, served, initialTarget, null, DataTier.NONE);
        }
    }

    /** The decision id in the results and the ownership mark of the initial state (epoch 0, no decision yet). */
    public static final String INITIAL_DECISION_ID = "initial";

    /** What {@link #offer} did with a decision. */
    public sealed interface Offer {
        record Accepted(DesiredState desired) implements Offer {
        }

        /** Not above the epoch already desired (a replay, or an older decision arriving late). */
        record Stale(long desiredEpoch) implements Offer {
        }
    }

    private final String group;
    private final Topology topology;
    private final Backends use;
    private final DesiredStore store;
    private final ActuationReports reports;

    /** The newest desired state offered; a pass adopts it at its start. */
    private final AtomicReference<DesiredState> latest = new AtomicReference<>();
    /** An operator's retry, not yet taken up by a pass: who asked and why (issue 52); null when none. */
    private final AtomicReference<Retry> retryRequested = new AtomicReference<>();
    private volatile Status status;

    // State of the desired state being worked on; touched by passes only.
    private DesiredState desired;
    private Convergence convergence = new Convergence.Idle();
    private int attempt;
    private Instant unservedSince;
    private boolean capacityReported;
    /** When this desired state began to wait for its target's capacity (this process's first look); null: not waiting. */
    private Instant capacityWaitSince;
    private boolean servedOnce;
    private Instant stepServedAt;
    private Instant heldUntil;
    private Instant servedSince;
    private boolean scaleDownDone;
    /** Whether this desired state's switch was checked before its database move (PreflightSwitch). */
    private boolean switchChecked;
    private String initialTarget;
    /** The desired state holds a change written whose save failed: stored again before the next read. */
    private boolean changeUnstored;
    /** The group's database nodes as watched by this instance, before this tenure too (issue 50). */
    private final GroupWatch watch;
    private final DataTierWatch dataTier;
    private final Object statusLock = new Object();
    /** Whether the last watch saw two nodes take writes; touched by the watch only. */
    private boolean twoWritersSeen;
    private final PassContext context = new Context();

    /** Without database backends: a target with a database node blocks (ADR 0020). */
    public GroupReconciler(String group, Topology topology, DnsProvider dns, Scalers scalers,
            TrafficPlan traffic, DesiredStore store, Consumer<ActuationResult> sink, Clock clock, Settings settings) {
        this(group, topology, dns, scalers, Databases.none(), traffic, store, sink, clock, settings);
    }

    public GroupReconciler(String group, Topology topology, DnsProvider dns, Scalers scalers, Databases databases,
            TrafficPlan traffic, DesiredStore store, Consumer<ActuationResult> sink, Clock clock, Settings settings) {
        this(group, topology, dns, scalers, databases, traffic, store, sink, clock, settings, new GroupWatch(group,
                EvidenceStore.NONE));
    }

    /** @param watch the group's database nodes as this instance has watched them so far, driven or not */
    GroupReconciler(String group, Topology topology, DnsProvider dns, Scalers scalers, Databases databases,
            TrafficPlan traffic, DesiredStore store, Consumer<ActuationResult> sink, Clock clock, Settings settings,
            GroupWatch watch) {
        this.watch = watch;
        this.dataTier = watch.facts();
        dataTier.newTenure();
        this.group = group;
        this.topology = topology;
        this.use = new Backends(group, dns, scalers, databases, traffic, settings, clock);
        this.store = store;
        this.reports = new ActuationReports(group, sink, clock);
        this.status = new Status(group, null, convergence, null, null, null);
    }

    /**
     * A decision arrived. It becomes the desired state when its epoch is above the one desired so far; the caller stores
     * an accepted state durably before acknowledging the decision, then triggers a pass.
     */
    public Offer offer(Decision decision) {
        while (true) {
            DesiredState current = latest.get();
            if (current != null && decision.epoch() <= current.epoch()) {
                reports.send(decision, ActuationStep.FENCE, ActuationStatus.SKIPPED, null, "epoch " + decision.epoch()
                        + " is not above the desired epoch " + current.epoch() + " of group " + group, use.clock().instant());
                return new Offer.Stale(current.epoch());
            }
            DesiredState next = DesiredState.after(current, decision);
            if (latest.compareAndSet(current, next)) {
                return new Offer.Accepted(next);
            }
        }
    }

    /** A desired state read back from the store after a restart or a reassignment, step included. */
    public void restore(DesiredState state) {
        latest.accumulateAndGet(state, (current, restored) -> current == null || restored.epoch() > current.epoch()
                || (restored.epoch() == current.epoch() && restored.step() > current.step()) ? restored : current);
    }

    /** An operator's retry: who asked, and why. */
    record Retry(String principal, String reason) {
    }

    /**
     * An operator asks a blocked group to be tried again (also after its configuration was fixed); the pass that takes
     * it up says who asked and why in the group's status and its RECONCILE result.
     */
    public void retry(String principal, String reason) {
        retryRequested.set(new Retry(principal, reason));
    }

    public Status status() {
        return status;
    }

    /** One pass; returns when the group wants its next pass. With no decision yet, the goal is the initial state. */
    public Duration run() {
        Instant now = use.clock().instant();
        adoptLatest(now);
        Optional<FailoverGroup> config = topology.group(group);
        if (desired == null) {
            if (config.isEmpty() || config.get().mode() == GroupMode.SHADOW || config.get().targets().isEmpty()) {
                return use.settings().resync(); // nothing to observe: stays idle
            }
            initialTarget = config.get().primary().id();
        } else if (desired.decision().mode() == DecisionMode.SHADOW) {
            return use.settings().resync();
        }
        Retry retry = convergence instanceof Convergence.Blocked ? retryRequested.getAndSet(null) : null;
        boolean blocked = convergence instanceof Convergence.Blocked && retry == null;
        if (retry != null) {
            attempt = 0;
            capacityWaitSince = null; // a retry waits a full readyTimeoutSeconds again (the initial state's too)
            String detail = "tried again after BLOCKED, asked by " + retry.principal() + ": " + retry.reason();
            convergence = new Convergence.Converging(0, detail, now);
            context.report(ActuationStep.RECONCILE, ActuationStatus.CONVERGING, null, detail, now); // the audit of it
        }
        Goal goal;
        if (desired == null) {
            goal = new Goal.Initial(config.get(), use.traffic().initial(config.get()));
        } else {
            Optional<Target> target = config.flatMap(g -> g.target(desired.target()));
            if (target.isEmpty()) {
                return blocked ? use.settings().resync() : context.block(ActuationStep.FENCE, null, "group " + group
                        + " or target " + desired.target() + " is not in this actuator's topology; nothing changed", now);
            }
            goal = new Goal.Decided(config.get(), target.get(), desired, use.traffic().wanted(config.get(), desired));
        }
        try {
            // a blocked group changes nothing until a retry or a new decision, but its guard against a second writer
            // keeps running (issue 50): an old primary can come back writable at any time
            return blocked ? ReconcileSteps.guard(Pass.start(goal, now), use, context)
                    : ReconcileSteps.run(Pass.start(goal, now), use, context);
        } finally {
            dataTier.passEnded();
            publishStatus(null);
        }
    }

    /**
     * Observes every database node of the group once, off the passes and whatever the group's convergence (issue 50):
     * the primary's WAL positions are sampled at this cadence, not only when a pass runs, so what a failover may lose is
     * measured against a sample at most about one interval old. A node that does not answer (its region cut off) is
     * left for a growing while (up to 30 s), so that it holds no thread of the watch for a call timeout every interval.
     * Called by its own thread, never beside another watch of the same group; returns when to watch again, and whether a
     * pass is wanted now: a second node was first seen taking writes (an old primary back from a region that was cut
     * off), which the next pass fences after its ownership check, not a resync later (a blocked group's pass too).
     * Empty when the group has no database node (nothing to watch).
     */
    public Optional<Watched> watchDataTier() {
        Optional<FailoverGroup> config = topology.group(group);
        if (config.isEmpty() || config.get().targets().stream().allMatch(t -> t.database() == null)) {
            return Optional.empty();
        }
        Duration interval = use.settings().databaseWatch();
        watch.observe(config.get(), use.databases(), use.clock(), interval);
        Status now;
        synchronized (statusLock) {
            now = status;
            status = new Status(now.group(), now.desired(), now.convergence(), now.unservedSince(), now.served(),
                    now.initialTarget(), now.heldUntil(), dataTier.snapshot(use.clock().instant()));
        }
        // any two writers, whichever the wanted target: the pass's guard judges which one is fenced (a former primary
        // beside the group's newer one, whatever the group's convergence; another beside the served target)
        boolean twoWriters = config.get().targets().stream().filter(t -> t.database() != null
                && dataTier.writable(t.id())).count() > 1;
        boolean passNow = twoWriters && !twoWritersSeen;
        twoWritersSeen = twoWriters;
        return Optional.of(new Watched(interval, passNow));
    }

    /**
     * What a watch found.
     *
     * @param next    when to watch again
     * @param passNow whether a pass is wanted now (a second node of the group took writes, first seen)
     */
    public record Watched(Duration next, boolean passNow) {
    }

    /** The newest desired state offered or restored, which the next pass drives; null before any decision. */
    public DesiredState latestDesired() {
        return latest.get();
    }

    private void adoptLatest(Instant now) {
        DesiredState newest = latest.get();
        if (newest == null || newest == desired) {
            return;
        }
        boolean newEpoch = desired == null || newest.epoch() != desired.epoch();
        long previous = desired == null ? 0 : desired.epoch();
        desired = newest;
        changeUnstored = false; // the newest state is stored already (offered, or restored from the store)
        if (!newEpoch) {
            return; // the same decision at another step (restored)
        }
        attempt = 0;
        capacityReported = false;
        capacityWaitSince = null;
        servedOnce = false;
        stepServedAt = null;
        heldUntil = null;
        servedSince = null;
        scaleDownDone = false;
        switchChecked = false;
        dataTier.newDesiredState();
        reports.forget();
        unservedSince = now;
        retryRequested.set(null);
        if (desired.decision().mode() == DecisionMode.SHADOW) {
            convergence = new Convergence.Shadow();
            context.report(ActuationStep.COMPLETE, ActuationStatus.SKIPPED, null, "shadow decision: recorded, not acted on",
                    now);
            unservedSince = null;
        } else {
            convergence = new Convergence.Converging(0, null, now);
            context.report(ActuationStep.FENCE, ActuationStatus.SUCCEEDED, null, "epoch " + desired.epoch()
                    + " is above the previous desired epoch " + previous, now);
        }
        publishStatus(null);
    }

    private void publishStatus(String served) {
        synchronized (statusLock) { // beside the watch, which publishes the data tier it saw
            Status previous = status;
            status = new Status(group, desired, convergence, unservedSince, served != null ? served : previous.served(),
                    desired == null ? initialTarget : null, heldUntil, dataTier.snapshot(use.clock().instant()));
        }
    }

    /** The steps' view of this group: its backends, and the intent methods through which its state changes. */
    private final class Context implements PassContext {

        @Override
        public void report(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt) {
            reports.report(desired == null ? null : desired.decision(), step, status, provider, details, startedAt);
        }

        @Override
        public void publishOnce(ActuationStep step, ActuationStatus status, String provider, String details,
                Instant startedAt) {
            reports.publishOnce(desired == null ? null : desired.decision(), step, status, provider, details, startedAt);
        }

        @Override
        public void publishOncePerDesiredState(ActuationStep step, ActuationStatus status, String provider, String details,
                Instant startedAt) {
            reports.publishOncePerDesiredState(desired == null ? null : desired.decision(), step, status, provider, details,
                    startedAt);
        }

        @Override
        public void publishOnce(ActuationStep step, ActuationStatus status, String provider, String condition,
                String details, Instant startedAt) {
            reports.publishOnce(desired == null ? null : desired.decision(), step, status, provider, condition, details,
                    startedAt);
        }

        @Override
        public Duration retryLater(String condition, String error, Instant now, Duration poll) {
            attempt++;
            Instant since = convergence instanceof Convergence.Converging c ? c.since() : now;
            convergence = new Convergence.Converging(attempt, error, since);
            if (unservedSince == null) {
                unservedSince = now;
            }
            publishOnce(ActuationStep.RECONCILE, ActuationStatus.CONVERGING, use.dns().name(), condition,
                    "attempt " + attempt + ": " + error, now);
            return poll != null ? poll : use.settings().backoff().after(attempt);
        }

        @Override
        public Duration retryThrottled(String error, Instant now) {
            retryLater(error, now);
            return use.settings().backoff().afterThrottled(attempt);
        }

        @Override
        public Duration block(ActuationStep step, String provider, String reason, Instant now) {
            convergence = new Convergence.Blocked(reason, now);
            if (unservedSince == null) {
                unservedSince = now;
            }
            report(ActuationStep.RECONCILE, ActuationStatus.BLOCKED, provider, reason + " (" + step + "; retried after a new"
                    + " decision, a configuration change or an operator's retry)", now);
            publishStatus(null);
            return use.settings().resync();
        }

        @Override
        public Duration supersede(OwnerMark owner, Instant now) {
            convergence = new Convergence.Superseded(owner.epoch());
            publishOnce(ActuationStep.RECONCILE, ActuationStatus.SUPERSEDED, use.dns().name(), "the record was written by epoch "
                    + owner.epoch() + " (decision " + owner.decisionId() + "), newer than epoch "
                    + (desired == null ? 0 : desired.epoch()) + ": this instance changes nothing", now);
            return use.settings().resync();
        }

        @Override
        public void observed(ServedRecord served) {
            publishStatus(served.describe());
        }

        @Override
        public void drifted(String served, String details, Instant now) {
            convergence = new Convergence.Drifted(served, now);
            if (unservedSince == null) {
                unservedSince = now;
            }
            publishOnce(ActuationStep.RECONCILE, ActuationStatus.DRIFT, use.dns().name(), details, now);
        }

        @Override
        public void saveUnstoredChange() {
            if (changeUnstored) {
                store.save(desired);
                changeUnstored = false;
            }
        }

        @Override
        public void changeWritten(Optional<String> reference, Optional<String> mark) {
            if (desired == null) {
                return;
            }
            DesiredState next = reference.map(desired::written).orElse(desired);
            next = mark.map(next::marked).orElse(next);
            if (!latest.compareAndSet(desired, next)) {
                return; // a newer decision arrived meanwhile: it wins, and writes its own change
            }
            desired = next;
            changeUnstored = true;
            store.save(next);
            changeUnstored = false;
        }

        @Override
        public void changePropagated() {
            DesiredState next = desired.propagated();
            changeUnstored = false;
            if (latest.compareAndSet(desired, next)) {
                desired = next;
            }
        }

        @Override
        public Duration moveTo(DesiredState next) {
            if (latest.get() != desired) {
                return Duration.ZERO; // a newer decision arrived meanwhile: it wins
            }
            // stored before it is taken: a save that fails fails the pass, which is run again at this step, so a restart
            // never resumes a step behind the traffic (a late save of an older epoch loses to the newer one at restore)
            store.save(next);
            if (!latest.compareAndSet(desired, next)) {
                return Duration.ZERO;
            }
            desired = next;
            stepServedAt = null;
            return Duration.ZERO;
        }

        @Override
        public void promotion(DesiredState.Promotion next) {
            if (desired == null || latest.get() != desired) {
                return; // a newer decision arrived meanwhile: it wins
            }
            DesiredState updated = desired.with(next);
            store.save(updated); // a save that fails fails the pass, run again from the same state
            if (latest.compareAndSet(desired, updated)) {
                desired = updated;
            }
        }

        @Override
        public Optional<Instant> heldSince() {
            return Optional.ofNullable(stepServedAt);
        }

        @Override
        public void hold(Instant now, Duration hold) {
            stepServedAt = now;
            heldUntil = now.plus(hold);
        }

        @Override
        public Settled settle(Instant now, long millisFromDecision) {
            boolean first = !servedOnce;
            boolean wasNotServed = !(convergence instanceof Convergence.Converged);
            servedOnce = true;
            attempt = 0;
            unservedSince = null;
            if (servedSince == null) {
                servedSince = now;
            }
            if (!wasNotServed) {
                return Settled.STILL;
            }
            convergence = new Convergence.Converged(now, millisFromDecision);
            return first ? Settled.FIRST : Settled.AGAIN;
        }

        @Override
        public void reportCapacityOnce(ActuationStatus status, String provider, String details, Instant now) {
            if (!capacityReported) {
                capacityReported = true;
                report(ActuationStep.SCALE_UP, status, provider, details, now);
            }
        }

        @Override
        public Instant capacityWaitSince(Instant now) {
            if (capacityWaitSince == null) {
                capacityWaitSince = now;
            }
            return capacityWaitSince;
        }

        @Override
        public void capacityWaitOver() {
            capacityWaitSince = null;
        }

        @Override
        public Instant servedSince() {
            return servedSince;
        }

        @Override
        public boolean scaleDownDone() {
            return scaleDownDone;
        }

        @Override
        public void scaledDown() {
            scaleDownDone = true;
        }

        @Override
        public void databaseSeen(Target target, Database.Observation observation, Instant at) {
            dataTier.seen(target.id(), observation, at);
        }

        @Override
        public LossExposure lossExposure(Target target, Database.Observation.Observed node, Instant now) {
            return dataTier.exposure(target.id(), node, now);
        }

        @Override
        public long followedTimeline(Target target, Database.Wal wal) {
            return dataTier.followedTimeline(target.id(), wal);
        }

        @Override
        public boolean databaseWritable(Target target) {
            return dataTier.writable(target.id());
        }

        @Override
        public Optional<DataTierWatch.FormerPrimary> formerPrimary(Target target) {
            return dataTier.formerPrimary(target.id());
        }

        @Override
        public boolean switchPreflighted() {
            return switchChecked;
        }

        @Override
        public void switchChecked() {
            switchChecked = true;
        }

        @Override
        public Optional<Instant> fencedBy(Target target) {
            return dataTier.fencedBy(target.id());
        }

        @Override
        public boolean unfencedByHand(Target target) {
            return dataTier.unfencedByHand(target.id());
        }

        @Override
        public void promotionTakenBack(Target promoted, long timeline, Target restored, long restoredTimeline) {
            dataTier.takenBack(promoted.id(), timeline, restored.id(), restoredTimeline);
        }

        @Override
        public void switchRefusedAfterDatabaseMove(Instant now) {
            dataTier.switchRefused(now);
        }

        @Override
        public Optional<String> lastSeenWriter() {
            return dataTier.lastSeenWriter();
        }

        @Override
        public void heldForDataLoss(Instant now) {
            dataTier.held(now);
        }

        @Override
        public int promotionRequested(Target target, Instant now, LossExposure exposure) {
            return dataTier.promotionRequested(target.id(), now, exposure);
        }

        @Override
        public Optional<Duration> promotedWritable(Instant now) {
            return dataTier.writable(now);
        }
    }
}
