package dev.failover.decision.domain.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.AllDownPolicy;
import dev.failover.contract.topology.Failback;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.Outcome.HoldReason;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;

/**
 * Rule 3, "destination": where a switch would go. With the active target UNHEALTHY, the first eligible destination in
 * chain order (ADR 0010), or the last resort when the group says so; it holds when none is, or when the first in the
 * chain is still forming. With the active target HEALTHY, a higher-priority target stably HEALTHY for the failback
 * hold-down and eligible fires a failback; otherwise the group is steady.
 */
final class DestinationRule implements SwitchRule {

    static final String NAME = "destination";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RuleVerdict check(Evaluation e, Move.Switch proposal) {
        return ActiveHealthRule.wantsFailover(e) ? failover(e) : failback(e);
    }

    private static RuleVerdict failover(Evaluation e) {
        FailoverGroup group = e.state().group();
        Target active = e.active();
        Evidence evidence = e.evidence();
        Next next = nextInChain(e, active);
        if (next instanceof Next.Forming forming) {
            return RuleVerdict.held(HoldReason.AWAITING_EVIDENCE, "active target " + active.id() + " is UNHEALTHY; "
                    + forming.target().id() + ", first in the chain, is not HEALTHY yet but on its way at a quorum of "
                    + "locations: waiting for it rather than skipping it");
        }
        Evidence.OfTarget to = next instanceof Next.Eligible eligible ? eligible.target() : null;
        DecisionKind kind = DecisionKind.FAILOVER;
        if (to == null && group.whenAllDown() == AllDownPolicy.LAST_RESORT) {
            to = evidence.targets().stream()
                    .filter(t -> t.target().isLastResort() && !t.target().id().equals(active.id()))
                    .filter(t -> t.destinationVerdict() == Destination.ELIGIBLE).findFirst().orElse(null);
            kind = DecisionKind.LAST_RESORT;
        }
        if (to == null) {
            List<String> refused = evidence.targets().stream().filter(t -> !t.target().id().equals(active.id()))
                    .filter(t -> t.destinationVerdict() != Destination.NOT_HEALTHY).map(t -> t.destination().detail())
                    .toList();
            return refused.isEmpty()
                    ? RuleVerdict.held(HoldReason.NO_HEALTHY_TARGET,
                            "active target " + active.id() + " is UNHEALTHY and no "
                                    + "other target is HEALTHY; holding (whenAllDown: " + group.whenAllDown() + ")")
                    : RuleVerdict.held(HoldReason.NO_ELIGIBLE_TARGET,
                            "active target " + active.id() + " is UNHEALTHY and no "
                                    + "target is an eligible destination: " + String.join("; ", refused)
                                    + "; holding (whenAllDown: "
                                    + group.whenAllDown() + ")");
        }
        String check = to.destination().detail();
        String detail = kind == DecisionKind.LAST_RESORT
                ? "no target in the chain is eligible; whenAllDown: last-resort; "
                        + check
                : check;
        return new RuleVerdict.Passed(() -> detail, new Move.Switch(to.target(), kind, "active target " + active.id()
                + " is UNHEALTHY by a quorum of " + evidence.quorum() + " locations; " + check));
    }

    private static RuleVerdict failback(Evaluation e) {
        GroupState s = e.state();
        Failback failback = s.group().failback();
        if (failback.mode() == Failback.Mode.MANUAL) {
            return RuleVerdict.passed(() -> "failback is manual");
        }
        Target active = e.active();
        Instant now = e.now();
        Duration holdDown = Duration.ofSeconds(failback.holdDownSeconds());
        for (Target candidate : s.group().targets()) {
            if (candidate.id().equals(active.id())) {
                if (!active.isLastResort()) {
                    break; // only targets before the active one are higher priority
                }
                continue;
            }
            if (candidate.isLastResort()) {
                continue;
            }
            Instant since = s.holdDown().since(candidate.id());
            if (since != null && !since.plus(holdDown).isAfter(now)) {
                Evidence.OfTarget evidence = e.evidence().of(candidate);
                if (evidence.destinationVerdict() != Destination.ELIGIBLE) {
                    continue; // failing now, on old evidence or a dependency down: not yet
                }
                String check = evidence.destination().detail();
                return new RuleVerdict.Fired(() -> candidate.id() + " has been stably HEALTHY since " + since
                        + ", longer than the hold-down of " + failback.holdDownSeconds() + " s; " + check,
                        new Move.Switch(candidate, DecisionKind.FAILBACK, candidate.id() + " has been HEALTHY at every "
                                + "reporting location since " + since + ", longer than the hold-down of " + holdDown
                                + "; "
                                + check));
            }
        }
        return RuleVerdict.passed(() -> "no higher-priority target has been stably HEALTHY for the hold-down of "
                + failback.holdDownSeconds() + " s");
    }

    /**
     * Where a failover goes: the first target in chain order that is an eligible destination, unless one before it is
     * still forming or HEALTHY on evidence not yet fresh.
     */
    private sealed interface Next {
        record Eligible(Evidence.OfTarget target) implements Next {
        }

        /** Not HEALTHY yet, but UP or on a streak of successes at a quorum of locations. */
        record Forming(Target target) implements Next {
        }

        record None() implements Next {
        }
    }

    /**
     * Walks the chain, other than the active target and the last resort. A target whose health is UNKNOWN only because
     * its evidence is still forming (a new owner after a takeover starts every tracker from nothing) is waited for, not
     * skipped: skipping it would switch to a lower-priority target and, with automatic failback, switch again after the
     * hold-down. The wait ends on its own: at successesToUp results the target is HEALTHY, a failure ends its streak, and
     * silence makes its results stale.
     */
    private static Next nextInChain(Evaluation e, Target except) {
        for (Evidence.OfTarget t : e.evidence().targets()) {
            if (t.target().id().equals(except.id()) || t.target().isLastResort()) {
                continue;
            }
            if (t.health() == TargetHealth.HEALTHY) {
                switch (t.destinationVerdict()) {
                    case ELIGIBLE:
                        return new Next.Eligible(t);
                    case STALE_EVIDENCE:
                        return new Next.Forming(t.target()); // a late result, not a failure: the next one settles it
                    default:
                        continue; // failing now, or a dependency down: never move traffic there
                }
            }
            if (t.health() == TargetHealth.UNKNOWN && t.risingAtQuorum()) {
                return new Next.Forming(t.target());
            }
        }
        return new Next.None();
    }
}
