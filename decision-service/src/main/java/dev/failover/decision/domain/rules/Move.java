package dev.failover.decision.domain.rules;

import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.Target;

/** What an evaluation would do to the group's traffic, as proposed by a rule of the {@link RuleChain}. */
public sealed interface Move {

    /**
     * An automatic switch (failover, last resort, failback): the rules that guard a switch check it before it is made.
     *
     * @param reason the decision's reason
     */
    record Switch(Target to, DecisionKind kind, String reason) implements Move {
        /** For people, e.g. "FAILOVER to secondary". */
        String describe() {
            return kind + " to " + to.id();
        }
    }

    /**
     * The end of a running drill, due or aborted because its target fails: it undoes the drill's own switch, so the
     * safety rules do not check it and the chain ends with it.
     *
     * @param outcome "completed" or "aborted", for the drill report
     */
    record EndDrill(String outcome, String reason) implements Move {
    }
}
