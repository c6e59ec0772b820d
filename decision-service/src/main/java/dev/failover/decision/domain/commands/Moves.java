package dev.failover.decision.domain.commands;

import java.util.List;
import java.util.function.Supplier;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.RuleStep;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;

/**
 * What the commands and the drills share: a switch with its explanation and a new decision id, and the rejection of a
 * target the group does not have.
 */
final class Moves {

    private final Supplier<String> decisionIds;

    Moves(Supplier<String> decisionIds) {
        this.decisionIds = decisionIds;
    }

    /**
     * Switches the group to {@code to}, explained on {@code evidence}: as the command when {@code trace} is null, else as
     * the rule chain's path that reached it.
     */
    Decision switchTo(GroupState s, Target to, DecisionKind kind, String reason, String principal, Evidence evidence,
            List<RuleStep> trace) {
        return s.switchTo(to, kind, reason, principal, evidence,
                (before, decision) -> Explanations.ofDecision(s, before, decision, evidence, trace), decisionIds.get());
    }

    static CommandOutcome unknownTarget(GroupState s, String target) {
        return new CommandOutcome.Rejected(Rejection.INVALID, "target",
                "no target '" + target + "' in group " + s.group().id()
                        + "; targets are " + s.group().targets().stream().map(Target::id).toList());
    }
}
