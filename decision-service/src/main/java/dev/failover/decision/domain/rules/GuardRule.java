package dev.failover.decision.domain.rules;

import java.time.Instant;
import java.util.Optional;

import dev.failover.contract.event.DecisionKind;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.GroupState;

/**
 * Rule 4, "correlated-failure-guard" (ADR 0010): while the plane suspects its own eyes, an automatic switch of a group
 * that obeys the guard is held, unless an operator resumed the group after the suspicion began. Each suspicion is
 * written to the group's audit trail once.
 * <p>
 * A move to the last resort (the destination rule proposes it only with every regional target down and the last
 * resort an eligible destination, HEALTHY and answering now) is held only until the suspicion is
 * {@code lastResortAfterSeconds} old: every region down is the case the last resort exists for, and its target
 * answering shows the probes still see. The suspicion, and its alert, stay.
 */
final class GuardRule implements SwitchGuard {

    static final String NAME = "correlated-failure-guard";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        GroupState s = e.state();
        Optional<CorrelatedFailureGuard.Suspicion> suspicion = heldBy(e);
        if (suspicion.isEmpty()) {
            return RuleVerdict.passed(() -> "no correlated failure holds the group");
        }
        if (proposal.kind() == DecisionKind.LAST_RESORT) {
            Instant at = suspicion.get().since().plus(e.fleet().lastResortAfter());
            if (!at.isAfter(e.now())) {
                String since = suspicion.get().since().toString();
                long after = e.fleet().lastResortAfter().toSeconds();
                return RuleVerdict.passed(() -> "the correlated-failure guard suspects the plane since " + since
                        + ", but every regional target is down and the last resort is HEALTHY: whenAllDown: last-resort "
                        + "applies after " + after + " s (lastResortAfterSeconds)");
            }
            String why = proposal.describe() + " held by the correlated-failure guard until " + at + " ("
                    + "lastResortAfterSeconds): " + suspicion.get().why() + "; resume the group to let it act now";
            s.guard().auditSuspicionOnce(suspicion.get().since(), e.now(), why);
            return RuleVerdict.held(Outcome.HoldReason.CORRELATED_FAILURE, why);
        }
        String why = proposal.describe() + " held by the correlated-failure guard: "
                + suspicion.get().why() + "; resume the group to let it act, or pin or force a target";
        s.guard().auditSuspicionOnce(suspicion.get().since(), e.now(), why);
        return RuleVerdict.held(Outcome.HoldReason.CORRELATED_FAILURE, why);
    }

    /** The guard's suspicion when it holds this group: the group obeys it and no operator resumed it since it began. */
    private static Optional<CorrelatedFailureGuard.Suspicion> heldBy(Evaluation e) {
        GroupState s = e.state();
        if (!s.group().safety().correlatedFailureGuard()) {
            return Optional.empty();
        }
        return e.fleet().suspicion(e.now())
                .filter(x -> s.guard().acknowledgedAt() == null || s.guard().acknowledgedAt().isBefore(x.since()));
    }
}
