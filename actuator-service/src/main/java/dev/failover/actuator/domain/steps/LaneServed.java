package dev.failover.actuator.domain.steps;

import java.time.Duration;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;

/**
 * A lane of a group of several serves the goal, read back and propagated: its pass ends until its next resync, which
 * reads it again for drift (ADR 0036, "Each lane's backoff, budget, drift check and lease are its own"). The group's
 * VERIFY, COMPLETE and RECONCILE are said by the group's steps, not here.
 */
record LaneServed() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!pass.servedAsWanted()) {
            return pass.go();
        }
        long fromDecision = pass.goal() instanceof Goal.Decided goal
                ? Duration.between(goal.desired().decision().issuedAt(), pass.now()).toMillis() : 0;
        return pass.with(pass.progress().settled(pass.now(), fromDecision)).done(use.settings().resync());
    }
}
