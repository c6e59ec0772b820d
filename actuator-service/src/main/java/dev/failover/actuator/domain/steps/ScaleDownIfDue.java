package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;

/**
 * A decision served; after a failback (or a drill's end) the target traffic left goes back to pilot light once
 * {@code scaleDownAfter} has passed — never the active one. The pass of a served decision ends here.
 */
record ScaleDownIfDue() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || !pass.servedAsWanted()) {
            return pass.go();
        }
        if (!pass.everyLaneServes()) {
            // served as the group's policy says, but a lane still sends clients to the target left: it is written
            // under the gate after the group's steps, and nothing scales down before it serves (ADR 0036)
            return pass.go();
        }
        Duration resync = use.settings().resync();
        Duration after = use.settings().scaleDownAfter();
        Decision decision = goal.desired().decision();
        String left = decision.fromTarget();
        if (pass.progress().scaleDownDone() || after == null || left == null || left.equals(decision.toTarget())
                || (decision.kind() != DecisionKind.FAILBACK && decision.kind() != DecisionKind.DRILL_END
                        && decision.kind() != DecisionKind.DRILL_ABORT)) {
            return pass.done(resync);
        }
        Optional<ScalingRef> ref = goal.config().target(left).map(Target::scaling)
                .filter(s -> s.pilotLightSize() != null);
        if (ref.isEmpty()) {
            return pass.with(pass.progress().scaledDown()).done(resync);
        }
        Instant now = pass.now();
        Duration due = Duration.between(now, pass.progress().servedSince().plus(after));
        if (due.compareTo(Duration.ZERO) > 0) {
            return pass.done(due.compareTo(resync) <= 0 ? due : resync);
        }
        String provider = ref.get().kind().label();
        ScaleOutcome outcome = use.scalers().scaleDown(ref.get())
                .orElse(new ScaleOutcome.Rejected("no scaler for " + provider));
        if (outcome instanceof ScaleOutcome.Unavailable unavailable) {
            return pass.publishOnce(ActuationStep.SCALE_DOWN, ActuationStatus.FAILED, provider,
                    "unavailable, trying again: " + unavailable.reason()).done(resync);
        }
        pass = pass.with(pass.progress().scaledDown());
        if (outcome instanceof ScaleOutcome.Requested requested) {
            return pass.report(ActuationStep.SCALE_DOWN, ActuationStatus.SUCCEEDED, provider, left
                    + " back to pilot light: " + requested.details()).done(resync);
        }
        return pass.report(ActuationStep.SCALE_DOWN, ActuationStatus.FAILED, provider, left + " keeps its size: "
                + ((ScaleOutcome.Rejected) outcome).reason()).done(resync);
    }
}
