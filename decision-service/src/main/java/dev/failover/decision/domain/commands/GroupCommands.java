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

    private final Duration commandMaxAge;
    private final Evaluator evaluator;
    private final Moves moves;
    private final Drills drills;

    public GroupCommands(Supplier<String> decisionIds, Duration commandMaxAge, Evaluator evaluator) {
        this.commandMaxAge = commandMaxAge;
        this.evaluator = evaluator;
        this.moves = new Moves(decisionIds);
        this.drills = new Drills(moves);
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
            String why = "command " + issued.commandId() + " issued at " + issued.issuedAt()
                    + ", more than the command "
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
            return drills.start(s, start, evidence);
        }
        if (command instanceof Command.Switchover switchover) {
            return switchover(s, switchover, evidence);
        }
        if (command instanceof Command.AbortSwitchover abort) {
            return abortSwitchover(s, abort, evidence);
        }
        if (command instanceof Command.EndDrill end) {
            if (s.overrides().drill() == null) {
                return new CommandOutcome.Rejected(Rejection.CONFLICT, null,
                        "no drill is running in group " + s.group().id());
            }
            List<Decision> decisions = drills
                    .end(s, "ended by operator", end.reason(), end.principal(), evidence, null, false)
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
        return new CommandOutcome.Accepted(detail,
                outcome instanceof Outcome.Switched sw ? List.of(sw.decision()) : List.of());
    }

    private CommandOutcome pin(GroupState s, Command.Pin pin, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group().target(pin.target());
        if (target.isEmpty()) {
            return Moves.unknownTarget(s, pin.target());
        }
        if (pin.until() != null && !pin.until().isAfter(now)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "until",
                    "until " + pin.until() + " is not in the future");
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
        s.audit(now, pin.principal(), "pin " + pin.target() + (pin.until() == null ? "" : " until " + pin.until()),
                pin.reason());
        Optional<String> unserved = unserved(s, pin.target(), now);
        if (unserved.isEmpty()) {
            return new CommandOutcome.Accepted("pinned " + pin.target() + ", already active", List.of());
        }
        Decision decision = moves.switchTo(s, target.get(), DecisionKind.OVERRIDE, "pinned by " + pin.principal() + ": "
                + pin.reason(), pin.principal(), evidence, null);
        return new CommandOutcome.Accepted("pinned " + pin.target() + unserved.get(), List.of(decision));
    }

    private CommandOutcome force(GroupState s, Command.Force force, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group().target(force.target());
        if (target.isEmpty()) {
            return Moves.unknownTarget(s, force.target());
        }
        s.overrides().cancelDrill(force.principal(), force.reason(), now);
        TargetHealth health = evidence.of(target.get()).health();
        s.pin(new GroupSnapshot.PinState(force.target(), null, true, force.principal(), force.reason(), now));
        s.audit(now, force.principal(), "FORCE " + force.target() + " (health " + health + ")", force.reason());
        Optional<String> unserved = unserved(s, force.target(), now);
        if (unserved.isEmpty()) {
            return new CommandOutcome.Accepted("forced and pinned " + force.target() + ", already active", List.of());
        }
        Decision decision = moves.switchTo(s, target.get(), DecisionKind.FORCE,
                "break-glass force by " + force.principal()
                        + " (target health " + health + "): " + force.reason(),
                force.principal(), evidence, null);
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
            return Moves.unknownTarget(s, switchover.target());
        }
        if (switchover.until() != null && !switchover.until().isAfter(now)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "until",
                    "until " + switchover.until() + " is not in the future");
        }
        if (s.active().equals(switchover.target())) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "target", switchover.target() + " is already active");
        }
        if (s.overrides().drill() != null) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "a drill is running; end it first");
        }
        TargetHealth health = evidence.of(target.get()).health();
        if (health != TargetHealth.HEALTHY) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "target " + switchover.target() + " is "
                    + health
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
        Decision decision = moves.switchTo(s, target.get(), DecisionKind.SWITCHOVER, "planned switchover by "
                + switchover.principal() + ": " + switchover.reason() + "; " + destination.detail(),
                switchover.principal(),
                evidence, null);
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
            return Moves.unknownTarget(s, pin.switchedFrom());
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
        Decision decision = moves.switchTo(s, back.get(), DecisionKind.OVERRIDE, "switchover to " + to + " aborted by "
                + abort.principal() + ": " + abort.reason(), abort.principal(), evidence, null);
        return new CommandOutcome.Accepted("switchover aborted; traffic returns to " + back.get().id(),
                List.of(decision));
    }

    /**
     * Ends the drill, whoever ends it ({@link Drills#end}): the operator's end-drill command, or the rule chain, when
     * the drill is due or must be aborted.
     */
    public Optional<Decision> endDrill(GroupState s, String outcome, String reason, String principal, Evidence evidence,
            List<RuleStep> trace, boolean abort) {
        return drills.end(s, outcome, reason, principal, evidence, trace, abort);
    }
}
