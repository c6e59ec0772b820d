package dev.failover.decision.domain.rules;

import java.time.Duration;

import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupState;

/**
 * Rule 6, "flap-guard" (ADR 0002): one automatic switch more than maxSwitchesPerHour within {@link #WINDOW} freezes
 * automation until an operator resumes the group. The freeze then holds as a hold (rule 1).
 */
final class FlapGuardRule implements SwitchGuard {

    static final String NAME = "flap-guard";
    /** The window maxSwitchesPerHour counts over. */
    static final Duration WINDOW = Duration.ofHours(1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        GroupState s = e.state();
        int max = s.thresholds().maxSwitchesPerHour();
        int lastHour = s.automaticSwitches().within(WINDOW, e.now());
        if (lastHour >= max) {
            String why = proposal.describe() + " would be automatic switch " + (lastHour + 1)
                    + " within an hour, more than maxSwitchesPerHour " + max;
            s.overrides().freeze(why, e.now());
            return RuleVerdict.held(Outcome.HoldReason.FLAP_GUARD, why);
        }
        return RuleVerdict
                .passed(() -> lastHour + " automatic switch(es) in the hour before, below maxSwitchesPerHour " + max);
    }
}
