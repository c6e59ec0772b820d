package dev.failover.actuator.domain.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.failover.actuator.regionswitch.DecisionKey;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.regionswitch.RegionSwitch.Execution;
import dev.failover.actuator.regionswitch.RegionSwitch.Outcome;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;

/**
 * An operator's answer to a step of the group's Region switch execution that waits for a manual approval (ADR 0028):
 * the execution the plane started for the group's desired decision is found by its {@link DecisionKey}, the step is
 * approved or declined in the region it activates with the comment "who: why", and the answer is published as a
 * REGION_SWITCH result with the caller's name: the audit trail every actuation has. The pass that follows the execution
 * sees it go on (or, declined, cancelled: the group is then BLOCKED). Only the instance that drives the group answers.
 */
public final class RegionSwitchApproval {

    private RegionSwitchApproval() {
    }

    /** What became of the answer. */
    public sealed interface Answer {
        /** Region switch took it. */
        record Answered(String executionId, String detail) implements Answer {
        }

        /** Nothing waits for this answer: no plan, no decision, no execution of it, or the step not waiting. */
        record NotWaiting(String why) implements Answer {
        }

        /** Region switch could not be asked now; ask again. */
        record Unavailable(String reason) implements Answer {
        }
    }

    static Answer answer(String group, GroupStatus status, Optional<FailoverGroup> config, RegionSwitch regionSwitch,
            ActuationReports reports, String step, boolean approve, String principal, String reason, Instant now) {
        if (config.isEmpty() || config.get().regionSwitch() == null) {
            return new Answer.NotWaiting("group " + group + " names no Region switch plan");
        }
        if (status.desired() == null) {
            return new Answer.NotWaiting("group " + group + " has no decision yet");
        }
        Optional<Target> target = config.get().target(status.desired().target());
        if (target.isEmpty()) {
            return new Answer.NotWaiting("target " + status.desired().target() + " is not in the topology");
        }
        RegionSwitch.Plan plan = new RegionSwitch.Plan(config.get().regionSwitch().planArn(),
                config.get().regionSwitch().regionOf(target.get()), config.get().regionSwitch().roleArn());
        DecisionKey key = new DecisionKey(group, status.desired().decision().decisionId(), status.desired().epoch());
        Outcome<List<Execution>> listed = regionSwitch.executions(plan);
        if (!(listed instanceof Outcome.Done<List<Execution>> done)) {
            return unavailable(listed);
        }
        Optional<Execution> ours = done.value().stream()
                .filter(e -> DecisionKey.in(e.comment()).filter(key::equals).isPresent())
                .findFirst();
        if (ours.isEmpty()) {
            return new Answer.NotWaiting("no Region switch execution of decision " + key.decisionId() + " (epoch "
                    + key.epoch() + ") in " + plan.region());
        }
        if (ours.get().state() != RegionSwitch.State.AWAITING_APPROVAL) {
            return new Answer.NotWaiting(
                    "execution " + ours.get().id() + " is " + ours.get().state() + ", not waiting for an "
                            + "approval");
        }
        String comment = principal + ": " + reason;
        Outcome<Boolean> answered = regionSwitch.approve(plan, ours.get().id(), step, approve, comment);
        if (answered instanceof Outcome.Refused<Boolean> refused) {
            return new Answer.NotWaiting(refused.reason());
        }
        if (!(answered instanceof Outcome.Done<Boolean>)) {
            return unavailable(answered);
        }
        String detail = "step " + step + " of execution " + ours.get().id() + (approve ? " approved" : " declined")
                + " by "
                + principal + ": " + reason;
        reports.report(status.desired().decision(), ActuationStep.REGION_SWITCH, approve ? ActuationStatus.SUCCEEDED
                : ActuationStatus.SKIPPED, "arc-region-switch", detail, now);
        return new Answer.Answered(ours.get().id(), detail);
    }

    private static Answer unavailable(Outcome<?> outcome) {
        return new Answer.Unavailable(
                outcome instanceof Outcome.Refused<?> r ? r.reason() : ((Outcome.Passing<?>) outcome).reason());
    }
}
