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
 * One writable node per group, the target's (ADR 0020), and every node of a served group watched. Once the record serves
 * what the goal wants, each target's database node is observed on every pass (the initial state's too, before any
 * decision), for the group's status and the metrics: the standby's lag is known before a failure, not first during
 * one. Under a decision whose target's node is writable, any other target's node of the group that takes writes is
 * fenced: an old primary that did not answer during the failover (its region cut off, its server down) is fenced the
 * first time it answers again, before a client that still reaches it can write much. Only once the switch is served: a
 * node in a region cut off costs a call timeout per read, which must not delay the DNS write. The initial state (no
 * decision yet) is watched whatever its record serves: no switch waits on it, and its primary's WAL positions are what a
 * later failover's loss exposure is measured against (issue 50). Runs after the ownership
 * check, so an instance whose decision was superseded (a zombie) fences nothing.
 */
record FenceOtherWritable() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use, PassContext group) {
        Goal goal = pass.goal();
        // the initial state is watched whatever its record serves: the primary's positions are the evidence a later
        // failover's loss exposure is measured with (issue 50), and no switch waits on these reads
        boolean watch = pass.servedAsWanted() || goal instanceof Goal.Initial;
        if (!watch || goal.config().targets().stream().allMatch(t -> t.database() == null)) {
            return ReconcileStep.go(pass);
        }
        boolean fenceOthers = false;
        DatabaseRef own = goal.target().database();
        if (own != null) {
            Optional<Observation> target = observe(goal.target(), pass, use, group);
            // under a decision, once its target's node is promoted; before it, PromoteDatabase does the rest
            fenceOthers = pass.servedAsWanted() && goal instanceof Goal.Decided
                    && target.orElse(null) instanceof Observation.Observed o && o.role() == Role.WRITABLE;
        }
        for (Target other : goal.config().targets()) {
            DatabaseRef node = other.database();
            if (node == null || other.id().equals(goal.target().id()) || own != null && node.node().equals(own.node())) {
                continue;
            }
            if (observe(other, pass, use, group).orElse(null) instanceof Observation.Observed seen
                    && seen.role() == Role.WRITABLE && fenceOthers) {
                WriteOutcome fenced = use.databases().fence(node).orElseThrow();
                String beside = other.id() + "'s database " + node.node() + " took writes beside " + goal.target().id()
                        + "'s: ";
                if (fenced instanceof WriteOutcome.Requested r) {
                    group.report(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, Databases.kind(node), beside
                            + r.details(), pass.now());
                } else {
                    // tried on every pass, said once while it keeps failing (issue 50: not a result every resync)
                    group.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, Databases.kind(node), beside
                            + "fencing failed", beside + "fencing failed: " + fenced, pass.now());
                }
            }
        }
        return ReconcileStep.go(pass);
    }

    private static Optional<Observation> observe(Target target, Pass pass, Backends use, PassContext group) {
        Optional<Observation> seen = use.databases().observe(target.database());
        seen.ifPresent(o -> group.databaseSeen(target, o, pass.now()));
        return seen;
    }
}
