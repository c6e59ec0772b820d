package dev.failover.actuator.domain.steps;

import java.util.Optional;

import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.steps.Pass.Ownership;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;

/**
 * The ownership mark. A newer epoch's mark (a decision this instance has not seen) supersedes the goal: the
 * pass ends and changes nothing. Otherwise the record is ours (this group's mark of the goal's epoch) or not.
 */
record CheckOwner() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        Optional<OwnerMark> owner = pass.served().owner();
        long epoch = pass.goal().epoch();
        if (owner.isPresent() && owner.get().epoch() > epoch) {
            return pass.supersede(owner.get(), use);
        }
        boolean ours = owner.isPresent() && owner.get().epoch() == epoch && owner.get().group().equals(use.group());
        return pass.owned(ours ? new Ownership.Ours(owner.get()) : new Ownership.NotOurs()).go();
    }
}
