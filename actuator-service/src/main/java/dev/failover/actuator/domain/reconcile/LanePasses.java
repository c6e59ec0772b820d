package dev.failover.actuator.domain.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * live"). Each lane due is read in a pass of its own, with its own progress, backoff and state; the group's steps run
 * once, on what the lanes read, and open the {@link Gate} for the goal; then each lane read is written under it, or
 * rests where it serves. A lane that cannot be read or written ends only its own pass: the others go on, and it is
 * asked again when its own backoff says. Called by the group's pass only, one at a time.
 */
final class LanePasses {

    /** One lane between passes. */
    private static final class Lane {
        final ProviderLane lane;
        final Backends use;
        Progress progress = Progress.idle();
        /** What it read on its last pass; null before its first. */
        Lanes.LaneView view;
        Instant due = Instant.MIN;
        LaneStatus status;

        Lane(ProviderLane lane, Backends use) {
            this.lane = lane;
            this.use = use;
            this.view = new Lanes.LaneView(lane.id(), null, null);
            this.status = new LaneStatus(lane.id(), lane.provider().name(), null, null, 0, null, null);
        }
    }

    private final String group;
    private final List<Lane> lanes = new ArrayList<>();
    private final ServePolicy policy;
    private final NewestDesired newest;
    private final ActuationReports reports;
    private final Consumer<ProviderLaneResult> laneResults;
    private volatile List<LaneStatus> statuses;
    /** Opened by the group's steps for one epoch and step; in memory only (ADR 0036: a new owner proves it again). */
    private Gate gate = Gate.Closed.NOT_YET;

    LanePasses(String group, GroupDns dns, Function<ProviderLane, Backends> backends, NewestDesired newest,
            ActuationReports reports, Consumer<ProviderLaneResult> laneResults) {
        this.group = group;
        this.policy = dns.policy();
        this.newest = newest;
        this.reports = reports;
        this.laneResults = laneResults;
        dns.lanes().forEach(lane -> lanes.add(new Lane(lane, backends.apply(lane))));
        this.statuses = lanes.stream().map(l -> l.status).toList();
    }

    /** Each lane's state, as its last pass left it. */
    List<LaneStatus> statuses() {
        return statuses;
    }

    /** An operator's retry: each refused lane tries again at the next pass; whether there was one. */
    boolean retryRefused(String detail, Instant now) {
        boolean any = false;
        for (Lane lane : lanes) {
            if (lane.progress.convergence() instanceof Convergence.Blocked) {
                lane.progress = lane.progress.retried(detail, now);
                lane.due = now;
                any = true;
            }
        }
        return any;
    }

    /**
     * One pass of the group: the lanes due read, the group's steps on what they read, the lanes read written or at rest.
     * {@code applied} applies the group's effects as the group's one-lane pass does; returns when it wants its next.
     */
    Duration run(Pass start, Backends groupUse, UnaryOperator<Pass> applied) {
        Instant now = start.now();
        Goal goal = start.goal();
        DesiredState desired = start.progress().desired();
        Map<Lane, Pass> read = new LinkedHashMap<>();
        for (Lane lane : lanes) {
            if (desired != null && (lane.progress.desired() == null || lane.progress.desired().epoch() != desired.epoch()
                    || lane.progress.desired().step() != desired.step())) {
                lane.progress = lane.progress.adopt(desired, now);
                lane.due = now; // a new goal: every lane is read for it now
            }
            if (now.isBefore(lane.due)) {
                continue;
            }
            Next observed = ReconcileSteps.observeLane(Pass.start(goal, now, lane.progress, lane.lane.key(goal.config())),
                    lane.use,
                    pass -> applied(lane, pass));
            lane.view = new Lanes.LaneView(lane.lane.id(), observed.pass().served(), observed.pass().owner());
            if (observed instanceof Next.Done done) {
                lane.due = now.plus(done.after());
            } else {
                read.put(lane, observed.pass());
            }
        }
        Next group = groupSteps(start, groupUse, applied);
        for (Map.Entry<Lane, Pass> entry : read.entrySet()) {
            Lane lane = entry.getKey();
            Duration after = ReconcileSteps.actLane(entry.getValue().gated(gate), lane.use, pass -> applied(lane, pass));
            lane.due = now.plus(after);
        }
        Instant nextLane = lanes.stream().map(l -> l.due).min(Instant::compareTo).orElse(now);
        for (Lane lane : lanes) {
            status(lane, desired, now);
        }
        statuses = lanes.stream().map(l -> l.status).toList();
        Duration untilLane = nextLane.isAfter(now) ? Duration.between(now, nextLane) : Duration.ZERO;
        Optional<Lane> refused = lanes.stream().filter(l -> l.progress.convergence() instanceof Convergence.Blocked)
                .findFirst();
        if (policy == ServePolicy.ALL && refused.isPresent() && desired != null) {
            Convergence.Blocked why = (Convergence.Blocked) refused.get().progress.convergence();
            // under "all" the group is served only when every lane serves: one refused for good blocks it
            return ReconcileSteps.laneRefused(Pass.start(goal, now, group.pass().progress()), groupUse, applied,
                    refused.get().lane.id(), refused.get().lane.id() + " refused: " + why.reason()).after();
        }
        Duration groupAfter = group instanceof Next.Done done ? done.after()
                : group.pass().progress().convergence() instanceof Convergence.Converged ? groupUse.settings().resync()
                        : groupUse.settings().capacityPoll();
        return groupAfter.compareTo(untilLane) <= 0 ? groupAfter : untilLane;
    }

    /** The group's steps once, on what the lanes read last; keeps the gate they opened. */
    private Next groupSteps(Pass start, Backends groupUse, UnaryOperator<Pass> applied) {
        Goal goal = start.goal();
        Lanes views = new Lanes(lanes.stream().map(l -> l.view).toList(), policy);
        Predicate<Lanes.LaneView> serves = start::servesAsWanted;
        Predicate<Lanes.LaneView> readable = v -> v.served() != null;
        List<Lane> candidates = lanes.stream().filter(l -> readable.test(l.view)).toList();
        if (candidates.isEmpty()) {
            return ReconcileSteps.noLaneRead(start, groupUse, applied, "no DNS provider of the group could be read: "
                    + String.join("; ", lanes.stream().map(l -> l.lane.id() + ": " + detail(l.progress)).toList()));
        }
        Optional<Lane> newer = candidates.stream().filter(l -> l.view.served().owner()
                .filter(mark -> mark.epoch() > goal.epoch()).isPresent()).findFirst();
        Predicate<Lane> served = l -> serves.test(l.view);
        Predicate<Lane> propagated = l -> l.view.served().propagated();
        Lane by = newer.orElseGet(() -> policy == ServePolicy.ANY
                ? first(candidates, served.and(propagated)).or(() -> first(candidates, served)).orElse(candidates.get(0))
                : first(candidates, served.negate()).or(() -> first(candidates, propagated.negate()))
                        .orElse(candidates.get(0)));
        Next next = ReconcileSteps.groupOfLanes(start.judgedBy(by.view, views), by.use, applied);
        if (next.pass().progress().convergence() instanceof Convergence.Superseded superseded) {
            gate = new Gate.Closed("superseded: a lane's record carries epoch " + superseded.byEpoch());
        } else if (next instanceof Next.Continue) {
            gate = next.pass().gate();
        }
        return next;
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

    /** The lane's state after its passes; a change is published (a decision's lanes only, ADR 0036). */
    private void status(Lane lane, DesiredState desired, Instant now) {
        LaneState state = state(lane.progress.convergence(), lane.status.state());
        if (state == null) {
            return;
        }
        String detail = detail(lane.progress);
        LaneStatus previous = lane.status;
        boolean changed = previous.state() != state || !Objects.equals(previous.detail(), detail);
        Instant since = previous.state() == state && previous.since() != null ? previous.since() : now;
        Instant unservedSince = state == LaneState.SERVED ? null
                : previous.unservedSince() != null ? previous.unservedSince() : now;
        lane.status = new LaneStatus(lane.lane.id(), lane.lane.provider().name(), state, detail,
                lane.progress.attempt(), since, unservedSince);
        if (changed && desired != null) {
            laneResults.accept(new ProviderLaneResult(EventCodec.SCHEMA_VERSION, group,
                    desired.decision().decisionId(), desired.epoch(), lane.lane.id(), lane.lane.provider().name(), state,
                    detail, since, now));
        }
    }

    /** A lane's state by its convergence; {@code previous} for a convergence that says none (idle, superseded). */
    static LaneState state(Convergence convergence, LaneState previous) {
        if (convergence instanceof Convergence.Converged) {
            return LaneState.SERVED;
        }
        if (convergence instanceof Convergence.Blocked) {
            return LaneState.REFUSED;
        }
        if (convergence instanceof Convergence.Drifted) {
            return LaneState.DRIFT;
        }
        if (convergence instanceof Convergence.Converging c) {
            // the provider asked to slow down: its retries wait out the longer backoff of throttling (ADR 0022)
            return c.lastError() != null && c.lastError().contains(" throttled ") ? LaneState.THROTTLED
                    : LaneState.CONVERGING;
        }
        return previous;
    }

    private static String detail(Progress progress) {
        Convergence convergence = progress.convergence();
        if (convergence instanceof Convergence.Converging c) {
            return c.lastError() == null ? null : "attempt " + progress.attempt() + ": " + c.lastError();
        }
        if (convergence instanceof Convergence.Blocked b) {
            return b.reason();
        }
        if (convergence instanceof Convergence.Drifted d) {
            return "served as " + d.served();
        }
        return null;
    }
}
