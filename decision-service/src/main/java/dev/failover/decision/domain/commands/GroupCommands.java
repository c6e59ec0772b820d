package dev.failover.decision.domain.commands;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.DecidedVsServed;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.RuleStep;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.domain.state.Hold;

/**
 * An operator's commands on one group (pin, release, force, pause, resume, switchover and its abort, drills), applied
 * once per command id, and the end of a drill, whoever ends it. Called under the engine's lock; the engine finds the
 * group, this class changes it only through its intent methods and the commands' own checks.
 */
public final class GroupCommands {

    /** Evaluates a group now: once a command lifts a hold, automation may act at once. */
    @FunctionalInterface
    public interface Evaluator {
        Outcome evaluate(GroupState s, Instant now);
    }

    private final Supplier<String> decisionIds;
    private final Duration commandMaxAge;
    private final Evaluator evaluator;

    public GroupCommands(Supplier<String> decisionIds, Duration commandMaxAge, Evaluator evaluator) {
        this.decisionIds = decisionIds;
        this.commandMaxAge = commandMaxAge;
        this.evaluator = evaluator;
    }

    /**
     * Applies an operator's command once: a command id seen before is not acted on again (its first outcome is
     * returned), and a command issued longer ago than the command max age is rejected as EXPIRED, with an audit entry.
     * Seen ids are part of the group's state, so this holds across restarts and offset resets.
     */
    public CommandOutcome apply(GroupState s, Command.Issued issued, Instant now) {
        Command command = issued.command();
        s.seenCommands().forgetOlderThan(commandMaxAge, now);
        GroupSnapshot.SeenCommand seen = s.seenCommands().of(issued.commandId());
        if (seen != null) {
            return new CommandOutcome.Repeated(seen);
        }
        if (issued.issuedAt().plus(commandMaxAge).isBefore(now)) {
            String why = "command " + issued.commandId() + " issued at " + issued.issuedAt() + ", more than the command "
                    + "max age of " + commandMaxAge + " before " + now + "; not applied";
            s.audit(now, command.principal(), "rejected " + Rejection.EXPIRED + ": " + describe(command),
                    why + " (its reason: " + command.reason() + ")");
            return new CommandOutcome.Rejected(Rejection.EXPIRED, "issuedAt", why);
        }
        if (s.seenCommands().size() >= Command.MAX_COMMANDS_PER_MAX_AGE) {
            // not remembered and not audited: a flood must not grow the state record or push real entries out of the audit
            return new CommandOutcome.Rejected(Rejection.RATE_LIMITED, null, "group " + command.group() + " had "
                    + Command.MAX_COMMANDS_PER_MAX_AGE + " commands within the command max age of " + commandMaxAge
                    + "; not applied, send it again later");
        }
        CommandOutcome outcome = apply(s, command, now);
        s.seenCommands().remember(issued, outcome);
        return outcome;
    }

    private static String describe(Command command) {
        return command.getClass().getSimpleName();
    }

    private CommandOutcome apply(GroupState s, Command command, Instant now) {
        Evidence evidence = Evidence.of(s, now);
        s.holdDown().update(evidence);
        s.overrides().clearExpiredPin(now);
        if (command instanceof Command.Pin pin) {
            return pin(s, pin, evidence);
        }
        if (command instanceof Command.Force force) {
            return force(s, force, evidence);
        }
        if (command instanceof Command.StartDrill start) {
            return startDrill(s, start, evidence);
        }
        if (command instanceof Command.Switchover switchover) {
            return switchover(s, switchover, evidence);
        }
        if (command instanceof Command.AbortSwitchover abort) {
            return abortSwitchover(s, abort, evidence);
        }
        if (command instanceof Command.EndDrill end) {
            if (s.overrides().drill() == null) {
                return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "no drill is running in group " + s.group().id());
            }
            List<Decision> decisions = endDrill(s, "ended by operator", end.reason(), end.principal(), evidence, null, false)
                    .stream()
                    .toList();
            return new CommandOutcome.Accepted("drill ended", decisions);
        }
        String detail;
        if (command instanceof Command.Release release) {
            GroupSnapshot.PinState released = s.overrides().unpin();
            detail = released == null ? "nothing was pinned" : "released pin of " + released.target();
            s.audit(now, release.principal(), "release pin", release.reason());
        } else if (command instanceof Command.Pause pause) {
            s.overrides().pause(pause.principal(), pause.reason(), now);
            return new CommandOutcome.Accepted("automation paused", List.of());
        } else if (command instanceof Command.Resume resume) {
            detail = s.resume(resume.principal(), resume.reason(), now) ? "automation resumed; flap-guard freeze lifted"
                    : "automation resumed";
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
        // with the hold lifted, automation may act at once
        Outcome outcome = evaluator.evaluate(s, now);
        return new CommandOutcome.Accepted(detail, outcome instanceof Outcome.Switched sw ? List.of(sw.decision()) : List.of());
    }

    private CommandOutcome pin(GroupState s, Command.Pin pin, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group().target(pin.target());
        if (target.isEmpty()) {
            return unknownTarget(s, pin.target());
        }
        if (pin.until() != null && !pin.until().isAfter(now)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "until", "until " + pin.until() + " is not in the future");
        }
        if (s.overrides().drill() != null) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "a drill is running; end it first");
        }
        TargetHealth health = evidence.of(target.get()).health();
        if (health != TargetHealth.HEALTHY) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "target " + pin.target() + " is " + health
                    + ", not HEALTHY; use force (break glass) to pin it anyway");
        }
        s.pin(new GroupSnapshot.PinState(pin.target(), pin.until(), false, pin.principal(), pin.reason(), now));
        s.audit(now, pin.principal(), "pin " + pin.target() + (pin.until() == null ? "" : " until " + pin.until()), pin.reason());
        Optional<String> unserved = unserved(s, pin.target(), now);
        if (unserved.isEmpty()) {
            return new CommandOutcome.Accepted("pinned " + pin.target() + ", already active", List.of());
        }
        Decision decision = switchTo(s, target.get(), DecisionKind.OVERRIDE, "pinned by " + pin.principal() + ": "
                + pin.reason(), pin.principal(), evidence);
        return new CommandOutcome.Accepted("pinned " + pin.target() + unserved.get(), List.of(decision));
    }

    private CommandOutcome force(GroupState s, Command.Force force, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group().target(force.target());
        if (target.isEmpty()) {
            return unknownTarget(s, force.target());
        }
        s.overrides().cancelDrill(force.principal(), force.reason(), now);
        TargetHealth health = evidence.of(target.get()).health();
        s.pin(new GroupSnapshot.PinState(force.target(), null, true, force.principal(), force.reason(), now));
        s.audit(now, force.principal(), "FORCE " + force.target() + " (health " + health + ")", force.reason());
        Optional<String> unserved = unserved(s, force.target(), now);
        if (unserved.isEmpty()) {
            return new CommandOutcome.Accepted("forced and pinned " + force.target() + ", already active", List.of());
        }
        Decision decision = switchTo(s, target.get(), DecisionKind.FORCE, "break-glass force by " + force.principal()
                + " (target health " + health + "): " + force.reason(), force.principal(), evidence);
        return new CommandOutcome.Accepted("forced " + force.target() + unserved.get(), List.of(decision));
    }

    /**
     * Why a pin or force to {@code target} must send a decision; empty when it need not: the target is active and the
     * actuator reports the latest decision, to it, as its record, converged. The engine's own decision is not the
     * truth: the actuator may hold it (a data-loss budget), have refused it (BLOCKED) or not have reported it yet, and
     * a force is the operator's way through; it goes out as a new decision above the held one's epoch.
     */
    private static Optional<String> unserved(GroupState s, String target, Instant now) {
        if (!s.active().equals(target)) {
            return Optional.of("");
        }
        Decision latest = s.journal().recentDecisions().stream().findFirst().orElse(null);
        if (latest == null || !latest.toTarget().equals(target)) {
            return Optional.empty(); // active from the start (no decision moved it), or moved there before the journal
        }
        GroupSnapshot.Serving serving = s.traffic().actuatorReports().serving();
        if (DecidedVsServed.of(latest, serving, now).state() == DecidedVsServed.State.SERVED) {
            return Optional.empty();
        }
        // short: the outcome is remembered with every command id (the state record's size, StateRecordSizeTest)
        return Optional.of(" again (not served: " + (serving == null ? "no report" : serving.status()) + ")");
    }

    /**
     * A planned move: only to a target that automation itself would accept as a destination (HEALTHY on fresh evidence,
     * dependencies HEALTHY), never during a drill. The target is pinned, so neither failback nor anything automatic
     * moves traffic back while the old region is under maintenance; the pin remembers where traffic was, for an abort.
     */
    private CommandOutcome switchover(GroupState s, Command.Switchover switchover, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group().target(switchover.target());
        if (target.isEmpty()) {
            return unknownTarget(s, switchover.target());
        }
        if (switchover.until() != null && !switchover.until().isAfter(now)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "until", "until " + switchover.until() + " is not in the future");
        }
        if (s.active().equals(switchover.target())) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "target", switchover.target() + " is already active");
        }
        if (s.overrides().drill() != null) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "a drill is running; end it first");
        }
        TargetHealth health = evidence.of(target.get()).health();
        if (health != TargetHealth.HEALTHY) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "target " + switchover.target() + " is " + health
                    + ", not HEALTHY; a planned switchover goes only to a HEALTHY target (force is the break glass)");
        }
        GroupView.DestinationCheck destination = evidence.of(target.get()).destination();
        if (destination.verdict() != Destination.ELIGIBLE) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "target " + switchover.target()
                    + " is not an eligible destination: " + destination.detail());
        }
        String from = s.active();
        s.pin(new GroupSnapshot.PinState(switchover.target(), switchover.until(), false, switchover.principal(),
                switchover.reason(), now, from));
        s.audit(now, switchover.principal(), "switchover " + from + " -> " + switchover.target()
                + (switchover.until() == null ? "" : " until " + switchover.until()), switchover.reason());
        Decision decision = switchTo(s, target.get(), DecisionKind.SWITCHOVER, "planned switchover by "
                + switchover.principal() + ": " + switchover.reason() + "; " + destination.detail(), switchover.principal(),
                evidence);
        return new CommandOutcome.Accepted("switchover to " + switchover.target() + " started; pinned there until "
                + (switchover.until() == null ? "released" : switchover.until()), List.of(decision));
    }

    /**
     * Undoes a switchover, whether the actuator is still in its choreography (the newer epoch supersedes it) or done:
     * traffic returns to the target it left, if that is HEALTHY (otherwise force is the operator's tool), and the pin
     * goes, so automation resumes.
     */
    private CommandOutcome abortSwitchover(GroupState s, Command.AbortSwitchover abort, Evidence evidence) {
        Instant now = evidence.at();
        GroupSnapshot.PinState pin = s.overrides().pin();
        if (pin == null || pin.switchedFrom() == null) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "no switchover holds group " + s.group().id()
                    + (pin == null ? "" : "; its pin is " + Hold.PINNED.describe(s.overrides()) + " (use release)"));
        }
        Optional<Target> back = s.group().target(pin.switchedFrom());
        if (back.isEmpty()) {
            return unknownTarget(s, pin.switchedFrom());
        }
        TargetHealth health = evidence.of(back.get()).health();
        if (!s.active().equals(back.get().id()) && health != TargetHealth.HEALTHY) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "the switchover came from " + back.get().id()
                    + ", which is " + health + ", not HEALTHY; release the pin or force a target instead");
        }
        String to = s.overrides().unpin().target();
        s.audit(now, abort.principal(), "switchover to " + to + " aborted", abort.reason());
        if (s.active().equals(back.get().id())) {
            return new CommandOutcome.Accepted("switchover aborted; " + back.get().id() + " already active", List.of());
        }
        Decision decision = switchTo(s, back.get(), DecisionKind.OVERRIDE, "switchover to " + to + " aborted by "
                + abort.principal() + ": " + abort.reason(), abort.principal(), evidence);
        return new CommandOutcome.Accepted("switchover aborted; traffic returns to " + back.get().id(), List.of(decision));
    }

    private CommandOutcome startDrill(GroupState s, Command.StartDrill start, Evidence evidence) {
        Instant now = evidence.at();
        Hold hold = s.hold(now);
        if (hold != Hold.NONE) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "drills start only while automation runs; it is "
                    + hold.describe(s.overrides()));
        }
        Optional<Target> target = start.target() == null
                ? s.group().targets().stream().filter(t -> !t.isLastResort() && !t.id().equals(s.active())).findFirst()
                : s.group().target(start.target());
        if (target.isEmpty()) {
            return start.target() == null
                    ? new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "no target to drill on")
                    : unknownTarget(s, start.target());
        }
        if (target.get().id().equals(s.active())) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "target", target.get().id() + " is already active");
        }
        Duration duration = start.duration() != null ? start.duration() : Duration.ofMinutes(s.group().drill().durationMinutes());
        if (duration.isNegative() || duration.isZero()) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "duration", "must be positive, was " + duration);
        }
        for (Target t : s.group().targets()) {
            TargetHealth health = evidence.of(t).health();
            if (!t.isLastResort() && health != TargetHealth.HEALTHY) {
                return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "drills start only when every target is HEALTHY; "
                        + t.id() + " is " + health);
            }
        }
        String returnTo = s.active();
        Decision decision = switchTo(s, target.get(), DecisionKind.DRILL_START, "DR drill by " + start.principal() + " for "
                + duration + ": " + start.reason(), start.principal(), evidence);
        s.overrides().startDrill(new GroupSnapshot.DrillState(target.get().id(), returnTo, now, now.plus(duration),
                start.principal(), decision.decisionId()), new GroupSnapshot.DrillReport(decision.decisionId(),
                        target.get().id(), now, null, "running", null));
        s.audit(now, start.principal(), "drill start on " + target.get().id(), start.reason());
        return new CommandOutcome.Accepted("drill started on " + target.get().id() + " until "
                + s.overrides().drill().endsAt(), List.of(decision));
    }

    private static CommandOutcome unknownTarget(GroupState s, String target) {
        return new CommandOutcome.Rejected(Rejection.INVALID, "target", "no target '" + target + "' in group " + s.group().id()
                + "; targets are " + s.group().targets().stream().map(Target::id).toList());
    }

    // ---- the end of a drill ----

    /**
     * Ends the drill and moves traffic back to where it was, or to the first HEALTHY target if that is not HEALTHY. While
     * the drill target is failing, whoever ends it, the way back is a DRILL_ABORT: an emergency the actuator acts on at
     * once; otherwise a DRILL_END, a planned move (ADR 0012).
     */
    /**
     * @param trace the rule chain's steps when the chain ended the drill; null when an operator did
     * @param abort the chain aborts it (an abort alert): back at once, as when the drill target fails
     */
    public Optional<Decision> endDrill(GroupState s, String outcome, String reason, String principal, Evidence evidence,
            List<RuleStep> trace, boolean abort) {
        Instant now = evidence.at();
        GroupSnapshot.DrillState drill = s.overrides().drill();
        TargetHealth drillTarget = s.group().target(drill.target()).map(t -> evidence.of(t).health()).orElse(TargetHealth.UNKNOWN);
        DecisionKind kind = abort || drillTarget == TargetHealth.UNHEALTHY || drillTarget == TargetHealth.FLAPPING
                ? DecisionKind.DRILL_ABORT : DecisionKind.DRILL_END;
        Optional<Target> back = s.group().target(drill.returnTo()).filter(t -> evidence.of(t).health() == TargetHealth.HEALTHY);
        if (back.isEmpty()) {
            back = firstHealthy(s, evidence, s.group().target(s.active()).orElseThrow());
        }
        GroupSnapshot.DrillReport last = s.overrides().lastDrill();
        Long recovery = last != null && drill.startDecisionId().equals(last.startDecisionId()) ? last.recoveryMillis() : null;
        s.audit(now, principal, "drill " + outcome, reason);
        if (back.isEmpty() || back.get().id().equals(s.active())) {
            s.overrides().endDrill(new GroupSnapshot.DrillReport(drill.startDecisionId(), drill.target(), drill.startedAt(),
                    now, outcome + (back.isEmpty() ? "; traffic stays on " + s.active() + ": no HEALTHY target to return to"
                            : ""), recovery));
            return Optional.empty();
        }
        s.overrides().endDrill(new GroupSnapshot.DrillReport(drill.startDecisionId(), drill.target(), drill.startedAt(), now,
                outcome, recovery));
        return Optional.of(s.switchTo(back.get(), kind, reason, principal, evidence,
                (before, decision) -> Explanations.ofDecision(s, before, decision, evidence, trace),
                decisionIds.get()));
    }

    /** The first HEALTHY target in chain order, other than the active one and the last resort: where a drill returns to. */
    private static Optional<Target> firstHealthy(GroupState s, Evidence evidence, Target except) {
        return evidence.targets().stream()
                .filter(t -> !t.target().id().equals(except.id()) && !t.target().isLastResort())
                .filter(t -> t.health() == TargetHealth.HEALTHY)
                .map(Evidence.OfTarget::target)
                .findFirst();
    }

    /** An operator's switch: explained as the command, on the evidence of now. */
    private Decision switchTo(GroupState s, Target to, DecisionKind kind, String reason, String principal, Evidence evidence) {
        return s.switchTo(to, kind, reason, principal, evidence,
                (before, decision) -> Explanations.ofDecision(s, before, decision, evidence, null), decisionIds.get());
    }
}
