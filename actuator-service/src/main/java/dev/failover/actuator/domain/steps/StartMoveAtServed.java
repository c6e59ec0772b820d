package dev.failover.actuator.domain.steps;

import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;

/**
 * A planned move that has written nothing yet starts from what is served ({@link TrafficPlan#fitToServed}): a
 * record that does not serve the move's from-target has no TTL to lower, and the move starts at the switch. Once the
 * record is ours, a change is drift ({@link HandleDrift}).
 */
record StartMoveAtServed() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || pass.owner() instanceof Pass.Ownership.Ours) {
            return pass.go();
        }
        ServedRecord served = pass.served();
        DesiredState fitted = use.traffic().fitToServed(goal.config(), goal.desired(), served.sets());
        if (fitted == goal.desired()) {
            return pass.go();
        }
        return pass.report(ActuationStep.LOWER_TTL, ActuationStatus.SKIPPED, use.dns().name(), pass.key().name()
                + " is served as " + served.describe() + ", not by " + goal.desired().decision().fromTarget()
                + ": no TTL to lower on it; the move starts at the switch").moveTo(fitted);
    }
}
