package dev.failover.actuator.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.ReadOutcome;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.DriftPolicy;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.ScalingRef;
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
 * Plain Java: the providers, the store and the clock come in from outside.
 */
public final class GroupReconciler {

    /**
     * @param resync         how often a converged group's record is read again (drift detection)
     * @param capacityPoll   how often a scaling target's readiness is read while waiting for it
     * @param backoff        delays between attempts after passing failures
     * @param stepPause      how long each step of a stepped failback is held before the next
     * @param scaleDownAfter how long after a failback the target left returns to pilot light; null: never
     */
    public record Settings(Duration resync, Duration capacityPoll, Backoff backoff, Duration stepPause, Duration scaleDownAfter) {
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
            String initialTarget, Instant heldUntil) {

        public Status(String group, DesiredState desired, Convergence convergence, Instant unservedSince, String served,
                String initialTarget) {
            this(group, desired, convergence, unservedSince, served, initialTarget, null);
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
    private final DnsProvider dns;
    private final Scalers scalers;
    private final TrafficPlan traffic;
    private final DesiredStore store;
    private final Consumer<ActuationResult> sink;
    private final Clock clock;
    private final Settings settings;

    /** The newest desired state offered; a pass adopts it at its start. */
    private final AtomicReference<DesiredState> latest = new AtomicReference<>();
    private final AtomicBoolean retryRequested = new AtomicBoolean();
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
    private String initialTarget;
    /** The desired state holds a change written whose save failed: stored again before the next read. */
    private boolean changeUnstored;
    private final Map<String, String> lastPublished = new HashMap<>();

    public GroupReconciler(String group, Topology topology, DnsProvider dns, Scalers scalers,
            TrafficPlan traffic, DesiredStore store, Consumer<ActuationResult> sink, Clock clock, Settings settings) {
        this.group = group;
        this.topology = topology;
        this.dns = dns;
        this.scalers = scalers;
        this.traffic = traffic;
        this.store = store;
        this.sink = sink;
        this.clock = clock;
        this.settings = settings;
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
                report(decision, ActuationStep.FENCE, ActuationStatus.SKIPPED, null, "epoch " + decision.epoch()
                        + " is not above the desired epoch " + current.epoch() + " of group " + group, clock.instant());
                return new Offer.Stale(current.epoch());
            }
            DesiredState next = DesiredState.of(decision);
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

    /** An operator asks a blocked group to be tried again (also after its configuration was fixed). */
    public void retry() {
        retryRequested.set(true);
    }

    public Status status() {
        return status;
    }

    /** One pass; returns when the group wants its next pass. */
    public Duration run() {
        Instant now = clock.instant();
        adoptLatest(now);
        if (desired == null) {
            return initial(now);
        }
        if (desired.decision().mode() == DecisionMode.SHADOW) {
            return settings.resync();
        }
        if (convergence instanceof Convergence.Blocked) {
            if (!retryRequested.getAndSet(false)) {
                return settings.resync();
            }
            attempt = 0;
            capacityWaitSince = null; // a retry waits a full readyTimeoutSeconds again
            convergence = new Convergence.Converging(0, "tried again after BLOCKED", now);
        }
        Optional<FailoverGroup> groupConfig = topology.group(group);
        Optional<Target> target = groupConfig.flatMap(g -> g.target(desired.target()));
        if (target.isEmpty()) {
            return block(ActuationStep.FENCE, null, "group " + group + " or target " + desired.target()
                    + " is not in this actuator's topology; nothing changed", now);
        }
        try {
            return pass(groupConfig.get(), target.get(), now);
        } finally {
            publishStatus(null);
        }
    }

    private Duration pass(FailoverGroup config, Target target, Instant now) {
        if (changeUnstored) {
            store.save(desired);
            changeUnstored = false;
        }
        RecordKey key = RecordKey.of(config);
        ReadOutcome read = dns.read(key, desired.changeToCheck());
        if (!(read instanceof ReadOutcome.Served ok)) {
            return notRead(read, key, now);
        }
        ServedRecord served = ok.record();
        publishStatus(served.describe());
        Optional<OwnerMark> owner = served.owner();
        if (owner.isPresent() && owner.get().epoch() > desired.epoch()) {
            return supersede(owner.get(), now);
        }
        boolean ours = owner.isPresent() && owner.get().epoch() == desired.epoch() && owner.get().group().equals(group);
        if (!ours) {
            // a move that has written nothing yet starts from what is served; once it has, a change is drift (below)
            DesiredState fitted = traffic.fitToServed(config, desired, served.sets());
            if (fitted != desired) {
                report(ActuationStep.LOWER_TTL, ActuationStatus.SKIPPED, dns.name(), key.name() + " is served as "
                        + served.describe() + ", not by " + desired.decision().fromTarget() + ": no TTL to lower on it; the"
                        + " move starts at the switch", now);
                return moveTo(fitted);
            }
        }
        List<RecordSet> wanted = traffic.wanted(config, desired);
        if (ours && matches(served.sets(), wanted)) {
            if (!served.propagated()) {
                return retryLater("written, not yet served everywhere by " + dns.name(), now, settings.capacityPoll());
            }
            if (desired.pendingChange() != null) {
                changePropagated();
            }
            return served(config, served, now);
        }
        if (ours && changedByHand(owner.get(), served, config, wanted)) {
            convergence = new Convergence.Drifted(served.describe(), now);
            publishOnce(ActuationStep.RECONCILE, ActuationStatus.DRIFT, dns.name(), key.name() + " is served as " + served.describe()
                    + " but epoch " + desired.epoch() + " wants " + describe(wanted) + (config.dns().drift() == DriftPolicy.CORRECT
                            ? "; correcting it" : "; reported, not corrected (drift: report)"), now);
            if (unservedSince == null) {
                unservedSince = now;
            }
            if (config.dns().drift() == DriftPolicy.REPORT) {
                return settings.resync();
            }
        }
        Optional<Duration> capacityWait = traffic.sendsTrafficToTarget(config, desired) ? capacityWait(target, now)
                : Optional.empty();
        if (capacityWait.isPresent()) {
            return capacityWait.get();
        }
        RecordWrite write = new RecordWrite(key, served.ownerText(), OwnerMark.of(group, desired.epoch(),
                desired.decision().decisionId(), wanted), wanted);
        return write(write, traffic.writeStep(config, desired), traffic.describeStep(config, desired), now);
    }

    /** Writes conditionally on the mark read; the next pass reads the record back, and that read is the verification. */
    private Duration write(RecordWrite write, ActuationStep writeStep, String step, Instant now) {
        Instant writeStart = clock.instant();
        WriteOutcome written = dns.write(write);
        if (written instanceof WriteOutcome.Written w) {
            report(writeStep, ActuationStatus.SUCCEEDED, dns.name(), w.details() + (step.isEmpty() ? "" : " (" + step + ")"),
                    writeStart);
            if (w.reference() != null && desired != null) {
                changeWritten(w.reference());
            }
            return Duration.ZERO;
        }
        if (written instanceof WriteOutcome.OwnerChanged changed) {
            return retryLater("the record's owner changed under us, reading again: " + changed.reason(), now);
        }
        if (written instanceof WriteOutcome.Rejected rejected) {
            report(writeStep, ActuationStatus.FAILED, dns.name(), "rejected: " + rejected.reason() + " (wanted: "
                    + write.describe() + ")", writeStart);
            return block(writeStep, dns.name(), "DNS write rejected by " + dns.name() + ": " + rejected.reason(), now);
        }
        if (written instanceof WriteOutcome.Throttled throttled) {
            return retryThrottled("writing " + write.key().name() + " throttled by " + dns.name() + ": " + throttled.reason(), now);
        }
        return retryLater(dns.name() + " unavailable: " + ((WriteOutcome.Unavailable) written).reason(), now);
    }

    /**
     * Whether a record that carries our epoch's mark but not the desired sets was changed by someone else after our write,
     * judged from what the DNS server holds, so that a restarted instance or a new owner judges as the writer would: the
     * mark says what its write wrote. A mark of an older release does not: then the record is ours unchanged only if it
     * serves one of the decision's earlier steps (the next write not made yet), and anything else is drift.
     */
    private boolean changedByHand(OwnerMark mark, ServedRecord served, FailoverGroup config, List<RecordSet> wanted) {
        Optional<Boolean> asWritten = mark.stillServes(managed(served.sets(), wanted));
        if (asWritten.isPresent()) {
            return !asWritten.get();
        }
        for (int step = 0; step < desired.step(); step++) {
            if (matches(served.sets(), traffic.wanted(config, desired.atStep(step)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * No decision yet (epoch 0): the chain's first target is desired and observed like a decision (ADR 0006). A record
     * serving it (with whatever TTL it was deployed with: the TTL moves no traffic) is converged and left as it is, mark
     * or none, so nothing is written before a decision while the record is as deployed. Anything else is drift: reported, and written back only under {@code drift: correct}, marked epoch
     * 0, conditionally on the mark read; a newer epoch's mark (a decision this instance has not seen) supersedes it.
     */
    private Duration initial(Instant now) {
        Optional<FailoverGroup> found = topology.group(group);
        if (found.isEmpty() || found.get().mode() == GroupMode.SHADOW || found.get().targets().isEmpty()) {
            return settings.resync(); // nothing to observe: stays idle
        }
        FailoverGroup config = found.get();
        initialTarget = config.primary().id();
        if (convergence instanceof Convergence.Blocked) {
            if (!retryRequested.getAndSet(false)) {
                return settings.resync();
            }
            attempt = 0;
            convergence = new Convergence.Converging(0, "tried again after BLOCKED", now);
        }
        try {
            return initialPass(config, now);
        } finally {
            publishStatus(null);
        }
    }

    private Duration initialPass(FailoverGroup config, Instant now) {
        RecordKey key = RecordKey.of(config);
        ReadOutcome read = dns.read(key, Optional.empty());
        if (!(read instanceof ReadOutcome.Served ok)) {
            return notRead(read, key, now);
        }
        ServedRecord served = ok.record();
        publishStatus(served.describe());
        Optional<OwnerMark> owner = served.owner();
        if (owner.isPresent() && owner.get().epoch() > 0) {
            return supersede(owner.get(), now);
        }
        List<RecordSet> wanted = traffic.initial(config);
        if (matches(withoutTtl(served.sets()), withoutTtl(wanted))) { // the deployed record keeps its own TTL
            attempt = 0;
            unservedSince = null;
            if (!(convergence instanceof Convergence.Converged)) {
                convergence = new Convergence.Converged(now, 0);
                report(ActuationStep.RECONCILE, ActuationStatus.CONVERGED, dns.name(), key.name() + " serves the initial state "
                        + describe(wanted) + " (" + initialTarget + ", the chain's first target; no decision yet)", now);
            }
            return settings.resync();
        }
        boolean ourWrite = owner.isPresent() && owner.get().group().equals(group)
                && owner.get().stillServes(managed(served.sets(), wanted)).orElse(false);
        if (!ourWrite) { // not as the plane wrote it: as deployed, or changed by hand
            convergence = new Convergence.Drifted(served.describe(), now);
            if (unservedSince == null) {
                unservedSince = now;
            }
            boolean correct = config.dns().drift() == DriftPolicy.CORRECT;
            publishOnce(ActuationStep.RECONCILE, ActuationStatus.DRIFT, dns.name(), key.name() + " is served as "
                    + served.describe() + " but, with no decision yet, the initial state wants " + describe(wanted) + " ("
                    + initialTarget + ")" + (correct ? "; correcting it" : "; reported, not corrected (drift: report)"), now);
            if (!correct) {
                return settings.resync();
            }
        }
        Optional<Duration> capacityWait = capacityWait(config.primary(), now);
        if (capacityWait.isPresent()) {
            return capacityWait.get();
        }
        RecordWrite write = new RecordWrite(key, served.ownerText(), OwnerMark.of(group, 0, INITIAL_DECISION_ID, wanted), wanted);
        return write(write, ActuationStep.DNS_SWITCH, "initial state, no decision yet", now);
    }

    /**
     * The read shows the desired step served: verify, move a stepped failback or a planned move on once the step has been
     * held as long as the plan says, or settle and tidy up.
     */
    private Duration served(FailoverGroup config, ServedRecord served, Instant now) {
        int steps = traffic.steps(config, desired);
        if (desired.step() < steps - 1) {
            Duration hold = traffic.holdAfter(config, desired, settings.stepPause());
            if (stepServedAt == null) {
                stepServedAt = now;
                heldUntil = now.plus(hold);
                String step = traffic.describeStep(config, desired);
                report(ActuationStep.VERIFY, ActuationStatus.SUCCEEDED, dns.name(), step + " served: " + served.describe()
                        + "; next step after " + hold, now);
                // the group's status names the step it holds in, so operators see where a long move stands
                publishOnce(ActuationStep.RECONCILE, ActuationStatus.CONVERGING, dns.name(), step + " served; next step at "
                        + now.plus(hold), now);
            }
            Duration left = Duration.between(now, stepServedAt.plus(hold));
            if (!left.isNegative() && !left.isZero()) {
                return left;
            }
            return moveTo(desired.atStep(desired.step() + 1));
        }
        boolean first = !servedOnce;
        boolean wasNotServed = !(convergence instanceof Convergence.Converged);
        servedOnce = true;
        attempt = 0;
        unservedSince = null;
        if (servedSince == null) {
            servedSince = now;
        }
        long fromDecision = Duration.between(desired.decision().issuedAt(), now).toMillis();
        if (wasNotServed) {
            convergence = new Convergence.Converged(now, fromDecision);
            report(ActuationStep.VERIFY, ActuationStatus.SUCCEEDED, dns.name(), dns.name() + " serves " + config.dns().name() + " as "
                    + served.describe() + " (epoch " + desired.epoch() + ")", now);
            if (first) {
                report(ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED, dns.name(), desired.decision().kind() + " of " + group
                        + " to " + desired.target() + " served", desired.decision().issuedAt());
            }
            report(ActuationStep.RECONCILE, ActuationStatus.CONVERGED, dns.name(), "served as decided, " + fromDecision
                    + " ms after the decision", now);
        }
        return scaleDownIfDue(config, now);
    }

    /**
     * The provider took the write as change {@code reference}, which it may not serve everywhere yet: it becomes part of
     * the desired state and is stored, so that a restarted or new owner asks about it too before it calls the group
     * converged. Its id is known only once the write is taken, so it is stored right after it; a save that fails fails the
     * pass, and the next pass stores it before it reads (this instance asks about it meanwhile all the same).
     */
    private void changeWritten(String reference) {
        DesiredState next = desired.written(reference);
        if (!latest.compareAndSet(desired, next)) {
            return; // a newer decision arrived meanwhile: it wins, and writes its own change
        }
        desired = next;
        changeUnstored = true;
        store.save(next);
        changeUnstored = false;
    }

    /**
     * A read saw the pending change served everywhere: this instance asks no more about it. Not stored again (no write to
     * the store per converged group): an owner restored from the stored state asks once more and finds it in sync.
     */
    private void changePropagated() {
        DesiredState next = desired.propagated();
        changeUnstored = false;
        if (latest.compareAndSet(desired, next)) {
            desired = next;
        }
    }

    /** Moves on to another step of the same decision, stored so that a restart resumes from it; the next pass acts. */
    private Duration moveTo(DesiredState next) {
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

    /** Empty when the target can take traffic; otherwise when to look again. */
    private Optional<Duration> capacityWait(Target target, Instant now) {
        ScalingRef ref = target.scaling();
        if (ref == null) {
            if (!capacityReported) {
                capacityReported = true;
                report(ActuationStep.SCALE_UP, ActuationStatus.SKIPPED, null, "target " + target.id()
                        + " has no scaling ref; it runs at size", now);
            }
            return Optional.empty();
        }
        String provider = ref.kind().label();
        Optional<CapacityOutcome> read = scalers.observe(ref);
        if (read.isEmpty()) {
            return Optional.of(block(ActuationStep.SCALE_UP, provider, "no scaler is configured for " + provider
                    + "; DNS not switched to a target that may be empty", now));
        }
        CapacityOutcome observed = read.get();
        if (observed instanceof CapacityOutcome.Unavailable unavailable) {
            return Optional.of(notReady(target, ref, provider + " unavailable while reading " + target.id() + "'s capacity: "
                    + unavailable.reason(), now, null));
        }
        if (observed instanceof CapacityOutcome.Rejected rejected) {
            return Optional.of(block(ActuationStep.SCALE_UP, provider, "reading " + target.id() + "'s capacity was refused: "
                    + rejected.reason(), now));
        }
        CapacityOutcome.Observed capacity = (CapacityOutcome.Observed) observed;
        if (capacity.ready() >= ref.activeSize()) {
            capacityWaitSince = null;
            if (!capacityReported) {
                capacityReported = true;
                report(ActuationStep.SCALE_UP, ActuationStatus.SUCCEEDED, provider, target.id() + " ready: " + capacity.ready()
                        + " of " + ref.activeSize(), now);
            }
            return Optional.empty();
        }
        if (capacity.desired() < ref.activeSize()) {
            ScaleOutcome asked = scalers.scaleUp(ref).orElseThrow();
            if (asked instanceof ScaleOutcome.Rejected rejected) {
                report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, rejected.reason() + "; DNS not switched", now);
                return Optional.of(block(ActuationStep.SCALE_UP, provider, "scale-up of " + target.id() + " refused: "
                        + rejected.reason(), now));
            }
            if (asked instanceof ScaleOutcome.Unavailable unavailable) {
                return Optional.of(notReady(target, ref, provider + " unavailable while scaling " + target.id() + " up: "
                        + unavailable.reason(), now, null));
            }
        }
        // not a failure yet: capacity is on its way; look again at the poll interval
        return Optional.of(notReady(target, ref, target.id() + " not ready yet: " + capacity.ready() + " of "
                + ref.activeSize() + " ready", now, settings.capacityPoll()));
    }

    /**
     * The target cannot take traffic yet ({@code reading} says why): wait (with backoff, or the given poll interval), but
     * no longer than its {@code readyTimeoutSeconds} from this desired state's first look at it (a retry after BLOCKED
     * starts again), then block with the last reading. The start is kept in memory: after a restart or a take-over the
     * new owner waits a full timeout from its own first look (longer, never shorter).
     */
    private Duration notReady(Target target, ScalingRef ref, String reading, Instant now, Duration poll) {
        if (capacityWaitSince == null) {
            capacityWaitSince = now;
        }
        Instant deadline = capacityWaitSince.plusSeconds(ref.readyTimeoutSeconds());
        if (!now.isBefore(deadline)) {
            String provider = ref.kind().label();
            String reason = target.id() + " not ready within readyTimeoutSeconds " + ref.readyTimeoutSeconds() + " (waiting"
                    + " since " + capacityWaitSince + "); last reading: " + reading;
            report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, reason + "; DNS not switched", now);
            return block(ActuationStep.SCALE_UP, provider, reason, now);
        }
        return min(retryLater(reading + "; DNS waits for it", now, poll), Duration.between(now, deadline));
    }

    /** After a failback (or a drill's end), the target traffic left goes back to pilot light — never the active one. */
    private Duration scaleDownIfDue(FailoverGroup config, Instant now) {
        Decision decision = desired.decision();
        String left = decision.fromTarget();
        if (scaleDownDone || settings.scaleDownAfter() == null || left == null || left.equals(desired.target())
                || (decision.kind() != DecisionKind.FAILBACK && decision.kind() != DecisionKind.DRILL_END
                        && decision.kind() != DecisionKind.DRILL_ABORT)) {
            return settings.resync();
        }
        Optional<ScalingRef> ref = config.target(left).map(Target::scaling).filter(s -> s.pilotLightSize() != null);
        if (ref.isEmpty()) {
            scaleDownDone = true;
            return settings.resync();
        }
        Duration due = Duration.between(now, servedSince.plus(settings.scaleDownAfter()));
        if (due.compareTo(Duration.ZERO) > 0) {
            return min(due, settings.resync());
        }
        String provider = ref.get().kind().label();
        ScaleOutcome outcome = scalers.scaleDown(ref.get()).orElse(new ScaleOutcome.Rejected("no scaler for " + provider));
        if (outcome instanceof ScaleOutcome.Unavailable unavailable) {
            publishOnce(ActuationStep.SCALE_DOWN, ActuationStatus.FAILED, provider, "unavailable, trying again: "
                    + unavailable.reason(), now);
            return settings.resync();
        }
        scaleDownDone = true;
        if (outcome instanceof ScaleOutcome.Requested requested) {
            report(ActuationStep.SCALE_DOWN, ActuationStatus.SUCCEEDED, provider, left + " back to pilot light: "
                    + requested.details(), now);
        } else {
            report(ActuationStep.SCALE_DOWN, ActuationStatus.FAILED, provider, left + " keeps its size: "
                    + ((ScaleOutcome.Rejected) outcome).reason(), now);
        }
        return settings.resync();
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
        lastPublished.clear();
        unservedSince = now;
        retryRequested.set(false);
        if (desired.decision().mode() == DecisionMode.SHADOW) {
            convergence = new Convergence.Shadow();
            report(ActuationStep.COMPLETE, ActuationStatus.SKIPPED, null, "shadow decision: recorded, not acted on", now);
            unservedSince = null;
        } else {
            convergence = new Convergence.Converging(0, null, now);
            report(ActuationStep.FENCE, ActuationStatus.SUCCEEDED, null, "epoch " + desired.epoch()
                    + " is above the previous desired epoch " + previous, now);
        }
        publishStatus(null);
    }

    private Duration retryLater(String error, Instant now) {
        return retryLater(error, now, null);
    }

    /** A passing failure: keep trying, with backoff (or the given poll interval), until served or superseded. */
    private Duration retryLater(String error, Instant now, Duration poll) {
        attempt++;
        Instant since = convergence instanceof Convergence.Converging c ? c.since() : now;
        convergence = new Convergence.Converging(attempt, error, since);
        if (unservedSince == null) {
            unservedSince = now;
        }
        publishOnce(ActuationStep.RECONCILE, ActuationStatus.CONVERGING, dns.name(), "attempt " + attempt + ": " + error, now);
        return poll != null ? poll : settings.backoff().after(attempt);
    }

    /**
     * A read that did not say what is served: not reachable (try again), throttled (try again, later), an ownership record
     * no write can be based on or a refusal (blocked, with the reason).
     */
    private Duration notRead(ReadOutcome read, RecordKey key, Instant now) {
        if (read instanceof ReadOutcome.Throttled throttled) {
            return retryThrottled("reading " + key.name() + " throttled by " + dns.name() + ": " + throttled.reason(), now);
        }
        if (read instanceof ReadOutcome.OwnerRecordUnusable unusable) {
            return block(ActuationStep.FENCE, dns.name(), unusable.reason(), now);
        }
        if (read instanceof ReadOutcome.Rejected rejected) {
            return block(ActuationStep.VERIFY, dns.name(), "reading " + key.name() + " was refused: " + rejected.reason(), now);
        }
        return retryLater("cannot read " + key.name() + " from " + dns.name() + ": "
                + ((ReadOutcome.Unavailable) read).reason(), now);
    }

    /** The provider asked to slow down: keep trying, with the longer backoff of throttling. */
    private Duration retryThrottled(String error, Instant now) {
        retryLater(error, now);
        return settings.backoff().afterThrottled(attempt);
    }

    private Duration block(ActuationStep step, String provider, String reason, Instant now) {
        convergence = new Convergence.Blocked(reason, now);
        if (unservedSince == null) {
            unservedSince = now;
        }
        report(ActuationStep.RECONCILE, ActuationStatus.BLOCKED, provider, reason + " (" + step + "; retried after a new decision,"
                + " a configuration change or an operator's retry)", now);
        publishStatus(null);
        return settings.resync();
    }

    private Duration supersede(OwnerMark owner, Instant now) {
        convergence = new Convergence.Superseded(owner.epoch());
        publishOnce(ActuationStep.RECONCILE, ActuationStatus.SUPERSEDED, dns.name(), "the record was written by epoch "
                + owner.epoch() + " (decision " + owner.decisionId() + "), newer than epoch " + (desired == null ? 0 : desired.epoch())
                + ": this instance changes nothing", now);
        return settings.resync();
    }

    private static boolean matches(List<RecordSet> served, List<RecordSet> wanted) {
        for (RecordSet w : wanted) {
            boolean found = served.stream().anyMatch(s -> Objects.equals(s.setIdentifier(), w.setIdentifier())
                    && Objects.equals(s.weight(), w.weight()) && Objects.equals(s.values(), w.values())
                    && Objects.equals(s.alias(), w.alias()) && (w.alias() != null || Objects.equals(s.ttl(), w.ttl())));
            if (!found) {
                return false;
            }
        }
        return wanted.size() == served.stream().filter(s -> wanted.stream()
                .anyMatch(w -> Objects.equals(w.setIdentifier(), s.setIdentifier()))).count();
    }

    /** The served sets this group manages: those with a set identifier it writes (the one set, with simple routing). */
    private static List<RecordSet> managed(List<RecordSet> served, List<RecordSet> wanted) {
        return served.stream().filter(s -> wanted.stream().anyMatch(w -> Objects.equals(w.setIdentifier(), s.setIdentifier())))
                .toList();
    }

    private static List<RecordSet> withoutTtl(List<RecordSet> sets) {
        return sets.stream().map(s -> new RecordSet(s.setIdentifier(), s.weight(), null, s.values(), s.alias())).toList();
    }

    private static String describe(List<RecordSet> sets) {
        return sets.stream().map(RecordSet::describe).reduce((a, b) -> a + ", " + b).orElse("nothing");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Publishes a result unless the same step said the same thing last (a long wait is not a flood of events). */
    private void publishOnce(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt) {
        String said = status + " " + details.replaceFirst("^attempt \\d+: ", "");
        if (said.equals(lastPublished.put(step.name(), said))) {
            return;
        }
        report(step, status, provider, details, startedAt);
    }

    private void report(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt) {
        if (desired == null) { // the initial state: epoch 0, no decision
            sink.accept(new ActuationResult(EventCodec.SCHEMA_VERSION, group, INITIAL_DECISION_ID, 0L, step, status, provider,
                    details, startedAt, clock.instant(), null, null));
        } else {
            report(desired.decision(), step, status, provider, details, startedAt);
        }
        if (step != ActuationStep.RECONCILE) {
            lastPublished.remove(ActuationStep.RECONCILE.name());
        }
    }

    private void report(Decision decision, ActuationStep step, ActuationStatus status, String provider, String details,
            Instant startedAt) {
        Instant now = clock.instant();
        sink.accept(new ActuationResult(EventCodec.SCHEMA_VERSION, group, decision.decisionId(), decision.epoch(), step, status,
                provider, details, startedAt, now, Duration.between(decision.issuedAt(), now).toMillis(), decision.kind()));
    }

    private void publishStatus(String served) {
        Status previous = status;
        status = new Status(group, desired, convergence, unservedSince, served != null ? served : previous.served(),
                desired == null ? initialTarget : null, heldUntil);
    }
}
