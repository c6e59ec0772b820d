package dev.failover.decision.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Dependency;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Safety;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.CommandOutcome.Rejection;


/**
 * Turns probe results, the passing of time and operator commands into decisions: hysteresis and flap detection per
 * (target, location), quorum over locations, the group's ordered chain, failback after a hold-down, dwell time, the
 * flap guard, pins, pauses, break-glass force and drills. Plain Java; time comes from the injected clock.
 * <p>
 * Safety: it never acts on an UNKNOWN or FLAPPING active target, never switches automatically to a target that is not
 * HEALTHY (only a break-glass force does), and every decision names a target, so a group is never left without one.
 */
public final class DecisionEngine {

    /** The default of failover.command-max-age. */
    public static final Duration DEFAULT_COMMAND_MAX_AGE = Duration.ofMinutes(5);
    /**
     * Most commands a group takes within the command max age. Each one's id is remembered that long, in the group's
     * state record, against replays; without a bound a flood of commands would push that record past the broker's
     * message limit (StateRecordSizeTest). Far above what people send; a retry with the same id does not count again.
     */
    public static final int MAX_COMMANDS_PER_MAX_AGE = 200;

    private final Topology topology;
    private final Clock clock;
    private final Supplier<String> decisionIds;
    private final Duration clockSkewTolerance;
    private final Duration commandMaxAge;
    private final Map<String, GroupState> groups = new LinkedHashMap<>();
    /** Per probe location, from the results of every group: a location has one clock, whatever it probes. */
    private final Map<String, ClockOffsetEstimate> locationClocks = new LinkedHashMap<>();
    private final CorrelatedFailureGuard guard;
    private final int allMaxSwitchesPerDay;

    /** With the {@link #DEFAULT_COMMAND_MAX_AGE}: for tools and tests that do not configure it. */
    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, Duration clockSkewTolerance) {
        this(topology, clock, decisionIds, clockSkewTolerance, DEFAULT_COMMAND_MAX_AGE);
    }

    /** @param commandMaxAge commands issued longer ago are rejected as EXPIRED; must be positive */
    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, Duration clockSkewTolerance,
            Duration commandMaxAge) {
        if (commandMaxAge.isNegative() || commandMaxAge.isZero()) {
            throw new IllegalArgumentException("command max age must be positive, was " + commandMaxAge);
        }
        this.topology = topology;
        this.clock = clock;
        this.decisionIds = decisionIds;
        this.clockSkewTolerance = clockSkewTolerance;
        this.commandMaxAge = commandMaxAge;
        for (FailoverGroup group : topology.groups()) {
            groups.put(group.id(), new GroupState(group, topology.locations()));
        }
        for (String location : topology.locations()) {
            locationClocks.put(location, new ClockOffsetEstimate());
        }
        int allTargets = (int) topology.groups().stream().flatMap(g -> g.targets().stream()).filter(t -> !t.isLastResort()).count();
        this.guard = new CorrelatedFailureGuard(topology.safety().correlatedFailure(), allTargets);
        this.allMaxSwitchesPerDay = topology.safety().maxSwitchesPerDayOf(topology.groups().size());
    }

    public Set<String> groupIds() {
        return groups.keySet();
    }

    public Topology topology() {
        return topology;
    }

    public synchronized Outcome onProbeResult(ProbeResult result) {
        return onProbeResult(result, null);
    }

    /** @param position where the result was read from Kafka, kept with it as evidence; null when not from Kafka */
    public synchronized Outcome onProbeResult(ProbeResult result, Explanation.Position position) {
        Outcome recorded = record(result, position);
        if (!(recorded instanceof Outcome.Steady)) {
            return recorded;
        }
        return evaluate(groups.get(result.group()), clock.instant());
    }

    /**
     * Counts the result in its tracker without evaluating the group: Steady when counted, Ignored (with why) when not.
     * A replay records a whole window of evidence this way before it evaluates once.
     */
    Outcome record(ProbeResult result, Explanation.Position position) {
        GroupState state = groups.get(result.group());
        if (state == null) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_GROUP, "no group '" + result.group() + "' in the topology");
        }
        Optional<Target> target = state.group.target(result.target());
        if (target.isEmpty()) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_TARGET,
                    "no target '" + result.target() + "' in group '" + result.group() + "'");
        }
        if (!topology.locations().contains(result.location())) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_LOCATION,
                    "location '" + result.location() + "' is not one of " + topology.locations());
        }
        Optional<Dependency> dependency = Optional.empty();
        if (result.dependency() != null) {
            dependency = target.get().dependency(result.dependency());
            if (dependency.isEmpty()) {
                return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_DEPENDENCY, "no dependency '" + result.dependency()
                        + "' of target '" + result.target() + "' in group '" + result.group() + "'");
            }
        }
        LocationTracker tracker = dependency.isPresent()
                ? state.dependencyTracker(result.target(), result.dependency(), result.location())
                : state.tracker(result.target(), result.location());
        Duration staleAfter = dependency.map(d -> GroupState.staleAfter(d.probe())).orElse(GroupState.staleAfter(target.get()));
        Instant now = clock.instant();
        Instant endedAtLocation = result.startedAt().plusMillis(result.durationMillis() == null ? 0 : result.durationMillis());
        locationClocks.get(result.location()).sample(endedAtLocation, now);
        if (result.startedAt().isAfter(now.plus(clockSkewTolerance))) {
            return ignored(tracker, result, Outcome.IgnoreReason.FROM_THE_FUTURE, now, "started at " + result.startedAt()
                    + ", more than " + clockSkewTolerance + " after now (" + now + "); " + clockNote(result.location(), now));
        }
        if (result.startedAt().plus(staleAfter).isBefore(now)) {
            return ignored(tracker, result, Outcome.IgnoreReason.STALE, now, "started at " + result.startedAt() + ", older than "
                    + staleAfter + " at " + now + "; " + clockNote(result.location(), now));
        }
        tracker.record(result, state.thresholds(), state.group.safety().classOf(result.failureReason()), position);
        return new Outcome.Steady(state.group.id());
    }

    /** A result not used is remembered with its reason, so the view can tell a skewed location from a silent one. */
    private static Outcome ignored(LocationTracker tracker, ProbeResult result, Outcome.IgnoreReason reason, Instant now,
            String detail) {
        tracker.ignored(new GroupView.IgnoredResult(reason, now, result.startedAt(), detail));
        return new Outcome.Ignored(reason, detail);
    }

    private String clockNote(String location, Instant now) {
        Long offset = locationClocks.get(location).offsetMillis(now);
        return offset >= 0 ? location + "'s clock is at least " + offset + " ms ahead of this instance's"
                : location + "'s clock is behind this instance's, or its results are delayed, by up to " + -offset + " ms";
    }

    /** This instance's estimate of a probe location's clock (GroupView.LocationClock); empty for an unknown location. */
    public synchronized Optional<GroupView.LocationClock> locationClock(String location) {
        return Optional.ofNullable(locationClocks.get(location)).map(c -> c.view(location, clock.instant(), clockSkewTolerance));
    }

    private List<GroupView.LocationClock> locationClocks(Instant now) {
        return locationClocks.entrySet().stream().map(e -> e.getValue().view(e.getKey(), now, clockSkewTolerance)).toList();
    }

    /** Re-evaluates every group for the passing of time: silent locations, pin and drill expiry, failback hold-down. */
    public synchronized List<Outcome> tick() {
        return tick(groups.keySet());
    }

    /** Like {@link #tick()}, for the given groups only: an instance evaluates only the groups it owns. */
    public synchronized List<Outcome> tick(java.util.Collection<String> groupIds) {
        Instant now = clock.instant();
        List<Outcome> outcomes = new ArrayList<>();
        for (String id : groupIds) {
            GroupState state = groups.get(id);
            if (state != null) {
                state.forgetCommandsOlderThan(commandMaxAge, now);
                outcomes.add(evaluate(state, now));
            }
        }
        return outcomes;
    }

    /**
     * Evaluates the group: counts its evidence once, runs the {@link RuleChain} and carries out what it ends with;
     * remembers the outcome with the chain's trace and the evidence, for "why is it doing this now".
     */
    private Outcome evaluate(GroupState s, Instant now) {
        Evidence evidence = Evidence.of(s, now);
        for (Evidence.OfTarget t : evidence.targets()) {
            if (!t.target().isLastResort()) {
                guard.observe(s.group.id(), t.target().id(), t.target().region(), t.failing(), now);
            }
        }
        s.updateHoldDown(evidence);
        clearExpiredPin(s, now);
        s.forgetSwitchesOlderThan(SwitchBudgetRule.WINDOW, now);
        RuleChain.Result result = RuleChain.run(new Evaluation(s, evidence, now, fleet));
        Outcome outcome;
        if (result.ending() instanceof RuleChain.Ending.Held held) {
            outcome = new Outcome.Held(s.group.id(), held.reason(), held.why());
        } else if (result.ending() instanceof RuleChain.Ending.Moved moved && moved.move() instanceof Move.Switch sw) {
            s.automaticSwitches.addLast(now);
            outcome = new Outcome.Switched(switchTo(s, sw.to(), sw.kind(), sw.reason(), Decision.AUTOMATION, evidence,
                    result.trace()));
        } else if (result.ending() instanceof RuleChain.Ending.Moved moved && moved.move() instanceof Move.EndDrill end) {
            outcome = endDrill(s, end.outcome(), end.reason(), Decision.AUTOMATION, evidence)
                    .<Outcome>map(Outcome.Switched::new).orElse(new Outcome.Steady(s.group.id()));
        } else {
            outcome = new Outcome.Steady(s.group.id());
        }
        s.lastEvaluation = new GroupState.LastEvaluation(outcome, now, result.trace(), evidence);
        return outcome;
    }

    /** The pin no longer holds once expired (see {@link Hold}); clearing it records that for operators. */
    private static void clearExpiredPin(GroupState s, Instant now) {
        if (s.pin != null && s.pin.until() != null && !now.isBefore(s.pin.until())) {
            s.audit(now, Decision.AUTOMATION, "pin expired", "pin of " + s.pin.target() + " until " + s.pin.until() + " expired");
            s.pin = null;
        }
    }

    /** What the rules read from beyond one group: the correlated-failure guard and the global switch budget. */
    private final Evaluation.Fleet fleet = new Evaluation.Fleet() {
        @Override
        public Optional<CorrelatedFailureGuard.Suspicion> suspicion(Instant now) {
            return guard.evaluate(now);
        }

        @Override
        public int switchesWithin(Duration window, Instant now) {
            return allSwitchesWithin(window, now);
        }

        @Override
        public int maxSwitchesPerDay() {
            return allMaxSwitchesPerDay;
        }
    };

    private int allSwitchesWithin(Duration window, Instant now) {
        return groups.values().stream().mapToInt(g -> g.switchesWithin(window, now)).sum();
    }

    /** The first HEALTHY target in chain order, other than the active one and the last resort: where a drill returns to. */
    private static Optional<Target> firstHealthy(GroupState s, Evidence evidence, Target except) {
        return evidence.targets().stream()
                .filter(t -> !t.target().id().equals(except.id()) && !t.target().isLastResort())
                .filter(t -> t.health() == TargetHealth.HEALTHY)
                .map(Evidence.OfTarget::target)
                .findFirst();
    }

    /**
     * Moves the group's traffic: a new epoch, the decision into the outbox, its explanation from {@code trace} (the
     * chain's, for an automatic switch; null for an operator's command) and the evidence it was made on.
     */
    private Decision switchTo(GroupState s, Target to, DecisionKind kind, String reason, String principal, Evidence evidence,
            List<RuleChain.Step> trace) {
        Instant now = evidence.at();
        Explanation.StartingState before = Explanations.starting(s);
        String from = s.active;
        s.epoch++;
        s.active = to.id();
        s.lastSwitchAt = now;
        DecisionMode mode = s.group.mode() == GroupMode.SHADOW ? DecisionMode.SHADOW : DecisionMode.LIVE;
        Decision decision = new Decision(EventCodec.SCHEMA_VERSION, decisionIds.get(), s.group.id(), s.epoch, kind, from,
                to.id(), reason, s.evidence(evidence), now, mode, principal);
        s.recordDecision(decision);
        s.recordExplanation(Explanations.ofDecision(s, before, decision, evidence, trace));
        s.outbox.addLast(decision);
        return decision;
    }

    /** An operator's switch: explained as the command, on the evidence of now. */
    private Decision switchTo(GroupState s, Target to, DecisionKind kind, String reason, String principal, Evidence evidence) {
        return switchTo(s, to, kind, reason, principal, evidence, null);
    }

    // ---- explanations ----

    /** Why the group's decision {@code decisionId} was made; empty for an unknown group or a decision not kept. */
    public synchronized Optional<Explanation> explanation(String group, String decisionId) {
        GroupState s = groups.get(group);
        return s == null ? Optional.empty()
                : s.explanations.stream().filter(e -> decisionId.equals(e.decisionId())).findFirst();
    }

    /**
     * The explanations of the group's latest published decisions, newest first: what is persisted (ADR 0011). One of a
     * decision still in the outbox is left out: that decision may yet be discarded (ownership lost), and an explanation
     * must never be on the topic before its decision.
     */
    public synchronized List<Explanation> explanations(String group) {
        GroupState s = groups.get(group);
        if (s == null) {
            return List.of();
        }
        Set<String> unpublished = s.outboxDecisionIds();
        return s.explanations.stream().filter(e -> !unpublished.contains(e.decisionId())).toList();
    }

    /** Takes a group's persisted explanations back on restore; an unknown group's are ignored. */
    public synchronized void restoreExplanations(String group, List<Explanation> persisted) {
        GroupState s = groups.get(group);
        if (s != null) {
            s.restoreExplanations(persisted);
        }
    }

    /**
     * Why the group does what it does now: its last evaluation (on the last probe result or tick, at most a tick ago)
     * explained with the state of that moment; empty for an unknown group or one not evaluated yet.
     */
    public synchronized Optional<Explanation> explanationNow(String group) {
        GroupState s = groups.get(group);
        if (s == null || s.lastEvaluation == null) {
            return Optional.empty();
        }
        if (s.lastEvaluation.outcome() instanceof Outcome.Switched switched) {
            return explanation(group, switched.decision().decisionId());
        }
        return Optional.of(Explanations.ofEvaluation(s, s.lastEvaluation));
    }

    /** A replay's start: the state an explanation recorded from before its evidence (ExplanationReplay). */
    synchronized void startFrom(String group, Explanation.StartingState state) {
        GroupState s = groups.get(group);
        s.active = state.activeTarget();
        s.epoch = state.epoch();
        s.lastSwitchAt = state.lastSwitchAt();
        s.stablyHealthySince.clear();
        s.stablyHealthySince.putAll(state.stablyHealthySince());
    }

    /** A replay's start for one location's view of a target: the counts its recorded results were counted from. */
    synchronized void startFrom(String group, String target, String location, Explanation.Counts counts) {
        groups.get(group).tracker(target, location).startFrom(counts);
    }

    /** A replay's one evaluation, at the clock's instant. */
    synchronized Outcome evaluateNow(String group) {
        return evaluate(groups.get(group), clock.instant());
    }

    // ---- drills ----

    /**
     * Ends the drill and moves traffic back to where it was, or to the first HEALTHY target if that is not HEALTHY. While
     * the drill target is failing, whoever ends it, the way back is a DRILL_ABORT: an emergency the actuator acts on at
     * once; otherwise a DRILL_END, a planned move (ADR 0012).
     */
    private Optional<Decision> endDrill(GroupState s, String outcome, String reason, String principal, Evidence evidence) {
        Instant now = evidence.at();
        GroupSnapshot.DrillState drill = s.drill;
        TargetHealth drillTarget = s.group.target(drill.target()).map(t -> evidence.of(t).health()).orElse(TargetHealth.UNKNOWN);
        DecisionKind kind = drillTarget == TargetHealth.UNHEALTHY || drillTarget == TargetHealth.FLAPPING
                ? DecisionKind.DRILL_ABORT : DecisionKind.DRILL_END;
        s.drill = null;
        Optional<Target> back = s.group.target(drill.returnTo()).filter(t -> evidence.of(t).health() == TargetHealth.HEALTHY);
        if (back.isEmpty()) {
            back = firstHealthy(s, evidence, s.group.target(s.active).orElseThrow());
        }
        Long recovery = s.lastDrill != null && drill.startDecisionId().equals(s.lastDrill.startDecisionId())
                ? s.lastDrill.recoveryMillis() : null;
        s.audit(now, principal, "drill " + outcome, reason);
        if (back.isEmpty() || back.get().id().equals(s.active)) {
            s.lastDrill = new GroupSnapshot.DrillReport(drill.startDecisionId(), drill.target(), drill.startedAt(), now,
                    outcome + (back.isEmpty() ? "; traffic stays on " + s.active + ": no HEALTHY target to return to" : ""),
                    recovery);
            return Optional.empty();
        }
        s.lastDrill = new GroupSnapshot.DrillReport(drill.startDecisionId(), drill.target(), drill.startedAt(), now, outcome,
                recovery);
        return Optional.of(switchTo(s, back.get(), kind, reason, principal, evidence));
    }

    /**
     * The actuator verified the switch of decision {@code decisionId}: when it started the group's last drill, that is the
     * drill's recovery time. Returns the recovery time when it was one.
     */
    public synchronized Optional<Duration> onSwitchVerified(String group, String decisionId, Duration sinceDecision) {
        GroupState s = groups.get(group);
        if (s == null || s.lastDrill == null || !s.lastDrill.startDecisionId().equals(decisionId)) {
            return Optional.empty();
        }
        GroupSnapshot.DrillReport r = s.lastDrill;
        s.lastDrill = new GroupSnapshot.DrillReport(r.startDecisionId(), r.target(), r.startedAt(), r.endedAt(), r.outcome(),
                sinceDecision.toMillis());
        return Optional.of(sinceDecision);
    }

    /**
     * The actuator reports whether a decision is served (desired vs served, ADR 0006). Reports on an older epoch than
     * the last one kept are ignored; a group blocked or drifted is also noted in the audit trail.
     */
    public synchronized void onConvergence(String group, String decisionId, long epoch, ActuationStatus status, String detail,
            Instant at) {
        GroupState s = groups.get(group);
        if (s == null || (s.serving != null && epoch < s.serving.epoch())) {
            return;
        }
        s.serving = new GroupSnapshot.Serving(epoch, decisionId, status, detail, at);
        if (status == ActuationStatus.BLOCKED || status == ActuationStatus.DRIFT) {
            s.audit(clock.instant(), "actuator", "record " + status, "decision " + decisionId + " (epoch " + epoch + "): " + detail);
        }
    }

    /** The actuator could not carry out a decision: recorded in the group's audit trail for operators. */
    public synchronized void onActuationFailed(String group, String decisionId, String step, String details) {
        GroupState s = groups.get(group);
        if (s != null) {
            s.audit(clock.instant(), "actuator", "actuation failed at " + step, "decision " + decisionId + ": " + details);
        }
    }

    // ---- operator commands ----

    /**
     * Applies an operator's command once: a command id seen before is not acted on again (its first outcome is
     * returned), and a command issued longer ago than the command max age is rejected as EXPIRED, with an audit entry.
     * Seen ids are part of the group's state, so this holds across restarts and offset resets.
     */
    public synchronized CommandOutcome apply(Command.Issued issued) {
        Command command = issued.command();
        GroupState s = groups.get(command.group());
        if (s == null) {
            return new CommandOutcome.Rejected(Rejection.NOT_FOUND, "group", "no group '" + command.group() + "'");
        }
        Instant now = clock.instant();
        s.forgetCommandsOlderThan(commandMaxAge, now);
        GroupSnapshot.SeenCommand seen = s.seenCommands.get(issued.commandId());
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
        if (s.seenCommands.size() >= MAX_COMMANDS_PER_MAX_AGE) {
            // not remembered and not audited: a flood must not grow the state record or push real entries out of the audit
            return new CommandOutcome.Rejected(Rejection.RATE_LIMITED, null, "group " + command.group() + " had "
                    + MAX_COMMANDS_PER_MAX_AGE + " commands within the command max age of " + commandMaxAge
                    + "; not applied, send it again later");
        }
        CommandOutcome outcome = apply(s, command, now);
        s.seenCommands.put(issued.commandId(), GroupSnapshot.SeenCommand.of(issued.commandId(), issued.issuedAt(), outcome));
        return outcome;
    }

    /** Applies {@code command} now as a new command: for tests of the rules, which need no ids. */
    CommandOutcome apply(Command command) {
        return apply(new Command.Issued(java.util.UUID.randomUUID().toString(), clock.instant(), command));
    }

    private static String describe(Command command) {
        return command.getClass().getSimpleName();
    }

    private CommandOutcome apply(GroupState s, Command command, Instant now) {
        Evidence evidence = Evidence.of(s, now);
        s.updateHoldDown(evidence);
        clearExpiredPin(s, now);
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
            if (s.drill == null) {
                return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "no drill is running in group " + s.group.id());
            }
            List<Decision> decisions = endDrill(s, "ended by operator", end.reason(), end.principal(), evidence).stream().toList();
            return new CommandOutcome.Accepted("drill ended", decisions);
        }
        String detail;
        if (command instanceof Command.Release release) {
            detail = s.pin == null ? "nothing was pinned" : "released pin of " + s.pin.target();
            s.pin = null;
            s.audit(now, release.principal(), "release pin", release.reason());
        } else if (command instanceof Command.Pause pause) {
            s.pause = new GroupSnapshot.PauseState(pause.principal(), pause.reason(), now);
            s.audit(now, pause.principal(), "pause", pause.reason());
            return new CommandOutcome.Accepted("automation paused", List.of());
        } else if (command instanceof Command.Resume resume) {
            detail = s.freeze != null ? "automation resumed; flap-guard freeze lifted" : "automation resumed";
            s.pause = null;
            s.freeze = null;
            s.automaticSwitches.clear();
            s.guardAcknowledgedAt = now;
            s.audit(now, resume.principal(), "resume", resume.reason());
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
        // with the hold lifted, automation may act at once
        Outcome outcome = evaluate(s, now);
        return new CommandOutcome.Accepted(detail, outcome instanceof Outcome.Switched sw ? List.of(sw.decision()) : List.of());
    }

    private CommandOutcome pin(GroupState s, Command.Pin pin, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group.target(pin.target());
        if (target.isEmpty()) {
            return unknownTarget(s, pin.target());
        }
        if (pin.until() != null && !pin.until().isAfter(now)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "until", "until " + pin.until() + " is not in the future");
        }
        if (s.drill != null) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "a drill is running; end it first");
        }
        TargetHealth health = evidence.of(target.get()).health();
        if (health != TargetHealth.HEALTHY) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "target " + pin.target() + " is " + health
                    + ", not HEALTHY; use force (break glass) to pin it anyway");
        }
        s.pin = new GroupSnapshot.PinState(pin.target(), pin.until(), false, pin.principal(), pin.reason(), now);
        s.audit(now, pin.principal(), "pin " + pin.target() + (pin.until() == null ? "" : " until " + pin.until()), pin.reason());
        if (s.active.equals(pin.target())) {
            return new CommandOutcome.Accepted("pinned " + pin.target() + ", already active", List.of());
        }
        Decision decision = switchTo(s, target.get(), DecisionKind.OVERRIDE, "pinned by " + pin.principal() + ": "
                + pin.reason(), pin.principal(), evidence);
        return new CommandOutcome.Accepted("pinned " + pin.target(), List.of(decision));
    }

    private CommandOutcome force(GroupState s, Command.Force force, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group.target(force.target());
        if (target.isEmpty()) {
            return unknownTarget(s, force.target());
        }
        if (s.drill != null) {
            s.audit(now, force.principal(), "drill cancelled by force", force.reason());
            s.drill = null;
        }
        TargetHealth health = evidence.of(target.get()).health();
        s.pin = new GroupSnapshot.PinState(force.target(), null, true, force.principal(), force.reason(), now);
        s.audit(now, force.principal(), "FORCE " + force.target() + " (health " + health + ")", force.reason());
        if (s.active.equals(force.target())) {
            return new CommandOutcome.Accepted("forced and pinned " + force.target() + ", already active", List.of());
        }
        Decision decision = switchTo(s, target.get(), DecisionKind.FORCE, "break-glass force by " + force.principal()
                + " (target health " + health + "): " + force.reason(), force.principal(), evidence);
        return new CommandOutcome.Accepted("forced " + force.target(), List.of(decision));
    }

    /**
     * A planned move: only to a target that automation itself would accept as a destination (HEALTHY on fresh evidence,
     * dependencies HEALTHY), never during a drill. The target is pinned, so neither failback nor anything automatic
     * moves traffic back while the old region is under maintenance; the pin remembers where traffic was, for an abort.
     */
    private CommandOutcome switchover(GroupState s, Command.Switchover switchover, Evidence evidence) {
        Instant now = evidence.at();
        Optional<Target> target = s.group.target(switchover.target());
        if (target.isEmpty()) {
            return unknownTarget(s, switchover.target());
        }
        if (switchover.until() != null && !switchover.until().isAfter(now)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "until", "until " + switchover.until() + " is not in the future");
        }
        if (s.active.equals(switchover.target())) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "target", switchover.target() + " is already active");
        }
        if (s.drill != null) {
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
        String from = s.active;
        s.pin = new GroupSnapshot.PinState(switchover.target(), switchover.until(), false, switchover.principal(),
                switchover.reason(), now, from);
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
        if (s.pin == null || s.pin.switchedFrom() == null) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "no switchover holds group " + s.group.id()
                    + (s.pin == null ? "" : "; its pin is " + Hold.PINNED.describe(s) + " (use release)"));
        }
        Optional<Target> back = s.group.target(s.pin.switchedFrom());
        if (back.isEmpty()) {
            return unknownTarget(s, s.pin.switchedFrom());
        }
        TargetHealth health = evidence.of(back.get()).health();
        if (!s.active.equals(back.get().id()) && health != TargetHealth.HEALTHY) {
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "the switchover came from " + back.get().id()
                    + ", which is " + health + ", not HEALTHY; release the pin or force a target instead");
        }
        String to = s.pin.target();
        s.pin = null;
        s.audit(now, abort.principal(), "switchover to " + to + " aborted", abort.reason());
        if (s.active.equals(back.get().id())) {
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
                    + hold.describe(s));
        }
        Optional<Target> target = start.target() == null
                ? s.group.targets().stream().filter(t -> !t.isLastResort() && !t.id().equals(s.active)).findFirst()
                : s.group.target(start.target());
        if (target.isEmpty()) {
            return start.target() == null
                    ? new CommandOutcome.Rejected(Rejection.CONFLICT, "target", "no target to drill on")
                    : unknownTarget(s, start.target());
        }
        if (target.get().id().equals(s.active)) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "target", target.get().id() + " is already active");
        }
        Duration duration = start.duration() != null ? start.duration() : Duration.ofMinutes(s.group.drill().durationMinutes());
        if (duration.isNegative() || duration.isZero()) {
            return new CommandOutcome.Rejected(Rejection.INVALID, "duration", "must be positive, was " + duration);
        }
        for (Target t : s.group.targets()) {
            TargetHealth health = evidence.of(t).health();
            if (!t.isLastResort() && health != TargetHealth.HEALTHY) {
                return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "drills start only when every target is HEALTHY; "
                        + t.id() + " is " + health);
            }
        }
        String returnTo = s.active;
        Decision decision = switchTo(s, target.get(), DecisionKind.DRILL_START, "DR drill by " + start.principal() + " for "
                + duration + ": " + start.reason(), start.principal(), evidence);
        s.drill = new GroupSnapshot.DrillState(target.get().id(), returnTo, now, now.plus(duration), start.principal(),
                decision.decisionId());
        s.lastDrill = new GroupSnapshot.DrillReport(decision.decisionId(), target.get().id(), now, null, "running", null);
        s.audit(now, start.principal(), "drill start on " + target.get().id(), start.reason());
        return new CommandOutcome.Accepted("drill started on " + target.get().id() + " until " + s.drill.endsAt(),
                List.of(decision));
    }

    private static CommandOutcome unknownTarget(GroupState s, String target) {
        return new CommandOutcome.Rejected(Rejection.INVALID, "target", "no target '" + target + "' in group " + s.group.id()
                + "; targets are " + s.group.targets().stream().map(Target::id).toList());
    }

    // ---- state ----

    public synchronized Optional<GroupSnapshot> snapshot(String group) {
        return Optional.ofNullable(groups.get(group)).map(GroupState::snapshot);
    }

    /** The group's decisions not yet acknowledged by Kafka, oldest first: they must be published before anything else. */
    public synchronized List<Decision> unpublished(String group) {
        GroupState s = groups.get(group);
        return s == null ? List.of() : List.copyOf(s.outbox);
    }

    public synchronized boolean hasUnpublished(String group) {
        GroupState s = groups.get(group);
        return s != null && !s.outbox.isEmpty();
    }

    /**
     * Empties the group's outbox when this instance stops deciding it: its decisions were made under an ownership that
     * has ended and must never go out. Returns how many were dropped.
     */
    public synchronized int discardUnpublished(String group) {
        GroupState s = groups.get(group);
        if (s == null) {
            return 0;
        }
        int dropped = s.outbox.size();
        Set<String> discarded = s.outboxDecisionIds();
        s.explanations.removeIf(e -> discarded.contains(e.decisionId())); // they explain decisions never made
        s.outbox.clear();
        guard.forget(group);
        return dropped;
    }

    /** Kafka acknowledged this decision: it leaves the outbox. */
    public synchronized void published(String group, String decisionId) {
        GroupState s = groups.get(group);
        if (s != null) {
            s.outbox.removeIf(d -> d.decisionId().equals(decisionId));
        }
    }

    /**
     * The group's state as it may be persisted: empty while any decision of the group is unpublished, so that a state
     * record is never ahead of the decisions the actuator can see (ADR 0002). Snapshot and view are taken together.
     */
    public synchronized Optional<PublishableState> publishableState(String group) {
        GroupState s = groups.get(group);
        if (s == null || !s.outbox.isEmpty()) {
            return Optional.empty();
        }
        return view(group).map(view -> new PublishableState(s.snapshot(), view));
    }

    /** A snapshot and the read view of the same moment, with every decision made until then published. */
    public record PublishableState(GroupSnapshot snapshot, GroupView view) {
    }

    /** Restores persisted state (the epoch only ever rises). Unknown groups are ignored: the topology may have changed. */
    public synchronized void restore(GroupSnapshot snapshot) {
        GroupState s = groups.get(snapshot.group());
        if (s != null) {
            s.restore(snapshot);
        }
    }

    /**
     * Takes a published decision into account on recovery: a decision with a higher epoch than the state knows (a crash
     * between publishing it and saving the state) moves the active target and epoch forward.
     */
    public synchronized void observePublished(Decision decision) {
        GroupState s = groups.get(decision.group());
        if (s == null || decision.epoch() <= s.epoch || s.group.target(decision.toTarget()).isEmpty()) {
            return;
        }
        s.epoch = decision.epoch();
        s.active = decision.toTarget();
        s.lastSwitchAt = decision.issuedAt();
        s.recordDecision(decision);
    }

    public synchronized Optional<GroupView> view(String groupId) {
        GroupState s = groups.get(groupId);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Evidence evidence = Evidence.of(s, now);
        GroupView.Automation automation = s.hold(now).automation;
        Safety safety = s.group.safety();
        GroupView.SafetyView safetyView = new GroupView.SafetyView(safety.correlatedFailureGuard(),
                guard.evaluate(now).orElse(null), s.guardAcknowledgedAt, s.switchesWithin(SwitchBudgetRule.WINDOW, now),
                safety.maxSwitchesPerDay(), allSwitchesWithin(SwitchBudgetRule.WINDOW, now), allMaxSwitchesPerDay,
                safety.freshEvidenceIntervals(), safety.failureClasses());
        return Optional.of(new GroupView(groupId, s.group.mode().name(), s.active,
                evidence.of(s.active).health(), s.epoch, s.lastSwitchAt, automation, s.pin, s.pause,
                s.freeze, s.drill, s.lastDrill, s.serving, s.targetViews(evidence), safetyView, locationClocks(now),
                List.copyOf(s.recentDecisions), List.copyOf(s.audit)));
    }

    public synchronized List<GroupView> views() {
        return groups.keySet().stream().map(id -> view(id).orElseThrow()).toList();
    }
}
