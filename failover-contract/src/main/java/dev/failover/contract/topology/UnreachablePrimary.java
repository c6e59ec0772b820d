package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What an unplanned failover does when the old primary's database cannot be reached and nothing shows that its writes
 * have stopped (ADR 0020, "A promotion beside an unreachable old primary"): its region may only be cut off from the
 * plane while its own clients keep writing to it, and every write it takes after a promotion elsewhere is lost.
 */
public enum UnreachablePrimary {
    /**
     * Hold the failover, with the reason, until the old primary answers (and is fenced), its fence agent's lease has run
     * out, or an operator forces the move: the default.
     */
    @JsonProperty("hold")
    HOLD,
    /**
     * Promote within {@code maxDataLossSeconds} as measured, as if the old primary had crashed: for a group whose own
     * fencing (a hook that stops the instances, a security group) is known to act. Writes it takes during a partition
     * are lost, beyond any budget.
     */
    @JsonProperty("promote-within-budget")
    PROMOTE_WITHIN_BUDGET
}
