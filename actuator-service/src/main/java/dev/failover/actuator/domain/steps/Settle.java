package dev.failover.actuator.domain.steps;

import java.time.Duration;
import java.time.Instant;

import dev.failover.actuator.domain.model.RecordSets;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.plan.Progress.Settled;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;

/**
 * The read shows the goal served (its last step): the group is converged, said once when it becomes so. The
 * initial state's pass ends here: nothing is written before a decision while the record is as deployed.
 */
record Settle() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!pass.servedAsWanted()) {
            return pass.go();
        }
        Instant now = pass.now();
        String dns = use.dns().name();
        if (!(pass.goal() instanceof Goal.Decided goal)) {
            Settled settled = pass.progress().settling();
            pass = pass.with(pass.progress().settled(now, 0));
            if (settled != Settled.STILL) {
                pass = pass.report(ActuationStep.RECONCILE, ActuationStatus.CONVERGED, dns,
                        pass.key().name() + " serves"
                                + " the initial state " + RecordSets.describe(pass.goal().wanted()) + " ("
                                + pass.goal().target().id() + ", the chain's first target; no decision yet)");
            }
            return pass.done(use.settings().resync());
        }
        Decision decision = goal.desired().decision();
        long fromDecision = Duration.between(decision.issuedAt(), now).toMillis();
        Settled settled = pass.progress().settling();
        pass = pass.with(pass.progress().settled(now, fromDecision));
        if (settled != Settled.STILL) {
            pass = pass.report(ActuationStep.VERIFY, ActuationStatus.SUCCEEDED, dns, dns + " serves "
                    + goal.config().dns().name() + " as " + pass.served().describe() + " (epoch " + decision.epoch()
                    + ")");
            if (settled == Settled.FIRST) {
                pass = pass.report(ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED, dns, decision.kind() + " of "
                        + use.group() + " to " + decision.toTarget() + " served", decision.issuedAt());
            }
            pass = pass.report(ActuationStep.RECONCILE, ActuationStatus.CONVERGED, dns, "served as decided, "
                    + fromDecision + " ms after the decision");
        }
        return pass.go();
    }
}
