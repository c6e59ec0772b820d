package dev.failover.actuator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.domain.ReconcileStep.Next;
import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.CapacityPolicy;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;

/**
 * A write that sends traffic to the target waits until the target can take it: a target with a scaling ref is
 * asked for its active size once and observed at the poll interval until ready, for no longer than its
 * {@code readyTimeoutSeconds} (then the group is blocked, DNS not switched). The first step of a planned move only
 * lowers the TTL of the record as it is, and waits for nothing.
 */
record EnsureCapacity() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use, PassContext group) {
        if (pass.goal() instanceof Goal.Decided goal && !use.traffic().sendsTrafficToTarget(goal.config(), goal.desired())) {
            return ReconcileStep.go(pass);
        }
        boolean forced = pass.goal() instanceof Goal.Decided goal && goal.desired().decision().kind() == DecisionKind.FORCE;
        Optional<Duration> wait = capacityWait(pass.goal().target(), forced, pass.now(), use, group);
        return wait.isPresent() ? ReconcileStep.done(wait.get()) : ReconcileStep.go(pass);
    }

    /**
     * Empty when the target can take traffic; otherwise when to look again.
     *
     * @param forced an operator's FORCE: capacity that cannot be read (the region's scaling API impaired) does not hold it
     *               back — capacity unknown is not capacity short (issue 52); a known shortfall still does. A ref with
     *               {@code capacity: best-effort} is treated so for every decision.
     */
    private static Optional<Duration> capacityWait(Target target, boolean forced, Instant now, Backends use,
            PassContext group) {
        ScalingRef ref = target.scaling();
        if (ref == null) {
            group.reportCapacityOnce(ActuationStatus.SKIPPED, null, "target " + target.id()
                    + " has no scaling ref; it runs at size", now);
            return Optional.empty();
        }
        String provider = ref.kind().label();
        Optional<CapacityOutcome> read = use.scalers().observe(ref);
        if (read.isEmpty()) {
            return Optional.of(group.block(ActuationStep.SCALE_UP, provider, "no scaler is configured for " + provider
                    + "; DNS not switched to a target that may be empty", now));
        }
        CapacityOutcome observed = read.get();
        Optional<String> goesAheadUnknown = forced ? Optional.of("an operator's FORCE")
                : ref.capacity() == CapacityPolicy.BEST_EFFORT ? Optional.of("capacity: best-effort") : Optional.empty();
        if (observed instanceof CapacityOutcome.Unavailable unavailable && goesAheadUnknown.isPresent()) {
            group.reportCapacityOnce(ActuationStatus.SKIPPED, provider, "capacity unknown: " + provider + " unavailable "
                    + "while reading " + target.id() + "'s capacity (" + unavailable.reason() + "); " + goesAheadUnknown.get()
                    + " goes ahead without it", now);
            return Optional.empty();
        }
        if (observed instanceof CapacityOutcome.Unavailable unavailable) {
            return Optional.of(notReady(target, ref, provider + " unavailable while reading " + target.id() + "'s capacity: "
                    + unavailable.reason(), now, null, group));
        }
        if (observed instanceof CapacityOutcome.Rejected rejected) {
            return Optional.of(group.block(ActuationStep.SCALE_UP, provider, "reading " + target.id()
                    + "'s capacity was refused: " + rejected.reason(), now));
        }
        CapacityOutcome.Observed capacity = (CapacityOutcome.Observed) observed;
        if (capacity.ready() >= ref.activeSize()) {
            group.capacityWaitOver();
            group.reportCapacityOnce(ActuationStatus.SUCCEEDED, provider, target.id() + " ready: " + capacity.ready() + " of "
                    + ref.activeSize(), now);
            return Optional.empty();
        }
        if (capacity.desired() < ref.activeSize()) {
            ScaleOutcome asked = use.scalers().scaleUp(ref).orElseThrow();
            if (asked instanceof ScaleOutcome.Rejected rejected) {
                group.report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, rejected.reason() + "; DNS not switched",
                        now);
                return Optional.of(group.block(ActuationStep.SCALE_UP, provider, "scale-up of " + target.id() + " refused: "
                        + rejected.reason(), now));
            }
            if (asked instanceof ScaleOutcome.Unavailable unavailable) {
                return Optional.of(notReady(target, ref, provider + " unavailable while scaling " + target.id() + " up: "
                        + unavailable.reason(), now, null, group));
            }
        }
        // not a failure yet: capacity is on its way; look again at the poll interval
        return Optional.of(notReady(target, ref, target.id() + " not ready yet: " + capacity.ready() + " of "
                + ref.activeSize() + " ready", now, use.settings().capacityPoll(), group));
    }

    /**
     * The target cannot take traffic yet ({@code reading} says why): wait (with backoff, or the given poll interval), but
     * no longer than its {@code readyTimeoutSeconds} from this desired state's first look at it (a retry after BLOCKED
     * starts again), then block with the last reading. The start is kept in memory: after a restart or a take-over the
     * new owner waits a full timeout from its own first look (longer, never shorter).
     */
    private static Duration notReady(Target target, ScalingRef ref, String reading, Instant now, Duration poll,
            PassContext group) {
        Instant since = group.capacityWaitSince(now);
        Instant deadline = since.plusSeconds(ref.readyTimeoutSeconds());
        if (!now.isBefore(deadline)) {
            String provider = ref.kind().label();
            String reason = target.id() + " not ready within readyTimeoutSeconds " + ref.readyTimeoutSeconds() + " (waiting"
                    + " since " + since + "); last reading: " + reading;
            group.report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, reason + "; DNS not switched", now);
            return group.block(ActuationStep.SCALE_UP, provider, reason, now);
        }
        Duration retry = group.retryLater(reading + "; DNS waits for it", now, poll);
        Duration untilDeadline = Duration.between(now, deadline);
        return retry.compareTo(untilDeadline) <= 0 ? retry : untilDeadline;
    }
}
