package dev.failover.actuator.domain.steps;

import java.util.List;
import java.util.Optional;

import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.domain.model.RecordSets;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.steps.Pass.Ownership;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.DriftPolicy;

/**
 * The record does not serve what is wanted: a change by someone else is drift, reported once and written back
 * only under {@code drift: correct}. Judged from what the DNS server holds, so that a restarted instance or a new owner
 * judges as the writer would (ADR 0006).
 */
record HandleDrift() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!changedByHand(pass, use.traffic())) {
            return pass.go();
        }
        boolean correct = pass.goal().config().dns().drift() == DriftPolicy.CORRECT;
        String served = pass.served().describe();
        Pass drifted = pass.with(pass.progress().drifted(served, pass.now())).publishOnce(ActuationStep.RECONCILE,
                ActuationStatus.DRIFT, use.dns().name(), pass.key().name() + " is served as " + served + " "
                        + pass.goal().butWants()
                        + (correct ? "; correcting it" : "; reported, not corrected (drift: report)"));
        return correct ? drifted.go() : drifted.done(use.settings().resync());
    }

    /**
     * The initial state: a record not as the plane wrote it (as deployed, or changed by hand) is drift. A decision: a
     * record that carries our mark but not the wanted sets, when the mark says its write wrote something else. A mark of
     * an older release does not say: then the record is ours unchanged only if it serves one of the decision's earlier
     * steps (the next write not made yet), and anything else is drift. A record that is not ours is no drift: it is
     * taken over by the write.
     */
    private static boolean changedByHand(Pass pass, TrafficPlan traffic) {
        List<RecordSet> served = pass.served().sets();
        Optional<Boolean> asWritten = pass.owner() instanceof Ownership.Ours ours
                ? ours.mark().stillServes(RecordSets.managed(served, pass.goal().wanted()))
                : Optional.empty();
        if (!(pass.goal() instanceof Goal.Decided goal)) {
            return !asWritten.orElse(false);
        }
        if (!(pass.owner() instanceof Ownership.Ours)) {
            return false;
        }
        if (asWritten.isPresent()) {
            return !asWritten.get();
        }
        for (int step = 0; step < goal.desired().step(); step++) {
            if (RecordSets.matches(served, traffic.wanted(goal.config(), goal.desired().atStep(step)))) {
                return false;
            }
        }
        return true;
    }
}
