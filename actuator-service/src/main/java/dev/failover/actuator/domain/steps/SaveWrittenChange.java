package dev.failover.actuator.domain.steps;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;

/**
 * A change written whose save failed (the pass that wrote it threw) is stored before the record is read again,
 * so that a restarted or new owner asks about it too.
 */
record SaveWrittenChange() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        return pass.saveUnstoredChange().go();
    }
}
