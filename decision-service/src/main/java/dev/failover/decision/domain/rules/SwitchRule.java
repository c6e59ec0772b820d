package dev.failover.decision.domain.rules;

import dev.failover.decision.domain.state.Evidence;

/**
 * One rule of the automatic-switch chain (ADR 0013): a small class in one slot of {@link RuleChain#RULES}. It reads
 * the evaluation's {@link Evidence} and the group's state and says whether the evaluation passes it, was made by it
 * (FIRED) or stops at it (HELD), with why.
 */
interface SwitchRule {

    /** Its name in the trace and the explanation, e.g. "dwell-time"; docs/topology.md lists them in chain order. */
    String name();

    /**
     * Checks the evaluation.
     *
     * @param proposal the switch a rule before it proposed; null when none did
     */
    RuleVerdict check(Evaluation e, Move.Switch proposal);

    /** Whether it guards a switch another rule proposed ({@link SwitchGuard}); the rules that decide do not. */
    default boolean guardsASwitch() {
        return false;
    }
}
