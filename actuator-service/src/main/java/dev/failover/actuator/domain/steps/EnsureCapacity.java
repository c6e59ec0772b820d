package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
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
    public Next apply(Pass pass, Backends use) {
        if (pass.goal() instanceof Goal.Decided goal
                && !use.traffic().sendsTrafficToTarget(goal.config(), goal.desired())) {
            return pass.go();
        }
        boolean forced = pass.goal() instanceof Goal.Decided goal
                && goal.desired().decision().kind() == DecisionKind.FORCE;
        return capacityWait(pass.goal().target(), forced, pass, use);
    }

    /**
     * Goes on when the target can take traffic; otherwise ends the pass with when to look again.
     *
     * @param forced an operator's FORCE: capacity that cannot be read (the region's scaling API impaired) does not hold it
     *               back — capacity unknown is not capacity short; a known shortfall still does. A ref with
     *               {@code capacity: best-effort} is treated so for every decision.
     */
    private static Next capacityWait(Target target, boolean forced, Pass pass, Backends use) {
        ScalingRef ref = target.scaling();
        if (ref == null) {
            return reportOnce(pass, ActuationStatus.SKIPPED, null, "target " + target.id()
                    + " has no scaling ref; it runs at size").go();
        }
        String provider = ref.kind().label();
        Optional<CapacityOutcome> read = use.scalers().observe(ref);
        if (read.isEmpty()) {
            return pass.block(ActuationStep.SCALE_UP, provider, "no scaler is configured for " + provider
                    + "; DNS not switched to a target that may be empty", use);
        }
        CapacityOutcome observed = read.get();
        Optional<String> goesAheadUnknown = forced ? Optional.of("an operator's FORCE")
                : ref.capacity() == CapacityPolicy.BEST_EFFORT ? Optional.of("capacity: best-effort")
                        : Optional.empty();
        if (observed instanceof CapacityOutcome.Unavailable unavailable && goesAheadUnknown.isPresent()) {
            return reportOnce(pass, ActuationStatus.SKIPPED, provider, "capacity unknown: " + provider + " unavailable "
                    + "while reading " + target.id() + "'s capacity (" + unavailable.reason() + "); "
                    + goesAheadUnknown.get() + " goes ahead without it").go();
        }
        if (observed instanceof CapacityOutcome.Unavailable unavailable) {
            return notReady(target, ref, provider + " unavailable while reading " + target.id() + "'s capacity: "
                    + unavailable.reason(), null, pass, use);
        }
        if (observed instanceof CapacityOutcome.Rejected rejected) {
            return pass.block(ActuationStep.SCALE_UP, provider, "reading " + target.id() + "'s capacity was refused: "
                    + rejected.reason(), use);
        }
        CapacityOutcome.Observed capacity = (CapacityOutcome.Observed) observed;
        if (capacity.ready() >= ref.activeSize()) {
            return reportOnce(pass.with(pass.progress().capacityWaitOver()), ActuationStatus.SUCCEEDED, provider,
                    target.id() + " ready: " + capacity.ready() + " of " + ref.activeSize()).go();
        }
        if (capacity.desired() < ref.activeSize()) {
            ScaleOutcome asked = use.scalers().scaleUp(ref).orElseThrow();
            if (asked instanceof ScaleOutcome.Rejected rejected) {
                return pass.report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, rejected.reason()
                        + "; DNS not switched").block(ActuationStep.SCALE_UP, provider, "scale-up of " + target.id()
                                + " refused: " + rejected.reason(), use);
            }
            if (asked instanceof ScaleOutcome.Unavailable unavailable) {
                return notReady(target, ref, provider + " unavailable while scaling " + target.id() + " up: "
                        + unavailable.reason(), null, pass, use);
            }
        }
        // not a failure yet: capacity is on its way; look again at the poll interval
        return notReady(target, ref, target.id() + " not ready yet: " + capacity.ready() + " of " + ref.activeSize()
                + " ready", use.settings().capacityPoll(), pass, use);
    }

    /** Reports the target's capacity once per desired state. */
    private static Pass reportOnce(Pass pass, ActuationStatus status, String provider, String details) {
        if (pass.progress().capacityReported()) {
            return pass;
        }
        return pass.with(pass.progress().capacityReportedNow()).report(ActuationStep.SCALE_UP, status, provider,
                details);
    }

    /**
     * The target cannot take traffic yet ({@code reading} says why): wait (with backoff, or the given poll interval), but
     * no longer than its {@code readyTimeoutSeconds} from this desired state's first look at it (a retry after BLOCKED
     * starts again), then block with the last reading. The start is kept in memory: after a restart or a take-over the
     * new owner waits a full timeout from its own first look (longer, never shorter).
     */
    private static Next notReady(Target target, ScalingRef ref, String reading, Duration poll, Pass pass,
            Backends use) {
        Instant now = pass.now();
        Pass waiting = pass.with(pass.progress().capacityWaited(now));
        Instant since = waiting.progress().capacityWaitSince();
        Instant deadline = since.plusSeconds(ref.readyTimeoutSeconds());
        if (!now.isBefore(deadline)) {
            String provider = ref.kind().label();
            String reason = target.id() + " not ready within readyTimeoutSeconds " + ref.readyTimeoutSeconds()
                    + " (waiting"
                    + " since " + since + "); last reading: " + reading;
            return waiting
                    .report(ActuationStep.SCALE_UP, ActuationStatus.FAILED, provider, reason + "; DNS not switched")
                    .block(ActuationStep.SCALE_UP, provider, reason, use);
        }
        return waiting.retryLater(reading + "; DNS waits for it", poll, use).atMost(Duration.between(now, deadline));
    }
}
