package dev.failover.actuator.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import dev.failover.actuator.dns.DnsChange;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.ApplyOutcome;
import dev.failover.actuator.dns.DnsProvider.VerifyOutcome;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;

/**
 * Carries out one decision: fence by epoch, scale the target up, switch DNS, verify. Each step's result goes to the
 * sink as soon as it is known. A step that fails stops the plan, so DNS never points at a target that did not become
 * ready. Plain Java; the backends come in through interfaces.
 */
public final class DecisionExecutor {

    private final Topology topology;
    private final EpochFence fence;
    private final DnsProvider dns;
    private final Scalers scalers;
    private final Duration verifyTimeout;
    private final Clock clock;
    private final Duration scaleDownAfter;
    private final DelayedTasks delayed;

    /** Runs a task later; the adapter backs it with a scheduler thread. */
    @FunctionalInterface
    public interface DelayedTasks {
        void schedule(Runnable task, Duration delay);
    }

    public DecisionExecutor(Topology topology, EpochFence fence, DnsProvider dns, Scalers scalers,
            Duration verifyTimeout, Clock clock) {
        this(topology, fence, dns, scalers, verifyTimeout, clock, null, (task, delay) -> {
        });
    }

    /**
     * @param scaleDownAfter after a failback (or the end of a drill), return the target traffic left to its pilot-light
     *                       size after this delay; null never does
     */
    public DecisionExecutor(Topology topology, EpochFence fence, DnsProvider dns, Scalers scalers,
            Duration verifyTimeout, Clock clock, Duration scaleDownAfter, DelayedTasks delayed) {
        this.topology = topology;
        this.fence = fence;
        this.dns = dns;
        this.scalers = scalers;
        this.verifyTimeout = verifyTimeout;
        this.clock = clock;
        this.scaleDownAfter = scaleDownAfter;
        this.delayed = delayed;
    }

    public void execute(Decision decision, Consumer<ActuationResult> sink) {
        Plan plan = new Plan(decision, sink);
        Instant start = clock.instant();
        if (decision.mode() == DecisionMode.SHADOW) {
            plan.report(ActuationStep.COMPLETE, ActuationStatus.SKIPPED, null, "shadow decision: recorded, not acted on", start);
            return;
        }
        long last = fence.lastApplied(decision.group());
        if (decision.epoch() <= last) {
            plan.report(ActuationStep.FENCE, ActuationStatus.SKIPPED, null, "epoch " + decision.epoch()
                    + " is not above the last applied epoch " + last + " of group " + decision.group(), start);
            return;
        }
        Optional<FailoverGroup> group = topology.group(decision.group());
        Optional<Target> target = group.flatMap(g -> g.target(decision.toTarget()));
        if (target.isEmpty()) {
            plan.report(ActuationStep.FENCE, ActuationStatus.FAILED, null, "group " + decision.group() + " or target "
                    + decision.toTarget() + " is not in this actuator's topology; nothing changed", start);
            return;
        }
        plan.report(ActuationStep.FENCE, ActuationStatus.SUCCEEDED, null, "epoch " + decision.epoch()
                + " is above the last applied epoch " + last, start);

        if (!scaleUp(plan, target.get())) {
            return;
        }
        DnsChange change = DnsChange.activate(group.get(), target.get());
        if (decision.kind() == DecisionKind.FAILBACK && decision.fromTarget() != null) {
            change = change.gradualFrom(decision.fromTarget());
        }
        Instant dnsStart = clock.instant();
        ApplyOutcome applied = dns.apply(change);
        if (applied instanceof ApplyOutcome.Rejected rejected) {
            plan.report(ActuationStep.DNS_SWITCH, ActuationStatus.FAILED, dns.name(), "rejected: " + rejected.reason()
                    + " (wanted: " + change.describe() + ")", dnsStart);
            return;
        }
        if (applied instanceof ApplyOutcome.Unavailable unavailable) {
            plan.report(ActuationStep.DNS_SWITCH, ActuationStatus.FAILED, dns.name(), "unavailable after retries: "
                    + unavailable.reason() + " (wanted: " + change.describe() + ")", dnsStart);
            return;
        }
        ApplyOutcome.Applied done = (ApplyOutcome.Applied) applied;
        plan.report(ActuationStep.DNS_SWITCH, ActuationStatus.SUCCEEDED, dns.name(), done.details(), dnsStart);

        Instant verifyStart = clock.instant();
        VerifyOutcome verified = dns.verify(change, done, verifyTimeout);
        if (verified instanceof VerifyOutcome.NotVerified notVerified) {
            plan.report(ActuationStep.VERIFY, ActuationStatus.FAILED, dns.name(), notVerified.reason(), verifyStart);
            return;
        }
        plan.report(ActuationStep.VERIFY, verified instanceof VerifyOutcome.Verified ? ActuationStatus.SUCCEEDED
                : ActuationStatus.SKIPPED, dns.name(), verified instanceof VerifyOutcome.Verified v ? v.details()
                        : ((VerifyOutcome.NotApplicable) verified).why(), verifyStart);
        fence.recordApplied(decision.group(), decision.epoch());
        plan.report(ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED, dns.name(), decision.kind() + " of " + decision.group()
                + " to " + decision.toTarget() + " done", start);
        scheduleScaleDown(plan, group.get());
    }

    /** After a failback, the region traffic left can go back to pilot light, unless a later decision was applied. */
    private void scheduleScaleDown(Plan plan, FailoverGroup group) {
        Decision decision = plan.decision;
        if (scaleDownAfter == null || decision.fromTarget() == null
                || (decision.kind() != DecisionKind.FAILBACK && decision.kind() != DecisionKind.DRILL_END)) {
            return;
        }
        Optional<Target> left = group.target(decision.fromTarget());
        if (left.isEmpty() || left.get().scaling() == null || left.get().scaling().pilotLightSize() == null) {
            return;
        }
        ScalingRef ref = left.get().scaling();
        delayed.schedule(() -> {
            Instant start = clock.instant();
            if (fence.lastApplied(decision.group()) != decision.epoch()) {
                plan.report(ActuationStep.SCALE_DOWN, ActuationStatus.SKIPPED, null, "a later decision was applied; "
                        + decision.fromTarget() + " keeps its size", start);
                return;
            }
            Scaler.ScaleOutcome outcome = scalers.scaleDown(ref).orElseGet(() -> new Scaler.ScaleOutcome.NotReady("no scaler for " + ref.kind().label() + " targets"));
            if (outcome instanceof Scaler.ScaleOutcome.Ready ready) {
                plan.report(ActuationStep.SCALE_DOWN, ActuationStatus.SUCCEEDED, ref.kind().label(), ready.details(), start);
            } else {
                plan.report(ActuationStep.SCALE_DOWN, ActuationStatus.FAILED, ref.kind().label(), outcome.toString(), start);
            }
        }, scaleDownAfter);
    }

    private boolean scaleUp(Plan plan, Target target) {
        Instant start = clock.instant();
        ScalingRef ref = target.scaling();
        if (ref == null) {
            plan.report(ActuationStep.SCALE_UP, ActuationStatus.SKIPPED, null, "target " + target.id()
                    + " has no scaling ref; it runs at size", start);
            return true;
        }
        String provider = ref.kind().label();
        Optional<Scaler.ScaleOutcome> scaled = scalers.scaleUp(ref);
        if (scaled.isEmpty()) {
            plan.report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, "no scaler is configured for " + provider
                    + " targets; DNS not switched to a target that may be empty", start);
            return false;
        }
        Scaler.ScaleOutcome outcome = scaled.get();
        if (outcome instanceof Scaler.ScaleOutcome.NotReady notReady) {
            plan.report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, notReady.reason() + "; DNS not switched", start);
            return false;
        }
        if (outcome instanceof Scaler.ScaleOutcome.Unavailable unavailable) {
            plan.report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, "unavailable after retries: "
                    + unavailable.reason() + "; DNS not switched", start);
            return false;
        }
        plan.report(ActuationStep.SCALE_UP, ActuationStatus.SUCCEEDED, provider,
                ((Scaler.ScaleOutcome.Ready) outcome).details(), start);
        return true;
    }

    /** Builds the results of one decision's steps. */
    private final class Plan {
        private final Decision decision;
        private final Consumer<ActuationResult> sink;

        Plan(Decision decision, Consumer<ActuationResult> sink) {
            this.decision = decision;
            this.sink = sink;
        }

        void report(ActuationStep step, ActuationStatus status, String provider, String details, Instant startedAt) {
            Instant now = clock.instant();
            sink.accept(new ActuationResult(EventCodec.SCHEMA_VERSION, decision.group(), decision.decisionId(), decision.epoch(),
                    step, status, provider, details, startedAt, now, Duration.between(decision.issuedAt(), now).toMillis()));
        }
    }
}
