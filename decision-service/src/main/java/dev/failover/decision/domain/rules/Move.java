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
     * @param outcome for the drill report: "completed", or "aborted: " and why
     * @param abort   an emergency: traffic goes back at once (DRILL_ABORT), as when the drill target fails or an abort
     *                alert fires; a completed drill goes back as a planned move (DRILL_END)
     */
    record EndDrill(String outcome, String reason, boolean abort) implements Move {
    }
}
