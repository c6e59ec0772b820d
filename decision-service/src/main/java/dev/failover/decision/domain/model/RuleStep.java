package dev.failover.decision.domain.model;

/**
 * One rule's part in an evaluation: the rule chain's trace is a list of them, in chain order, which the group's state
 * keeps with its last evaluation and an explanation shows ({@link #explain()}). A value below the rules, so that what
 * keeps a trace and what shows it need not name the chain that made it.
 */
public record RuleStep(String rule, Explanation.RuleResult result, Detail detail) {

    /**
     * Why, for people: formatted only when the evaluation is explained, so it must capture values, not read state that
     * may change after the evaluation.
     */
    @FunctionalInterface
    public interface Detail {
        String text();
    }

    public Explanation.Rule explain() {
        return new Explanation.Rule(rule, result, detail.text());
    }
}
