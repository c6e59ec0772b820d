package dev.failover.actuator.domain;

import java.util.Optional;

import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Target;

/**
 * One writable node per group, the target's (ADR 0020). Once the switch is served and the decision's target node is
 * writable, any other target's node of the group that takes writes is fenced, on every pass from then on: an old primary
 * that did not answer during the failover (its region cut off, its server down) is fenced the first time it answers
 * again, before a client that still reaches it can write much. Only once the switch is served: a node in a region cut
 * off costs a call timeout per read, which must not delay the DNS write. Runs after the ownership check, so an
 * instance whose decision was superseded (a zombie) fences nothing.
 */
record FenceOtherWritable() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use, PassContext group) {
        if (!(pass.goal() instanceof Goal.Decided goal) || goal.target().database() == null || !pass.servedAsWanted()) {
            return ReconcileStep.go(pass);
        }
        Optional<Observation> target = use.databases().observe(goal.target().database());
        if (target.isEmpty() || !(target.get() instanceof Observation.Observed o) || o.role() != Role.WRITABLE) {
            return ReconcileStep.go(pass); // not promoted yet: PromoteDatabase does the rest
        }
        for (Target other : goal.config().targets()) {
            DatabaseRef node = other.database();
            if (node == null || other.id().equals(goal.target().id()) || node.node().equals(goal.target().database().node())) {
                continue;
            }
            if (use.databases().observe(node).orElse(null) instanceof Observation.Observed seen
                    && seen.role() == Role.WRITABLE) {
                WriteOutcome fenced = use.databases().fence(node).orElseThrow();
                group.report(ActuationStep.DATABASE, fenced instanceof WriteOutcome.Requested ? ActuationStatus.SUCCEEDED
                        : ActuationStatus.FAILED, Databases.kind(node), other.id() + "'s database " + node.node()
                        + " took writes beside " + goal.target().id() + "'s: " + (fenced instanceof WriteOutcome.Requested r
                                ? r.details() : "fencing failed: " + fenced), pass.now());
            }
        }
        return ReconcileStep.go(pass);
    }
}
