package dev.failover.decision.domain.rules;

import java.time.Duration;

import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupState;

/**
 * Rule 7, "switch-budget" (ADR 0010): at most maxSwitchesPerDay automatic switches of the group, and the global
 * maxSwitchesPerDay of all groups, within {@link #WINDOW}; one more is held until the window passes or an operator
 * resumes the group.
 */
public final class SwitchBudgetRule implements SwitchGuard {

    static final String NAME = "switch-budget";
    /** The window of the switch budgets; automatic switches are remembered this long. */
    public static final Duration WINDOW = Duration.ofHours(24);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        GroupState s = e.state();
        int max = s.group().safety().maxSwitchesPerDay();
        int today = s.automaticSwitches().within(WINDOW, e.now());
        String move = proposal.describe();
        if (today >= max) {
            return RuleVerdict.held(Outcome.HoldReason.SWITCH_BUDGET, move + " would be automatic switch " + (today + 1)
                    + " of this group within 24 hours, more than its maxSwitchesPerDay " + max
                    + "; resume the group to reset it, or pin or force a target");
        }
        if (!e.fleet().belowBudget(e.now())) {
            int all = e.fleet().switchesWithin(WINDOW, e.now());
            int allMax = e.fleet().maxSwitchesPerDay();
            return RuleVerdict.held(Outcome.HoldReason.SWITCH_BUDGET, move + " would be automatic switch " + (all + 1)
                    + " of all groups within 24 hours, more than the global maxSwitchesPerDay " + allMax
                    + "; pin or force a target, or resume groups to reset their counts");
        }
        return RuleVerdict
                .passed(() -> today + " automatic switch(es) in the 24 h before, below maxSwitchesPerDay " + max);
    }
}
