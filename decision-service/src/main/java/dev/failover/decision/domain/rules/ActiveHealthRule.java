package dev.failover.decision.domain.rules;

import dev.failover.contract.event.TargetHealth;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.Evidence;

/**
 * Rule 2, "active-health": never act on a partial or untrusted view of the active target. UNKNOWN (no quorum agrees)
 * and FLAPPING hold; UNHEALTHY fires (a failover is wanted); HEALTHY passes (a failback may be).
 */
final class ActiveHealthRule implements SwitchRule {

    static final String NAME = "active-health";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        Evidence.OfTarget active = e.activeEvidence();
        String id = active.target().id();
        return switch (active.health()) {
            case UNKNOWN ->
                RuleVerdict.held(Outcome.HoldReason.QUORUM_LOST, "active target " + id + " has no quorum of "
                        + e.evidence().quorum() + " locations agreeing");
            case FLAPPING -> RuleVerdict.held(Outcome.HoldReason.TARGET_FLAPPING, "active target " + id
                    + " is flapping at a quorum of locations");
            case UNHEALTHY -> new RuleVerdict.Fired(active::healthDetail, null);
            case HEALTHY -> RuleVerdict.passed(active::healthDetail);
        };
    }

    /** Whether the active target's health asks for a failover (this rule fired) rather than a failback. */
    static boolean wantsFailover(Evaluation e) {
        return e.activeEvidence().health() == TargetHealth.UNHEALTHY;
    }
}
