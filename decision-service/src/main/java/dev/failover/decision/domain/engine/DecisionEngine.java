package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.Alerts;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.CorrelatedFailureGuard;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.GroupView;

/**
 * Turns probe results, the passing of time and operator commands into decisions: hysteresis and flap detection per
 * (target, location), quorum over locations, the group's ordered chain, failback after a hold-down, dwell time, the
 * flap guard, pins, pauses, break-glass force and drills. Plain Java; time comes from the injected clock.
 * <p>
 * Safety: it never acts on an UNKNOWN or FLAPPING active target, never switches automatically to a target that is not
 * HEALTHY (only a break-glass force does), and every decision names a target, so a group is never left without one.
 * <p>
 * The actuator's reports come in through {@link #feedback()}, ownership's release and restore through {@link #handover()}.
 */
public final class DecisionEngine {

    private final Topology topology;
    private final Clock clock;
    /** The group states, and whether this instance decides each (release, restore, acquire). */
    private final GroupRegistry groups;
    /** The input checks of a result, and each probe location's clock estimate. */
    private final ResultIntake intake;
    /** The guard and the switch budget of all groups together, as the rules read them. */
    private final FleetGuards fleet;
    /** A group's evaluation by the rule chain, and the operator's commands on it. */
    private final GroupDecider decider;
    private final GroupViews views;
    private final ActuatorFeedback feedback;
    private final GroupHandover handover;

    /**
     * @param decisionIds where each new decision's id comes from
     * @param limits      the clock skew tolerance, the command max age and the not-served bound
     */
    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, EngineLimits limits) {
        this.topology = topology;
        this.clock = clock;
        this.intake = new ResultIntake(topology, clock, limits.clockSkewTolerance());
        CorrelatedFailureGuard guard = new CorrelatedFailureGuard(topology.safety().correlatedFailure());
        this.groups = new GroupRegistry(topology, guard);
        this.fleet = new FleetGuards(guard, groups.states(),
                topology.safety().maxSwitchesPerDayOf(topology.groups().size()),
                clock.instant());
        this.decider = new GroupDecider(groups, clock, decisionIds, limits.commandMaxAge(), fleet);
        this.views = new GroupViews(intake, fleet, limits.notServedAfter(), topology::observersOf);
        this.feedback = new ActuatorFeedback(this, groups, topology, clock, decisionIds,
                limits.clockSkewTolerance());
        this.handover = new GroupHandover(this, groups, fleet);
    }

    /** What the actuator and the observing locations report about the group's decisions, under this engine's lock. */
    public ActuatorFeedback feedback() {
        return feedback;
    }

    /** Ownership's release, restore and acquire of a group, under this engine's lock. */
    public GroupHandover handover() {
        return handover;
    }

    public Set<String> groupIds() {
        return groups.ids();
    }

    public Topology topology() {
        return topology;
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
        return decider.evaluate(groups.state(result.group()), clock.instant());
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
        return new Outcome.Ignored(Outcome.IgnoreReason.NOT_DECIDED_HERE,
                "this instance no longer decides group '" + group
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
                Outcome outcome = decider.tick(id, evaluatedWithin);
                if (outcome != null) {
                    outcomes.add(outcome);
                }
            }
        }
        return outcomes;
    }

    /** Why the group's decision {@code decisionId} was made; empty for an unknown group or a decision not kept. */
    public synchronized Optional<Explanation> explanation(String group, String decisionId) {
        return groups.known(group).flatMap(s -> s.journal().explanation(decisionId));
    }

    /**
     * The explanations of the group's latest published decisions, newest first: what is persisted (ADR 0011). One of a
     * decision still in the outbox is left out: that decision may yet be discarded (ownership lost), and an explanation
     * must never be on the topic before its decision.
     */
    public synchronized List<Explanation> explanations(String group) {
        return groups.known(group).map(s -> s.journal().publishedExplanations()).orElse(List.of());
    }

    /**
     * Why the group does what it does now: its last evaluation (on the last probe result or tick, at most a tick ago)
     * explained with the state of that moment; empty for an unknown group or one not evaluated yet.
     */
    public synchronized Optional<Explanation> explanationNow(String group) {
        return groups.known(group).flatMap(Explanations::now);
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
        return decider.evaluate(groups.state(group), clock.instant());
    }

    /**
     * What Alertmanager says is firing now: a running drill that names one of them in {@code abortAlerts} is
     * ended at its group's next evaluation (the ticker's, within a second). A reading that failed keeps the last good one
     * until it is stale.
     */
    public synchronized void onAlerts(Alerts reading) {
        fleet.alerts(reading);
    }

    /**
     * Applies an operator's command once, to its group ({@link GroupDecider#apply}): a command id seen before is not acted
     * on again, and one older than the command max age is rejected as EXPIRED.
     */
    public synchronized CommandOutcome apply(Command.Issued issued) {
        return decider.apply(issued);
    }

    /** Applies {@code command} now as a new command: for tests of the rules, which need no ids. */
    CommandOutcome apply(Command command) {
        return apply(new Command.Issued(UUID.randomUUID().toString(), clock.instant(), command));
    }

    public synchronized Optional<GroupSnapshot> snapshot(String group) {
        return groups.known(group).map(s -> s.snapshot(fleet.failingSince(s)));
    }

    /** The group's decisions not yet acknowledged by Kafka, oldest first: they must be published before anything else. */
    public synchronized List<Decision> unpublished(String group) {
        return groups.known(group).map(s -> s.journal().unpublished()).orElse(List.of());
    }

    public synchronized boolean hasUnpublished(String group) {
        GroupState s = groups.state(group);
        return s != null && s.journal().hasUnpublished();
    }

    /** Kafka acknowledged this decision: it leaves the outbox. */
    public synchronized void published(String group, String decisionId) {
        groups.known(group).ifPresent(s -> s.journal().published(decisionId));
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

    /** The group's read view now ({@link GroupViews}); empty for an unknown group. */
    public synchronized Optional<GroupView> view(String groupId) {
        return groups.known(groupId).map(s -> views.of(s, clock.instant()));
    }

    public synchronized List<GroupView> views() {
        return groups.ids().stream().map(id -> view(id).orElseThrow()).toList();
    }
}
