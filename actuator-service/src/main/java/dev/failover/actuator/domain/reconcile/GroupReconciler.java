package dev.failover.actuator.domain.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.failover.actuator.domain.data.DataTierWatch;
import dev.failover.actuator.domain.data.GroupWatch;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Effect;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Said;
import dev.failover.actuator.domain.steps.Pass;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.domain.steps.ReconcileSteps;
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
 * reconcile steps} in their one order, the same for the initial state and a decision, folded: each step takes the
 * group's {@link Progress} in a {@link Pass} and returns it changed, with the {@link Effect}s this reconciler applies
 * before the next step (ADR 0021): what is {@link Said} it says, what is stored its {@link NewestDesired} takes.
 */
public final class GroupReconciler {

    private final String group;
    private final Topology topology;
    private final Backends use;
    private final ActuationReports reports;
    /** The passes of its lanes when the group's record is written to several providers (ADR 0036); else null. */
    private final LanePasses lanes;
    /** The newest desired state offered or restored; a pass adopts it at its start. */
    private final NewestDesired newest;
    /** An operator's retry, not yet taken up by a pass: who asked and why; null when none. */
    private final AtomicReference<RetryRequest> retryRequested = new AtomicReference<>();
    private volatile GroupStatus status;
    /** The group's progress on its desired state, handed from step to step; kept here between passes only. */
    private Progress progress = Progress.idle();
    /** Says what the steps ask to be said. */
    private final Said.Sayer sayer = new Saying();
    private String initialTarget;
    /** The group's database nodes as watched by this instance, before this tenure too. */
    private final GroupWatch watch;
    private final DataTierWatch dataTier;
    private final Object statusLock = new Object();
    /** Whether the last watch saw two nodes take writes; touched by the watch only. */
    private boolean twoWritersSeen;

    /**
     * @param dns    the group's DNS providers, a lane each, with their traffic plans
     * @param wiring what every group's reconciler of this instance shares
     * @param watch  the group's database nodes as this instance has watched them so far, driven or not
     */
    public GroupReconciler(String group, Topology topology, GroupDns dns, Wiring wiring, GroupWatch watch) {
        this.watch = watch;
        this.dataTier = watch.facts();
        dataTier.newTenure();
        this.group = group;
        this.topology = topology;
        Function<ProviderLane, Backends> backends = lane -> new Backends(group, lane, wiring.scalers(),
                wiring.databases(), wiring.regionSwitch(), wiring.settings(), wiring.clock(), dataTier);
        this.use = backends.apply(dns.lanes().get(0));
        this.newest = new NewestDesired(wiring.store());
        this.reports = new ActuationReports(group, wiring.sink(), wiring.clock());
        this.lanes = dns.lanes().size() == 1 ? null
                : new LanePasses(group, dns, backends, newest, reports, wiring);
        this.status = new GroupStatus(group, null, progress.convergence(), null, null, null);
    }

    /**
     * A decision arrived. It becomes the desired state when its epoch is above the one desired so far; the caller stores
     * an accepted state durably before acknowledging the decision, then triggers a pass.
     */
    public Offer offer(Decision decision) {
        Offer offer = newest.offer(decision);
        if (offer instanceof Offer.Stale stale) {
            reports.send(decision, ActuationStep.FENCE, ActuationStatus.SKIPPED, null, "epoch " + decision.epoch()
                    + " is not above the desired epoch " + stale.desiredEpoch() + " of group " + group,
                    use.clock().instant());
        }
        return offer;
    }

    /** A desired state read back from the store after a restart or a reassignment, step included. */
    public void restore(DesiredState state) {
        newest.restore(state);
    }

    /**
     * An operator asks a blocked group to be tried again (also after its configuration was fixed); the next pass takes
     * it up and says who asked and why in the group's status and its RECONCILE result: CONVERGING when it tries again;
     * when the group was not BLOCKED, the status it stands at again, saying the retry was not needed (the retry is then
     * dropped, not kept for a later block).
     */
    public void retry(String principal, String reason) {
        retryRequested.set(new RetryRequest(principal, reason));
    }

    public GroupStatus status() {
        return status;
    }

    /** The passes of its provider lanes when the group is written to several (ADR 0036); empty for one lane. */
    Optional<LanePasses> lanes() {
        return Optional.ofNullable(lanes);
    }

    /** One pass; returns when the group wants its next pass. With no decision yet, the goal is the initial state. */
    public Duration run() {
        Instant now = use.clock().instant();
        adoptLatest(now);
        Optional<FailoverGroup> config = topology.group(group);
        DesiredState desired = progress.desired();
        RetryRequest retry = retryRequested.getAndSet(null); // taken by this pass, or dropped: never kept for later
        if (desired == null) {
            if (config.isEmpty() || config.get().mode() == GroupMode.SHADOW || config.get().targets().isEmpty()) {
                return use.settings().resync(); // nothing to observe: stays idle
            }
            initialTarget = config.get().primary().id();
        } else if (desired.decision().mode() == DecisionMode.SHADOW) {
            return use.settings().resync();
        }
        boolean wasBlocked = progress.convergence() instanceof Convergence.Blocked;
        if (retry != null && lanes != null && lanes.retryRefused(retry.triedAgain(), now) && !wasBlocked) {
            retry = null; // a lane refused under "any": it tries again, the group stands where it is (ADR 0036)
        }
        if (retry != null && !wasBlocked) {
            RetryRequest notNeeded = retry; // answered with the status the group stands at, and dropped
            RetryRequest.standing(progress.convergence()).ifPresent(status -> reports.report(desired == null ? null
                    : desired.decision(), ActuationStep.RECONCILE, status, null, notNeeded.notNeeded(status), now));
            retry = null;
        }
        boolean blocked = wasBlocked && retry == null;
        if (retry != null) {
            // a retry counts from nothing and waits a full readyTimeoutSeconds again (the initial state's too)
            String detail = retry.triedAgain();
            progress = progress.retried(detail, now);
            reports.report(desired == null ? null : desired.decision(), ActuationStep.RECONCILE,
                    ActuationStatus.CONVERGING, null, detail, now); // the audit of it
        }
        Goal goal;
        if (desired == null) {
            goal = new Goal.Initial(config.get(), use.traffic().initial(config.get()));
        } else {
            Optional<Target> target = config.flatMap(g -> g.target(desired.target()));
            if (target.isEmpty()) {
                if (blocked) {
                    return use.settings().resync();
                }
                Next.Done done = Pass.start(null, now, progress).block(ActuationStep.FENCE, null, "group " + group
                        + " or target " + desired.target() + " is not in this actuator's topology; nothing changed",
                        use);
                applied(done.pass());
                publishStatus(null);
                return done.after();
            }
            goal = new Goal.Decided(config.get(), target.get(), desired, use.traffic().wanted(config.get(), desired));
        }
        try {
            // a blocked group changes nothing until a retry or a new decision, but its guard against a second writer
            // keeps running: an old primary can come back writable at any time
            Pass start = Pass.start(goal, now, progress);
            return blocked ? ReconcileSteps.guard(start, use, this::applied)
                    : lanes != null ? lanes.groupPass(start, use, this::applied)
                            : ReconcileSteps.run(start, use, this::applied);
        } finally {
            dataTier.passEnded();
            publishStatus(null);
        }
    }

    /**
     * Observes every database node of the group once, off the passes and whatever the group's convergence:
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
        GroupStatus now;
        synchronized (statusLock) {
            now = status;
            status = new GroupStatus(now.group(), now.desired(), now.convergence(), now.unservedSince(), now.served(),
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

    /** The newest desired state offered or restored, which the next pass drives; null before any decision. */
    public DesiredState latestDesired() {
        return newest.get();
    }

    private void adoptLatest(Instant now) {
        DesiredState latest = newest.get();
        DesiredState current = progress.desired();
        if (latest == null || latest == current) {
            return;
        }
        boolean newEpoch = current == null || latest.epoch() != current.epoch();
        long previous = current == null ? 0 : current.epoch();
        progress = progress.adopt(latest, now); // the latest state is stored already (offered, or restored from the store)
        // a new owner learns the plane's last promotion (ADR 0020, "Lineage of a backend without timelines")
        dataTier.promotedByThePlane(latest.lastPromoted().orElse(null));
        if (!newEpoch) {
            return; // the same decision at another step (restored)
        }
        dataTier.newDesiredState();
        reports.forget();
        retryRequested.set(null);
        if (latest.decision().mode() == DecisionMode.SHADOW) {
            reports.report(latest.decision(), ActuationStep.COMPLETE, ActuationStatus.SKIPPED, null,
                    "shadow decision: recorded, not acted on", now);
        } else {
            reports.report(latest.decision(), ActuationStep.FENCE, ActuationStatus.SUCCEEDED, null, "epoch "
                    + latest.epoch() + " is above the previous desired epoch " + previous, now);
        }
        publishStatus(null);
    }

    /**
     * Applies a step's effects in their order (ADR 0021), keeping the progress each leaves, so that an effect that throws
     * (a save that fails fails the pass) leaves the progress as far as it came; returns the pass to hand on.
     */
    private Pass applied(Pass pass) {
        progress = pass.progress();
        for (Effect effect : pass.effects()) {
            progress = effect.match(this::say, stored -> newest.apply(stored, progress));
        }
        return pass.applied(progress);
    }

    /** Says what a step asked to be said: the progress stays as it is. */
    private Progress say(Said said) {
        said.sayTo(sayer);
        return progress;
    }

    private void publishStatus(String served) {
        synchronized (statusLock) { // beside the watch, which publishes the data tier it saw
            GroupStatus previous = status;
            DesiredState desired = progress.desired();
            status = new GroupStatus(group, desired, progress.convergence(), progress.unservedSince(),
                    served != null ? served : previous.served(), desired == null ? initialTarget : null,
                    progress.heldUntil(), dataTier.snapshot(use.clock().instant()));
        }
    }

    /** Publishes the results a step asks for, about the desired state worked on, and shows what the record serves. */
    private final class Saying implements Said.Sayer {

        @Override
        public void report(Said.Report r) {
            reports.say(progress.desired() == null ? null : progress.desired().decision(), r, r.provider());
        }

        @Override
        public void observed(Said.Observed observed) {
            publishStatus(observed.served().describe());
        }
    }
}
