package dev.failover.decision.domain.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.model.Alerts;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;

/**
 * One evaluation of one group: its state, the evidence counted once at {@code now}, and what the rules need from
 * beyond the group (the correlated-failure guard, the global switch budget).
 */
public record Evaluation(GroupState state, Evidence evidence, Instant now, Fleet fleet) {

    /** What the rules read from beyond the group; asked only when a rule is reached. */
    public interface Fleet {
        /** The correlated-failure guard's suspicion at {@code now}, if it holds one. */
        Optional<CorrelatedFailureGuard.Suspicion> suspicion(Instant now);

        /** How long a suspicion holds a group bound for a HEALTHY last resort with every regional target down. */
        Duration lastResortAfter();

        /** Automatic switches of every group within {@code window} before {@code now}. */
        int switchesWithin(Duration window, Instant now);

        /** The global budget of automatic switches per 24 hours. */
        int maxSwitchesPerDay();

        /**
         * Whether the fleet's automatic switches within the switch budget's window ({@link SwitchBudgetRule#WINDOW})
         * before {@code now} are fewer than {@link #maxSwitchesPerDay}: what the rule asks at every evaluation that
         * would switch, so a fleet may answer it without counting every group.
         */
        default boolean belowBudget(Instant now) {
            return switchesWithin(SwitchBudgetRule.WINDOW, now) < maxSwitchesPerDay();
        }

        /** What Alertmanager last said was firing: a running drill's outcome check. */
        Alerts alerts();
    }

    Target active() {
        return state.group().target(state.active()).orElseThrow();
    }

    Evidence.OfTarget activeEvidence() {
        return evidence.of(state.active());
    }
}
