package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.FailoverGroup;

/**
 * A served step that is not the decision's last (of a stepped failback or a planned move) is held as long as the
 * plan says, then the decision moves on to its next step (stored first; the next pass writes it).
 */
record HoldStep() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || !pass.servedAsWanted()) {
            return pass.go();
        }
        TrafficPlan traffic = use.traffic();
        FailoverGroup config = goal.config();
        DesiredState desired = goal.desired();
        if (desired.step() >= traffic.steps(config, desired) - 1) {
            return pass.go();
        }
        Instant now = pass.now();
        Duration hold = traffic.holdAfter(config, desired, use.settings().stepPause());
        Instant since = pass.progress().stepServedAt();
        if (since == null) {
            since = now;
            String step = traffic.describeStep(config, desired);
            pass = pass.with(pass.progress().held(now, hold))
                    .report(ActuationStep.VERIFY, ActuationStatus.SUCCEEDED, use.dns().name(), step + " served: "
                            + pass.served().describe() + "; next step after " + hold)
                    // the group's status names the step it holds in, so operators see where a long move stands
                    .publishOnce(ActuationStep.RECONCILE, ActuationStatus.CONVERGING, use.dns().name(), step
                            + " served; next step at " + now.plus(hold));
        }
        Duration left = Duration.between(now, since.plus(hold));
        if (!left.isNegative() && !left.isZero()) {
            return pass.done(left);
        }
        return pass.moveTo(desired.atStep(desired.step() + 1));
    }
}
