package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.model.Alerts;
import dev.failover.decision.domain.commands.GroupCommands;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.DecidedVsServed;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.domain.rules.Evaluation;
import dev.failover.decision.domain.rules.Move;
import dev.failover.decision.domain.rules.RuleChain;
import dev.failover.decision.domain.rules.SwitchBudgetRule;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.GroupView;

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

    private final Topology topology;
    private final Clock clock;
    /** How far a probe location's clock may be from this instance's: also how early an observer's answer may be. */
    private final Duration clockSkewTolerance;
    private final Supplier<String> decisionIds;
    private final Duration commandMaxAge;
    /** The group states, and whether this instance decides each (release, restore, acquire). */
    private final GroupRegistry groups;
    /** The input checks of a result, and each probe location's clock estimate. */
    private final ResultIntake intake;
    /** The guard and the switch budget of all groups together, as the rules read them. */
    private final FleetGuards fleet;
    private final GroupCommands commands;
    private final GroupViews views;
    /** The actuator's reports, taken into the group's state and audit trail. */
    private final ActuatorFeedback actuator;

    /** With the {@link #DEFAULT_COMMAND_MAX_AGE}: for tools and tests that do not configure it. */
    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, Duration clockSkewTolerance) {
        this(topology, clock, decisionIds, clockSkewTolerance, DEFAULT_COMMAND_MAX_AGE);
    }

    /** @param commandMaxAge commands issued longer ago are rejected as EXPIRED; must be positive */
    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, Duration clockSkewTolerance,
            Duration commandMaxAge) {
        this(topology, clock, decisionIds, clockSkewTolerance, commandMaxAge, DecidedVsServed.BOUND);
    }

    /**
     * @param commandMaxAge  commands issued longer ago are rejected as EXPIRED; must be positive
     * @param notServedAfter how long the latest decision may go BLOCKED or unreported before the view says NOT_SERVED;
     *                       must be positive
     */
    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, Duration clockSkewTolerance,
            Duration commandMaxAge, Duration notServedAfter) {
        if (commandMaxAge.isNegative() || commandMaxAge.isZero()) {
            throw new IllegalArgumentException("command max age must be positive, was " + commandMaxAge);
        }
        if (notServedAfter.isNegative() || notServedAfter.isZero()) {
            throw new IllegalArgumentException("not-served-after must be positive, was " + notServedAfter);
        }
        this.topology = topology;
        this.clock = clock;
        this.decisionIds = decisionIds;
        this.commandMaxAge = commandMaxAge;
        this.clockSkewTolerance = clockSkewTolerance;
        this.intake = new ResultIntake(topology, clock, clockSkewTolerance);
        CorrelatedFailureGuard guard = new CorrelatedFailureGuard(topology.safety().correlatedFailure());
        this.groups = new GroupRegistry(topology, guard);
        this.fleet = new FleetGuards(guard, groups.states(), topology.safety().maxSwitchesPerDayOf(topology.groups().size()),
                clock.instant());
        this.commands = new GroupCommands(decisionIds, commandMaxAge, this::evaluate);
        this.views = new GroupViews(intake, fleet, notServedAfter, topology.observers());
        this.actuator = new ActuatorFeedback(clock, decisionIds);
    }

    public Set<String> groupIds() {
        return groups.ids();
    }

    public Topology topology() {
        return topology;
    }

    /** The group's state; empty for a group not in the topology. */
    private Optional<GroupState> known(String group) {
        return Optional.ofNullable(groups.state(group));
    }

    public synchronized Outcome onProbeResult(ProbeResult result) {
        return onProbeResult(result, null);
    }

    /** @param position where the result was read from Kafka, kept with it as evidence; null when not from Kafka */
    public synchronized Outcome onProbeResult(ProbeResult result, Explanation.Position position) {
        if (groups.released(result.group())) {
            return notDecided(result.group());
        }
        Outcome recorded = record(result, position);
        if (!(recorded instanceof Outcome.Steady)) {
            return recorded;
        }
        return evaluate(groups.state(result.group()), clock.instant());
    }

    /**
     * Counts the result as evidence without deciding: for a new owner reading the results published while ownership
     * moved, which must all be seen before anything is decided on them (GroupOwnership's CATCHING_UP). Steady when
     * counted, Ignored (with why) when not; counted however old ({@link ResultIntake#observe}).
     */
    public synchronized Outcome observe(ProbeResult result, Explanation.Position position) {
        if (groups.released(result.group())) {
            return notDecided(result.group());
        }
        return intake.observe(groups.state(result.group()), result, position);
    }

    private static Outcome notDecided(String group) {
        return new Outcome.Ignored(Outcome.IgnoreReason.NOT_DECIDED_HERE, "this instance no longer decides group '" + group
                + "' (released, not restored since)");
    }

    /**
     * Counts the result in its tracker without evaluating the group: Steady when counted, Ignored (with why) when not.
     * A replay records a whole window of evidence this way before it evaluates once.
     */
    Outcome record(ProbeResult result, Explanation.Position position) {
        return intake.record(groups.state(result.group()), result, position);
    }

    /** This instance's estimate of a probe location's clock (GroupView.LocationClock); empty for an unknown location. */
    public synchronized Optional<GroupView.LocationClock> locationClock(String location) {
        return intake.locationClock(location);
    }

    /** Re-evaluates every group for the passing of time: silent locations, pin and drill expiry, failback hold-down. */
    public synchronized List<Outcome> tick() {
        return tick(groups.ids());
    }

    /**
     * Like {@link #tick()}, for the given groups only: an instance evaluates only the groups it owns. Each group is
     * evaluated under the engine's lock of its own, at the clock's instant then: held for every group at once, the tick
     * kept the input's event loop from its probe results for the whole pass, a pause that grew with the number of
     * groups (at 1,000 groups the input waited seconds a minute for the lock, docs/benchmarks.md, plane mode).
     */
    public List<Outcome> tick(Collection<String> groupIds) {
        return tick(groupIds, Duration.ZERO);
    }

    /**
     * Like {@link #tick(Collection)}, leaving out a group evaluated less than {@code evaluatedWithin} ago: its results
     * evaluate it as they come (a group's targets are probed every interval from every location), and time that passes
     * is seen by the next of them or by the next tick, once they stop. The ticker passes its interval.
     */
    public List<Outcome> tick(Collection<String> groupIds, Duration evaluatedWithin) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String id : groupIds) {
            synchronized (this) {
                GroupState state = groups.state(id);
                if (state != null && !groups.released(id)) {
                    Instant now = clock.instant();
                    state.seenCommands().forgetOlderThan(commandMaxAge, now);
                    GroupState.LastEvaluation last = state.lastEvaluation();
                    if (last == null || !last.at().isAfter(now.minus(evaluatedWithin))) {
                        outcomes.add(evaluate(state, now));
                    }
                }
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
        fleet.observe(s, evidence);
        s.holdDown().update(evidence);
        s.overrides().clearExpiredPin(now);
        s.automaticSwitches().forgetOlderThan(SwitchBudgetRule.WINDOW, now);
        RuleChain.Result result = RuleChain.run(new Evaluation(s, evidence, now, fleet));
        Outcome outcome;
        if (result.ending() instanceof RuleChain.Ending.Held held) {
            outcome = new Outcome.Held(s.group().id(), held.reason(), held.why());
        } else if (result.ending() instanceof RuleChain.Ending.Moved moved && moved.move() instanceof Move.Switch sw) {
            outcome = new Outcome.Switched(s.switchAutomatically(sw.to(), sw.kind(), sw.reason(), evidence,
                    (before, decision) -> Explanations.ofDecision(s, before, decision, evidence, result.trace()),
                    decisionIds.get()));
            fleet.switched(evidence.at()); // the instant GroupState.switchAutomatically counts it at
        } else if (result.ending() instanceof RuleChain.Ending.Moved moved && moved.move() instanceof Move.EndDrill end) {
            outcome = commands.endDrill(s, end.outcome(), end.reason(), Decision.AUTOMATION, evidence, result.trace(),
                    end.abort())
                    .<Outcome>map(Outcome.Switched::new).orElse(new Outcome.Steady(s.group().id()));
        } else {
            outcome = new Outcome.Steady(s.group().id());
        }
        s.evaluated(new GroupState.LastEvaluation(outcome, now, result.trace(), evidence));
        return outcome;
    }

    // ---- explanations ----

    /** Why the group's decision {@code decisionId} was made; empty for an unknown group or a decision not kept. */
    public synchronized Optional<Explanation> explanation(String group, String decisionId) {
        return known(group).flatMap(s -> s.journal().explanation(decisionId));
    }

    /**
     * The explanations of the group's latest published decisions, newest first: what is persisted (ADR 0011). One of a
     * decision still in the outbox is left out: that decision may yet be discarded (ownership lost), and an explanation
     * must never be on the topic before its decision.
     */
    public synchronized List<Explanation> explanations(String group) {
        return known(group).map(s -> s.journal().publishedExplanations()).orElse(List.of());
    }

    /** Takes a group's persisted explanations back on restore; an unknown group's are ignored. */
    public synchronized void restoreExplanations(String group, List<Explanation> persisted) {
        known(group).ifPresent(s -> s.journal().restoreExplanations(persisted));
    }

    /**
     * Why the group does what it does now: its last evaluation (on the last probe result or tick, at most a tick ago)
     * explained with the state of that moment; empty for an unknown group or one not evaluated yet.
     */
    public synchronized Optional<Explanation> explanationNow(String group) {
        return known(group).flatMap(Explanations::now);
    }

    /** A replay's start: the state an explanation recorded from before its evidence (ExplanationReplay). */
    synchronized void startFrom(String group, Explanation.StartingState state) {
        groups.state(group).startFrom(state);
    }

    /** A replay's start for one location's view of a target: the counts its recorded results were counted from. */
    synchronized void startFrom(String group, String target, String location, Explanation.Counts counts) {
        groups.state(group).trackers().tracker(target, location).startFrom(counts);
    }

    /** A replay's one evaluation, at the clock's instant. */
    synchronized Outcome evaluateNow(String group) {
        return evaluate(groups.state(group), clock.instant());
    }

    // ---- the actuator's feedback ----

    /**
     * The actuator verified the switch of decision {@code decisionId}: when it started the group's last drill, that is the
     * drill's recovery time. Returns the recovery time when it was one.
     */
    public synchronized Optional<Duration> onSwitchVerified(String group, String decisionId, Duration sinceDecision) {
        return known(group).flatMap(s -> actuator.switchVerified(s, decisionId, sinceDecision));
    }

    /**
     * The actuator reports whether a decision is served (desired vs served, ADR 0006). Reports on an older epoch than
     * the last one kept are ignored; a group blocked or drifted is also noted in the audit trail. When this instance
     * decides the group and the actuator serves another owner's decision over its latest one, that is re-issued above it
     * (ActuatorFeedback), into the outbox: the caller publishes the group.
     */
    public synchronized void onConvergence(String group, String decisionId, long epoch, ActuationStatus status, String detail,
            Instant at) {
        known(group).ifPresent(s -> actuator.converged(s, new GroupSnapshot.Serving(epoch, decisionId, status, detail, at),
                groups.decides(group)));
    }

    /**
     * A step the actuator reported on one of the group's decisions, whatever its status: kept among the group's recent
     * actuations, for the operator's timeline. It goes out with the group's next state record.
     */
    public synchronized void onActuationStep(String group, GroupSnapshot.ActuationEntry entry) {
        known(group).ifPresent(s -> actuator.step(s, entry));
    }

    /**
     * One of a location's observers answered for the group's record (ADR 0026): returns the group's latest live switch
     * when this answer brought it to the quorum of observing locations (its failover time as clients see it).
     */
    public synchronized Optional<ObservedSwitch> onResolverAnswer(ResolverObservation observation) {
        return known(observation.group())
                .flatMap(s -> s.traffic().convergence().answered(observation,
                        topology.observersOf(observation.location()), clock.instant(), clockSkewTolerance));
    }

    /**
     * What Alertmanager says is firing now: a running drill that names one of them in {@code abortAlerts} is
     * ended at its group's next evaluation (the ticker's, within a second). A reading that failed keeps the last good one
     * until it is stale.
     */
    public synchronized void onAlerts(Alerts reading) {
        fleet.alerts(reading);
    }

    /** What Alertmanager last said was firing, as the rules read it. */
    public synchronized Alerts alerts() {
        return fleet.alerts();
    }

    /** The group's latest live switch as the observing locations saw it; empty before one (or without observers). */
    public synchronized Optional<ObservedSwitch> observedSwitch(String group) {
        return known(group).map(s -> s.traffic().convergence().current());
    }

    /** The actuator could not carry out a decision: recorded in the group's audit trail for operators. */
    public synchronized void onActuationFailed(String group, String decisionId, String step, String details) {
        known(group).ifPresent(s -> actuator.actuationFailed(s, decisionId, step, details));
    }

    // ---- operator commands (GroupCommands) ----

    /**
     * Applies an operator's command once, to its group ({@link GroupCommands}): a command id seen before is not acted on
     * again, and one older than the command max age is rejected as EXPIRED.
     */
    public synchronized CommandOutcome apply(Command.Issued issued) {
        Command command = issued.command();
        GroupState s = groups.state(command.group());
        if (s == null) {
            return new CommandOutcome.Rejected(Rejection.NOT_FOUND, "group", "no group '" + command.group() + "'");
        }
        if (groups.released(command.group())) {
            // never stored: the state it would go into is dropped when the group is restored, and the command record
            // is read again by the group's owner
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "this instance no longer decides group '"
                    + command.group() + "'; its owner applies the command");
        }
        return commands.apply(s, issued, clock.instant());
    }

    /** Applies {@code command} now as a new command: for tests of the rules, which need no ids. */
    CommandOutcome apply(Command command) {
        return apply(new Command.Issued(UUID.randomUUID().toString(), clock.instant(), command));
    }

    // ---- state ----

    public synchronized Optional<GroupSnapshot> snapshot(String group) {
        return known(group).map(s -> s.snapshot(fleet.failingSince(s)));
    }

    /** The group's decisions not yet acknowledged by Kafka, oldest first: they must be published before anything else. */
    public synchronized List<Decision> unpublished(String group) {
        return known(group).map(s -> s.journal().unpublished()).orElse(List.of());
    }

    public synchronized boolean hasUnpublished(String group) {
        GroupState s = groups.state(group);
        return s != null && s.journal().hasUnpublished();
    }

    /**
     * This instance stops deciding the group (its partition was revoked, its lease lapsed): its decisions not yet
     * published are dropped, never to go out, and the rest of its state with them; until {@link #acquire} nothing decides
     * it here. Only its evidence is set aside, for a restore that may keep it ({@link GroupRegistry#release}). Returns how
     * many decisions were dropped.
     */
    public synchronized int release(String group) {
        return groups.release(group);
    }

    /** A restore of the group begins, its evidence starting from nothing: {@code beginRestore(group, false)}. For tests. */
    synchronized void beginRestore(String group) {
        beginRestore(group, false);
    }

    /**
     * A restore of the group begins (its partition was assigned): its state starts from nothing, and nothing decides it
     * until {@link #acquire}. Idempotent.
     *
     * @param evidenceContinues nobody else read the group's input since this instance released it: the evidence set
     *                          aside at the release is kept, never the decisions ({@link GroupRegistry#beginRestore})
     */
    public synchronized void beginRestore(String group, boolean evidenceContinues) {
        groups.beginRestore(group, evidenceContinues);
    }

    /**
     * The group's state is restored: this instance decides it again, under no known term (epochs one above the last,
     * which two owners can both mint). For tests; an owner acquires under its term.
     */
    synchronized void acquire(String group) {
        acquire(group, OwnershipTerm.NONE);
    }

    /**
     * The group's state is restored: this instance decides it again, under {@code term}, its next epoch at least the
     * term's first ({@link GroupRegistry#acquire}).
     */
    public synchronized void acquire(String group, OwnershipTerm term) {
        groups.acquire(group, term);
    }

    /** Whether this engine decides the group now: known, and not released since its last restore. */
    public synchronized boolean decides(String group) {
        return groups.decides(group);
    }

    /** Kafka acknowledged this decision: it leaves the outbox. */
    public synchronized void published(String group, String decisionId) {
        known(group).ifPresent(s -> s.journal().published(decisionId));
    }

    /**
     * The group's state as it may be persisted: empty while any decision of the group is unpublished, so that a state
     * record is never ahead of the decisions the actuator can see (ADR 0002). Snapshot and view are taken together.
     */
    public synchronized Optional<PublishableState> publishableState(String group) {
        GroupState s = groups.state(group);
        if (s == null || s.journal().hasUnpublished()) {
            return Optional.empty();
        }
        return view(group).map(view -> new PublishableState(s.snapshot(fleet.failingSince(s)), view));
    }

    /** A snapshot and the read view of the same moment, with every decision made until then published. */
    public record PublishableState(GroupSnapshot snapshot, GroupView view) {
    }

    /** Restores persisted state (the epoch only ever rises). Unknown groups are ignored: the topology may have changed. */
    public synchronized void restore(GroupSnapshot snapshot) {
        known(snapshot.group()).ifPresent(s -> {
            if (s.restore(snapshot)) {
                fleet.restoreFailing(s, snapshot.failingSince());
                if (snapshot.automaticSwitches() != null) {
                    fleet.restoredSwitches(snapshot.group(), snapshot.automaticSwitches());
                }
            }
        });
    }

    /**
     * Takes a published decision into account on recovery: a decision with a higher epoch than the state knows (a crash
     * between publishing it and saving the state) moves the active target and epoch forward.
     */
    public synchronized void observePublished(Decision decision) {
        known(decision.group()).ifPresent(s -> s.traffic().observePublished(decision));
    }

    /** The group's read view now ({@link GroupViews}); empty for an unknown group. */
    public synchronized Optional<GroupView> view(String groupId) {
        return known(groupId).map(s -> views.of(s, clock.instant()));
    }

    public synchronized List<GroupView> views() {
        return groups.ids().stream().map(id -> view(id).orElseThrow()).toList();
    }
}
