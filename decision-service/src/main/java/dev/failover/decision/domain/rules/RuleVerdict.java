package dev.failover.decision.domain.rules;

import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.RuleStep.Detail;

/** What one {@link SwitchRule} made of an evaluation. */
sealed interface RuleVerdict {

    /**
     * The evaluation goes on past the rule.
     *
     * @param move what it proposes (e.g. the destination of a failover); null when nothing
     */
    record Passed(Detail detail, Move move) implements RuleVerdict {
    }

    /**
     * The rule is what makes the outcome (the active target's failure, a failback, the end of a drill); the evaluation
     * goes on to the rules that check a switch.
     *
     * @param move what it proposes; null when a later rule names the move
     */
    record Fired(Detail detail, Move move) implements RuleVerdict {
    }

    /** The rule holds automation: the evaluation ends here with {@code reason}. */
    record Held(Outcome.HoldReason reason, String why) implements RuleVerdict {
    }

    static RuleVerdict passed(Detail detail) {
        return new Passed(detail, null);
    }

    static RuleVerdict held(Outcome.HoldReason reason, String why) {
        return new Held(reason, why);
    }
}
