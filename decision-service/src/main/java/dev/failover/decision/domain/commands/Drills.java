package dev.failover.decision.domain.commands;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.RuleStep;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.Hold;

/**
 * A group's drill: its start, an operator's command, and its end, whoever ends it (an operator, or the rule chain when it
 * is due or must be aborted). Called by {@link GroupCommands} under the engine's lock.
 */
final class Drills {

    private final Moves moves;

    Drills(Moves moves) {
        this.moves = moves;
    }

    CommandOutcome start(GroupState s, Command.StartDrill start, Evidence evidence) {
        Instant now = evidence.at();
        Hold hold = s.hold(now);
        if (hold != Hold.NONE) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null,
                    "drills start only while automation runs; it is "
                            + hold.describe(s.overrides()));
        }
        Optional<Target> target = start.target() == null
                ? s.group().targets().stream().filter(t -> !t.isLastResort() && !t.id().equals(s.active())).findFirst()
                : s.group().target(start.target());
        if (target.isEmpty()) {
            return start.target() == null
                    ? new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "no target to drill on")
                    : Moves.unknownTarget(s, start.target());
        }
        if (target.get().id().equals(s.active())) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "target", target.get().id() + " is already active");
        }
        Duration duration = start.duration() != null ? start.duration()
                : Duration.ofMinutes(s.group().drill().durationMinutes());
        if (duration.isNegative() || duration.isZero()) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "duration", "must be positive, was " + duration);
        }
        for (Target t : s.group().targets()) {
            TargetHealth health = evidence.of(t).health();
            if (!t.isLastResort() && health != TargetHealth.HEALTHY) {
                return new CommandOutcome.Rejected(Rejection.CONFLICT, null,
                        "drills start only when every target is HEALTHY; "
                                + t.id() + " is " + health);
            }
        }
        String returnTo = s.active();
        Decision decision = moves.switchTo(s, target.get(), DecisionKind.DRILL_START, "DR drill by " + start.principal()
                + " for " + duration + ": " + start.reason(), start.principal(), evidence, null);
        s.overrides().startDrill(new GroupSnapshot.DrillState(target.get().id(), returnTo, now, now.plus(duration),
                start.principal(), decision.decisionId()),
                new GroupSnapshot.DrillReport(decision.decisionId(),
                        target.get().id(), now, null, "running", null));
        s.audit(now, start.principal(), "drill start on " + target.get().id(), start.reason());
        return new CommandOutcome.Accepted("drill started on " + target.get().id() + " until "
                + s.overrides().drill().endsAt(), List.of(decision));
    }

    /**
     * Ends the drill and moves traffic back to where it was, or to the first HEALTHY target if that is not HEALTHY. While
     * the drill target is failing, whoever ends it, the way back is a DRILL_ABORT: an emergency the actuator acts on at
     * once; otherwise a DRILL_END, a planned move (ADR 0012).
     *
     * @param trace the rule chain's steps when the chain ended the drill; null when an operator did
     * @param abort the chain aborts it (an abort alert): back at once, as when the drill target fails
     */
    Optional<Decision> end(GroupState s, String outcome, String reason, String principal, Evidence evidence,
            List<RuleStep> trace, boolean abort) {
        Instant now = evidence.at();
        GroupSnapshot.DrillState drill = s.overrides().drill();
        TargetHealth drillTarget = s.group().target(drill.target()).map(t -> evidence.of(t).health())
                .orElse(TargetHealth.UNKNOWN);
        DecisionKind kind = abort || drillTarget == TargetHealth.UNHEALTHY || drillTarget == TargetHealth.FLAPPING
                ? DecisionKind.DRILL_ABORT : DecisionKind.DRILL_END;
        Optional<Target> back = s.group().target(drill.returnTo())
                .filter(t -> evidence.of(t).health() == TargetHealth.HEALTHY);
        if (back.isEmpty()) {
            back = firstHealthy(evidence, s.group().target(s.active()).orElseThrow());
        }
        GroupSnapshot.DrillReport last = s.overrides().lastDrill();
        Long recovery = last != null && drill.startDecisionId().equals(last.startDecisionId()) ? last.recoveryMillis()
                : null;
        s.audit(now, principal, "drill " + outcome, reason);
        if (back.isEmpty() || back.get().id().equals(s.active())) {
            s.overrides()
                    .endDrill(new GroupSnapshot.DrillReport(drill.startDecisionId(), drill.target(), drill.startedAt(),
                            now,
                            outcome + (back.isEmpty()
                                    ? "; traffic stays on " + s.active() + ": no HEALTHY target to return to"
                                    : ""),
                            recovery));
            return Optional.empty();
        }
        s.overrides()
                .endDrill(new GroupSnapshot.DrillReport(drill.startDecisionId(), drill.target(), drill.startedAt(), now,
                        outcome, recovery));
        return Optional.of(moves.switchTo(s, back.get(), kind, reason, principal, evidence, trace));
    }

    /** The first HEALTHY target in chain order, other than the active one and the last resort: where a drill returns to. */
    private static Optional<Target> firstHealthy(Evidence evidence, Target except) {
        return evidence.targets().stream()
                .filter(t -> !t.target().id().equals(except.id()) && !t.target().isLastResort())
                .filter(t -> t.health() == TargetHealth.HEALTHY)
                .map(Evidence.OfTarget::target)
                .findFirst();
    }
}
