package dev.failover.actuator.domain.steps;

import java.time.Instant;
import java.util.Optional;

import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.FormerPrimary;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.DriftPolicy;
import dev.failover.contract.topology.Target;

/**
 * One writable node per group, the target's (ADR 0020), and every node of a served group watched. Once the record serves
 * what the goal wants, each target's database node is observed on every pass (the initial state's too, before any
 * decision), for the group's status and the metrics: the standby's lag is known before a failure, not first during
 * one. Before the switch is served the pass reads no node here: a node in a region cut off costs a call timeout per
 * read, which must not delay the DNS write; the watch's last observations (at most an interval old) stand in.
 * <p>
 * Fenced, after the ownership check (an instance whose decision was superseded, a zombie, fences nothing):
 * <ul>
 * <li>a <b>former primary</b> that takes writes, whatever the group's goal, served record or convergence (a blocked group
 * runs this step too): another node was seen writing a later timeline, so this one's writes are on a history the group
 * left (an old primary whose region was cut off during the failover, back as the primary it was);</li>
 * <li>under a decision whose target's node takes writes and is served, any other target's node that takes writes: an
 * old primary that did not answer during the failover is fenced the first time it answers again.</li>
 * </ul>
 * A node that takes writes again after it was seen fenced was unfenced by someone: under {@code drift: report} that is
 * said once, not undone (the writable gauges raise FailoverTwoWritableDatabases); under {@code correct} it is fenced
 * again. A fence that keeps failing is tried on every pass and said once.
 */
record FenceOtherWritable() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        Goal goal = pass.goal();
        if (goal.config().targets().stream().allMatch(t -> t.database() == null)) {
            return pass.go();
        }
        // the initial state is watched whatever its record serves: the primary's positions are the evidence a later
        // failover's loss exposure is measured with, and no switch waits on these reads
        if (pass.anyLaneServes() || goal instanceof Goal.Initial) {
            observe(goal.target(), pass.now(), use);
            for (Target other : goal.config().targets()) {
                if (!other.id().equals(goal.target().id())) {
                    observe(other, pass.now(), use);
                }
            }
        }
        DatabaseRef own = goal.target().database();
        boolean targetServedWrites = own != null && pass.anyLaneServes() && goal instanceof Goal.Decided
                && use.dataTier().writable(goal.target().id());
        for (Target node : goal.config().targets()) {
            DatabaseRef ref = node.database();
            if (ref == null || !use.dataTier().writable(node.id())) {
                continue;
            }
            boolean other = !node.id().equals(goal.target().id()) && (own == null || !ref.node().equals(own.node()));
            Optional<FormerPrimary> former = use.dataTier().formerPrimary(node.id());
            String beside;
            if (former.isPresent()) {
                beside = node.id() + "'s database " + ref.node() + " takes writes as a former primary ("
                        + former.get().why()
                        + "): ";
            } else if (other && targetServedWrites) {
                beside = node.id() + "'s database " + ref.node() + " took writes beside " + goal.target().id() + "'s: ";
            } else {
                continue;
            }
            if (use.dataTier().unfencedByHand(node.id()) && goal.config().dns().drift() == DriftPolicy.REPORT) {
                pass = pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, Databases.kind(ref), beside
                        + "writable again after it was fenced; not fenced again (drift: report)");
                continue;
            }
            WriteOutcome fenced = use.databases().fence(ref).orElseThrow();
            if (fenced instanceof WriteOutcome.Requested r) {
                pass = pass.report(ActuationStep.DATABASE, ActuationStatus.SUCCEEDED, Databases.kind(ref), beside
                        + r.details());
            } else {
                // tried on every pass, said once while it keeps failing (not a result every resync)
                pass = pass.publishOnce(ActuationStep.DATABASE, ActuationStatus.FAILED, Databases.kind(ref), beside
                        + "fencing failed", beside + "fencing failed: " + fenced);
            }
        }
        return pass.go();
    }

    private static void observe(Target target, Instant now, Backends use) {
        if (target.database() != null) {
            use.databases().observe(target.database()).ifPresent(o -> use.dataTier().seen(target.id(), o, now));
        }
    }
}
