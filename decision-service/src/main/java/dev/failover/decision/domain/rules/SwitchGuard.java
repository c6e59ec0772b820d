package dev.failover.decision.domain.rules;

/**
 * A rule that guards a switch another rule proposed (a safety rule: the correlated-failure guard, the dwell time, the
 * flap guard, the switch budgets). With none proposed it is not applicable, and the chain does not ask it; asked, it
 * gets the proposal, never null.
 */
interface SwitchGuard extends SwitchRule {

    @Override
    default boolean guardsASwitch() {
        return true;
    }
}
