package dev.failover.actuator.domain.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Effect;
import dev.failover.actuator.domain.plan.Gate;
import dev.failover.actuator.domain.plan.Goal;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.actuator.domain.plan.Said;
import dev.failover.actuator.domain.steps.Lanes;
import dev.failover.actuator.domain.steps.Pass;
import dev.failover.actuator.domain.steps.ReconcileStep.Next;
import dev.failover.actuator.domain.steps.ReconcileSteps;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.topology.ServePolicy;

/**
 * The passes of a group whose record is written to several DNS providers, a lane each (ADR 0036, "Where the lanes
 * live"). The group's pass calls no provider: it runs the group's steps once, on what each lane read last, and opens the
 * {@link Gate} for the goal. Each lane's pass, a loop key of its own, reads its record and writes it under the gate, or
 * rests where it serves, with its own progress, backoff and state. A lane that hangs holds its own pass only; one whose
 * read changed wakes the group's pass, a gate opened wakes the lanes. The group's pass and each lane's run one at a
 * time each, side by side.
 */
final class LanePasses {

    /** One lane; its pass alone writes its fields, the group's pass reads them. */
    private static final class Lane {
        final ProviderLane lane;
        final Backends use;
        volatile Progress progress = Progress.idle();
        /** What it read on its last pass; null before its first read. */
        volatile Lanes.LaneView view;
        Instant due = Instant.MIN;
        /** The gate its last write was asked under: a gate opened since is a reason to try now, whatever its backoff. */
        Gate actedUnder;
        volatile LaneStatus status;

        Lane(ProviderLane lane, Backends use) {
            this.lane = lane;
            this.use = use;
            this.status = new LaneStatus(lane.id(), lane.provider().name(), null, null, 0, null, null);
        }
    }

    /** The goal the group's pass works on, for the lanes' passes. */
    private record Working(Goal goal, DesiredState desired) {
    }

    private final String group;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final ServePolicy policy;
    private final NewestDesired newest;
    private final ActuationReports reports;
    private final Consumer<ProviderLaneResult> laneResults;
    private final Waker wake;
    private final Clock clock;
    private volatile Working working;
    /** Opened by the group's steps for one epoch and step; in memory only (ADR 0036: a new owner proves it again). */
    private volatile Gate gate = Gate.Closed.NOT_YET;

    LanePasses(String group, GroupDns dns, Function<ProviderLane, Backends> backends, NewestDesired newest,
            ActuationReports reports, Wiring wiring) {
        this.group = group;
        this.policy = dns.policy();
        this.newest = newest;
        this.reports = reports;
        this.laneResults = wiring.laneResults();
        this.wake = wiring.wake();
        this.clock = wiring.clock();
        dns.lanes().forEach(lane -> lanes.put(lane.id(), new Lane(lane, backends.apply(lane))));
    }

    /** Each lane's state, as its last pass left it. */
    List<LaneStatus> statuses() {
        return lanes.values().stream().map(l -> l.status).toList();
    }

    /** An operator's retry: each refused lane tries again at once; whether there was one. */
    boolean retryRefused(String detail, Instant now) {
        boolean any = false;
        for (Lane lane : lanes.values()) {
            if (lane.progress.convergence() instanceof Convergence.Blocked) {
                synchronized (lane) {
                    lane.progress = lane.progress.retried(detail, now);
                    lane.due = now;
                }
                wake.lane(group, lane.lane.id());
                any = true;
            }
        }
        return any;
    }

    /**
     * The group's pass: its steps once, on what each lane read last; no provider called. {@code applied} applies the
     * group's effects as a group of one lane's pass does; returns when it wants its next pass (a lane wakes it sooner).
     */
    Duration groupPass(Pass start, Backends groupUse, UnaryOperator<Pass> applied) {
        Working before = working;
        working = new Working(start.goal(), start.progress().desired());
        if (before == null || !sameGoal(before.goal(), start.goal())) {
            lanes.keySet().forEach(lane -> wake.lane(group, lane)); // a new goal: every lane reads for it now
        }
        List<Lane> read = lanes.values().stream().filter(l -> l.view != null).toList();
        if (read.isEmpty()) {
            return groupUse.settings().capacityPoll(); // no lane has read yet: the first that does wakes this pass
        }
        Next next = groupSteps(start, read, groupUse, applied);
        Optional<Lane> refused = lanes.values().stream()
                .filter(l -> l.progress.convergence() instanceof Convergence.Blocked).findFirst();
        if (policy == ServePolicy.ALL && refused.isPresent() && start.progress().desired() != null
                && !(next.pass().progress().convergence() instanceof Convergence.Blocked)) {
            Convergence.Blocked why = (Convergence.Blocked) refused.get().progress.convergence();
            // under "all" the group is served only when every lane serves: one refused for good blocks it, and no
            // lane writes until a retry or a new decision, as a blocked group of one lane changes nothing
            gate = new Gate.Closed("the group is blocked: " + refused.get().lane.id() + " refused");
            return ReconcileSteps.laneRefused(Pass.start(start.goal(), start.now(), next.pass().progress()), groupUse,
                    applied, refused.get().lane.id(), refused.get().lane.id() + " refused: " + why.reason()).after();
        }
        if (next instanceof Next.Done done) {
            return done.after();
        }
        return next.pass().progress().convergence() instanceof Convergence.Converged ? groupUse.settings().resync()
                : groupUse.settings().capacityPoll();
    }

    /** The group's steps once, on what the lanes read last; keeps the gate they opened and wakes the lanes for it. */
    private Next groupSteps(Pass start, List<Lane> read, Backends groupUse, UnaryOperator<Pass> applied) {
        Goal goal = start.goal();
        Lanes views = new Lanes(lanes.values().stream().map(l -> l.view != null ? l.view
                : new Lanes.LaneView(l.lane, null, null)).toList(), policy);
        List<Lane> candidates = read.stream().filter(l -> l.view.served() != null).toList();
        if (candidates.isEmpty()) {
            return ReconcileSteps.noLaneRead(start, groupUse, applied, "no DNS provider of the group could be read: "
                    + String.join("; ", lanes.values().stream()
                            .map(l -> l.lane.id() + ": " + LaneStatus.detailOf(l.progress)).toList()));
        }
        Predicate<Lane> served = l -> start.servesAsWanted(l.view);
        Predicate<Lane> propagated = l -> l.view.served().propagated();
        Optional<Lane> newer = candidates.stream().filter(l -> l.view.served().owner()
                .filter(mark -> mark.epoch() > goal.epoch()).isPresent()).findFirst();
        Lane by = newer.orElseGet(() -> policy == ServePolicy.ANY
                ? first(candidates, served.and(propagated)).or(() -> first(candidates, served))
                        .orElse(candidates.get(0))
                : first(candidates, served.negate()).or(() -> first(candidates, propagated.negate()))
                        .orElse(candidates.get(0)));
        Next next = ReconcileSteps.groupOfLanes(start.judgedBy(by.view, views), by.use, applied);
        Gate was = gate;
        if (next.pass().progress().convergence() instanceof Convergence.Superseded superseded) {
            gate = new Gate.Closed("superseded: a lane's record carries epoch " + superseded.byEpoch());
        } else if (next.pass().progress().convergence() instanceof Convergence.Blocked blocked) {
            gate = new Gate.Closed("the group is blocked: " + blocked.reason());
        } else if (next instanceof Next.Continue) {
            gate = next.pass().gate();
        }
        if (!gate.equals(was) && gate.opens(goal)) {
            lanes.values().stream().filter(l -> !served.test(l)).forEach(l -> wake.lane(group, l.lane.id()));
        }
        return next;
    }

    /**
     * One lane's pass: its record read, then written under the gate or at rest where it serves; returns when the lane
     * wants its next. Wakes the group's pass when what the lane read or its state changed.
     */
    Duration lanePass(String id) {
        Lane lane = lanes.get(id);
        Working now = working;
        if (lane == null || now == null) {
            return Duration.ofSeconds(1); // the group's first pass has not run: it wakes the lane
        }
        synchronized (lane) {
            Instant at = clock.instant();
            DesiredState desired = now.desired();
            if (desired != null
                    && (lane.progress.desired() == null || lane.progress.desired().epoch() != desired.epoch()
                            || lane.progress.desired().step() != desired.step())) {
                lane.progress = lane.progress.adopt(desired, at);
                lane.due = at;
            }
            Gate open = gate;
            if (at.isBefore(lane.due) && open.equals(lane.actedUnder)) {
                return Duration.between(at, lane.due);
            }
            lane.actedUnder = open;
            Lanes.LaneView before = lane.view;
            LaneState stateBefore = lane.status.state();
            Next observed = ReconcileSteps.observeLane(Pass.start(now.goal(), at, lane.progress,
                    lane.lane.key(now.goal().config())), lane.use, pass -> applied(lane, pass));
            lane.view = new Lanes.LaneView(lane.lane, observed.pass().served(), observed.pass().owner());
            // a lane refused for good is read, for the group's steps, but written only after an operator's retry or
            // a new decision (ADR 0036, "Served under all and any")
            boolean refused = lane.progress.convergence() instanceof Convergence.Blocked;
            Duration after = observed instanceof Next.Done done ? done.after()
                    : refused ? lane.use.settings().resync()
                            : ReconcileSteps.actLane(observed.pass().gated(open), lane.use,
                                    pass -> applied(lane, pass));
            lane.due = at.plus(after);
            status(lane, desired, at);
            if (!Objects.equals(before, lane.view) || stateBefore != lane.status.state()) {
                wake.group(group);
            }
            return after;
        }
    }

    private static boolean sameGoal(Goal a, Goal b) {
        return a.epoch() == b.epoch() && a.step() == b.step() && a.getClass() == b.getClass();
    }

    private static Optional<Lane> first(List<Lane> lanes, Predicate<Lane> test) {
        return lanes.stream().filter(test).findFirst();
    }

    /**
     * Applies a lane pass's effects: what is stored goes into the newest desired state (merged with the other lanes'),
     * what is said goes out as the lane's own (its results name the lane; its RECONCILE is its state, published as a
     * {@link ProviderLaneResult}: the group's RECONCILE is the group's steps').
     */
    private Pass applied(Lane lane, Pass pass) {
        Progress progress = pass.progress();
        for (Effect effect : pass.effects()) {
            Progress before = progress;
            progress = effect.match(said -> {
                if (said instanceof Said.Report report && report.step() != ActuationStep.RECONCILE
                        && before.desired() != null) {
                    reports.say(before.desired().decision(), report, lane.lane.id());
                }
                return before;
            }, stored -> newest.apply(stored, before));
        }
        lane.progress = progress;
        return pass.applied(progress);
    }

    /** The lane's state after its pass; a change is published (a decision's lanes only, ADR 0036). */
    private void status(Lane lane, DesiredState desired, Instant now) {
        LaneState state = lane.progress.throttled() ? LaneState.THROTTLED
                : LaneStatus.stateOf(lane.progress.convergence(), lane.status.state());
        if (state == null) {
            return;
        }
        String detail = LaneStatus.detailOf(lane.progress);
        LaneStatus previous = lane.status;
        boolean changed = previous.state() != state || !Objects.equals(previous.detail(), detail);
        Instant since = previous.state() == state && previous.since() != null ? previous.since() : now;
        Instant unservedSince = state == LaneState.SERVED ? null
                : previous.unservedSince() != null ? previous.unservedSince() : now;
        lane.status = new LaneStatus(lane.lane.id(), lane.lane.provider().name(), state, detail,
                lane.progress.attempt(), since, unservedSince);
        if (changed && desired != null) {
            laneResults.accept(new ProviderLaneResult(EventCodec.SCHEMA_VERSION, group,
                    desired.decision().decisionId(), desired.epoch(), lane.lane.id(), lane.lane.provider().name(),
                    state,
                    detail, since, now));
        }
    }
}
