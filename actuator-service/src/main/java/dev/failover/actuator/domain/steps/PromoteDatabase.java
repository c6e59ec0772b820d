package dev.failover.actuator.domain.steps;

import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;

/**
 * Asks for the promotion of the target's replica that {@link ReadyDatabase} handed on, once the promotion it keeps for
 * the way back is stored (the reconciler applies that step's effects before this one runs). The pass ends here: the
 * next one observes the node until it is writable, looked at again with the reconciler's backoff counted from the first
 * request (200 ms, doubled up to its max-delay): PostgreSQL is writable within a tenth of a second, a managed database
 * within minutes.
 */
record PromoteDatabase() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (pass.promoting() == null || !(pass.goal() instanceof Goal.Decided goal)) {
            return pass.go();
        }
        Target target = goal.target();
        DatabaseRef ref = target.database();
        String kind = Databases.kind(ref);
        Decision decision = goal.desired().decision();
        WriteOutcome promoted = use.databases().promote(ref, pass.promoting().move()).orElseThrow();
        if (promoted instanceof WriteOutcome.Rejected rejected) {
            // refused: the node the desired state says the plane promoted was not (it was kept before the request)
            Pass told = pass.promoted(null).report(ActuationStep.DATABASE, ActuationStatus.FAILED, kind,
                    rejected.reason() + "; DNS not switched");
            String refused = "promotion of " + target.id() + "'s database refused: " + rejected.reason();
            java.util.Optional<Target> fenced = PromotionGate.previous(goal, use).filter(old -> use.dataTier()
                    .fencedForMove(old.id(), goal.desired().epoch(), false));
            if (fenced.isEmpty()) {
                return told.block(ActuationStep.DATABASE, kind, refused, use);
            }
            // the move fenced the old primary and cannot promote: unfenced, the one complete copy takes writes again
            // rather than no node at all (ADR 0020, "A promotion refused after the fence")
            Target old = fenced.get();
            WriteOutcome back = use.databases().unfence(old.database()).orElseThrow();
            boolean unfenced = back instanceof WriteOutcome.Requested;
            use.dataTier().fencedForMove(old.id(), goal.desired().epoch(), unfenced);
            String after = unfenced
                    ? old.id() + "'s database, fenced for this move, unfenced: it takes writes again, as"
                            + " before the move"
                    : old.id() + "'s database, fenced for this move, could not be unfenced ("
                            + back.describe() + "): no node takes writes. Unfence it by hand, or promote a replica";
            return told.report(ActuationStep.DATABASE, unfenced ? ActuationStatus.SUCCEEDED : ActuationStatus.FAILED,
                    kind, after).block(ActuationStep.DATABASE, kind, refused + "; " + after, use);
        }
        if (promoted instanceof WriteOutcome.Unavailable unavailable) {
            return pass.retryLater(target.id() + "'s database unavailable while promoting: " + unavailable.reason()
                    + "; DNS waits for it", use);
        }
        LossExposure exposure = pass.promoting().exposure();
        int requests = use.dataTier().promotionRequested(target.id(), pass.now(), exposure);
        return pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, kind,
                ((WriteOutcome.Requested) promoted).details() + " (" + decision.kind() + ", replica lag "
                        + PromotionGate.lag(pass.promoting().node()) + (exposure == null ? "" : "; "
                                + exposure.describe())
                        + ")")
                .retryLater("promotion of " + target.id() + "'s database requested; DNS waits until it is writable",
                        use.settings().backoff().after(requests), use);
    }
}
