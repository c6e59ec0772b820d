package dev.failover.actuator.domain.steps;

import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.DatabaseRef;

/**
 * Opens the served target's database to new sessions where it arrived closed (ADR 0020, "A fence no client passes"):
 * the fence of the old primary closes the application's database, a catalog change that reaches the replica with the
 * WAL the promotion waited for, so the promoted node takes writes but no new session. It is opened once the record
 * serves it, after {@link FenceOtherWritable} observed it, and not before: opening is a transaction on the promoted
 * node, and until the switch is served the way back ({@link TakeBackPromotion}) shows from that node's next transaction
 * id that nothing wrote there. Runs before the wait for propagation, so that clients resolving the new answer find the
 * database open; while it cannot be opened the group is not CONVERGED (served means clients can write there).
 */
record OpenPromotedDatabase() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        if (!(pass.goal() instanceof Goal.Decided goal) || goal.target().database() == null || !pass.anyLaneServes()
                || use.dataTier().last(goal.target().id()).filter(DataTier.Node::writableButClosed).isEmpty()
                || use.dataTier().formerPrimary(goal.target().id()).isPresent()) {
            return pass.go();
        }
        DatabaseRef ref = goal.target().database();
        String kind = Databases.kind(ref);
        WriteOutcome opened = use.databases().unfence(ref).orElseThrow();
        if (opened instanceof WriteOutcome.Requested requested) {
            use.databases().observe(ref).ifPresent(seen -> use.dataTier().seen(goal.target().id(), seen, pass.now()));
            return pass.report(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, kind, goal.target().id()
                    + "'s database " + ref.node() + ", promoted with its source's fence, opened now that the switch is"
                    + " served: " + requested.details()).go();
        }
        // not served while clients cannot connect: tried again with backoff, said once while it fails
        String failed = goal.target().id() + "'s database " + ref.node()
                + " takes writes but its application's database"
                + " is closed, as its source's fence left it, and opening it failed";
        String detail = failed + ": " + opened.describe()
                + ". Open it by hand (ALTER DATABASE ... WITH ALLOW_CONNECTIONS"
                + " true, from the postgres database) if this goes on";
        return pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, kind, failed, detail)
                .retryLater(detail, use);
    }
}
