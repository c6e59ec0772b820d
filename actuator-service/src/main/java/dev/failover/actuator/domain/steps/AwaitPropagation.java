package dev.failover.actuator.domain.steps;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;

/**
 * The record serves what is wanted, but the provider may not serve the change everywhere yet (Route 53
 * PENDING): wait for it at the poll interval. Once a read sees it propagated, nobody asks about it any more.
 */
record AwaitPropagation() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!pass.servedAsWanted()) {
            return pass.go();
        }
        if (!pass.served().propagated()) {
            return pass.retryLater("written, not yet served everywhere by " + use.dns().name(),
                    use.settings().capacityPoll(), use);
        }
        String lane = use.lane().id();
        return pass.goal().changeToCheck(lane).isPresent() ? pass.changePropagated(lane).go() : pass.go();
    }
}
