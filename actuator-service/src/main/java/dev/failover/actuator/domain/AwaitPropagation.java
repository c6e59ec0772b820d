package dev.failover.actuator.domain;

import dev.failover.actuator.domain.ReconcileStep.Next;

/**
 * The record serves what is wanted, but the provider may not serve the change everywhere yet (Route 53
 * PENDING): wait for it at the poll interval. Once a read sees it propagated, nobody asks about it any more.
 */
record AwaitPropagation() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use, PassContext group) {
        if (!pass.servedAsWanted()) {
            return ReconcileStep.go(pass);
        }
        if (!pass.served().propagated()) {
            return ReconcileStep.done(group.retryLater("written, not yet served everywhere by " + use.dns().name(),
                    pass.now(), use.settings().capacityPoll()));
        }
        if (pass.goal().changeToCheck().isPresent()) {
            group.changePropagated();
        }
        return ReconcileStep.go(pass);
    }
}
