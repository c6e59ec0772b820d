package dev.failover.decision.domain.rules;

import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.Hold;

/**
 * Rule 1, "hold": the one precedence of holds ({@link Hold}). A pin, a pause or a flap-guard freeze holds; a running
 * drill holds too, unless it is due, its target fails or one of its abort alerts fires, which ends it (a move the
 * safety rules do not check).
 */
final class HoldRule implements SwitchRule {

    static final String NAME = "hold";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        GroupState s = e.state();
        Hold hold = s.hold(e.now());
        return switch (hold) {
            case NONE -> RuleVerdict.passed(() -> "automation runs: no pin, pause, drill or flap-guard freeze");
            case DRILL -> drill(e);
            default -> RuleVerdict.held(hold.reason, "automation " + hold.describe(s.overrides()));
        };
    }

    private static RuleVerdict drill(Evaluation e) {
        GroupSnapshot.DrillState drill = e.state().overrides().drill();
        if (!e.now().isBefore(drill.endsAt())) {
            return new RuleVerdict.Fired(
                    () -> "the drill on " + drill.target() + " reached its end at " + drill.endsAt(),
                    new Move.EndDrill("completed", "drill ended after its planned duration", false));
        }
        Target target = e.state().group().target(drill.target()).orElseThrow();
        TargetHealth health = e.evidence().of(target).health();
        if (health == TargetHealth.UNHEALTHY || health == TargetHealth.FLAPPING) {
            String why = "drill target " + target.id() + " is " + health + "; restoring early";
            return new RuleVerdict.Fired(() -> why, new Move.EndDrill("aborted: " + why, why, true));
        }
        // the outcome check's second half: an abort alert firing, or Alertmanager unknown, ends it at once
        java.util.Optional<String> alert = e.fleet().alerts().guard(e.state().group().drill().abortAlerts(), e.now());
        if (alert.isPresent()) {
            String why = alert.get() + "; restoring early";
            return new RuleVerdict.Fired(() -> why, new Move.EndDrill("aborted: " + why, why, true));
        }
        return RuleVerdict.held(Outcome.HoldReason.DRILL_RUNNING,
                "drill on " + drill.target() + " until " + drill.endsAt());
    }
}
