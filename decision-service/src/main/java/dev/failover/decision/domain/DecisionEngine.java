package dev.failover.decision.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.AllDownPolicy;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;

/**
 * Turns probe results into decisions: hysteresis per (target, location), quorum over locations, and the group's
 * failover chain. Plain Java; time comes from the injected clock.
 * <p>
 * Safety: it never acts on an UNKNOWN active target (quorum lost), never switches to a target that is not HEALTHY,
 * and always names a target, so a group is never left without one.
 */
public final class DecisionEngine {

    private final Topology topology;
    private final Clock clock;
    private final Supplier<String> decisionIds;
    private final Duration clockSkewTolerance;
    private final Map<String, GroupState> groups = new LinkedHashMap<>();

    public DecisionEngine(Topology topology, Clock clock, Supplier<String> decisionIds, Duration clockSkewTolerance) {
        this.topology = topology;
        this.clock = clock;
        this.decisionIds = decisionIds;
        this.clockSkewTolerance = clockSkewTolerance;
        for (FailoverGroup group : topology.groups()) {
            groups.put(group.id(), new GroupState(group, topology.locations()));
        }
    }

    public synchronized Outcome onProbeResult(ProbeResult result) {
        GroupState state = groups.get(result.group());
        if (state == null) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_GROUP, "no group '" + result.group() + "' in the topology");
        }
        Optional<Target> target = state.group.target(result.target());
        if (target.isEmpty()) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_TARGET,
                    "no target '" + result.target() + "' in group '" + result.group() + "'");
        }
        LocationTracker tracker = state.tracker(result.target(), result.location());
        if (tracker == null) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_LOCATION,
                    "location '" + result.location() + "' is not one of " + topology.locations());
        }
        Instant now = clock.instant();
        if (result.startedAt().isAfter(now.plus(clockSkewTolerance))) {
            return new Outcome.Ignored(Outcome.IgnoreReason.FROM_THE_FUTURE, "started at " + result.startedAt()
                    + ", more than " + clockSkewTolerance + " after now (" + now + ")");
        }
        if (result.startedAt().plus(state.staleAfter(target.get())).isBefore(now)) {
            return new Outcome.Ignored(Outcome.IgnoreReason.STALE, "started at " + result.startedAt() + ", older than "
                    + state.staleAfter(target.get()));
        }
        tracker.record(result, state.group.thresholds());
        return evaluate(state, now);
    }

    private Outcome evaluate(GroupState state, Instant now) {
        FailoverGroup group = state.group;
        Target active = group.target(state.active).orElseThrow();
        TargetHealth activeHealth = state.health(active, now);
        if (activeHealth != TargetHealth.UNHEALTHY) {
            if (activeHealth == TargetHealth.UNKNOWN) {
                return new Outcome.Held(group.id(), Outcome.HoldReason.QUORUM_LOST,
                        "active target " + active.id() + " has no quorum of " + state.quorum + " locations");
            }
            return new Outcome.Steady(group.id());
        }
        Optional<Target> next = firstHealthy(state, active, now);
        DecisionKind kind = DecisionKind.FAILOVER;
        if (next.isEmpty() && group.whenAllDown() == AllDownPolicy.LAST_RESORT) {
            next = group.targets().stream().filter(Target::isLastResort)
                    .filter(t -> !t.id().equals(active.id()) && state.health(t, now) == TargetHealth.HEALTHY).findFirst();
            kind = DecisionKind.LAST_RESORT;
        }
        if (next.isEmpty()) {
            return new Outcome.Held(group.id(), Outcome.HoldReason.NO_HEALTHY_TARGET, "active target " + active.id()
                    + " is UNHEALTHY and no other target is HEALTHY; holding (policy " + group.whenAllDown() + ")");
        }
        Duration dwell = Duration.ofSeconds(group.thresholds().minDwellSeconds());
        if (state.lastSwitchAt != null && state.lastSwitchAt.plus(dwell).isAfter(now)) {
            return new Outcome.Held(group.id(), Outcome.HoldReason.DWELL_TIME, "last switch at " + state.lastSwitchAt
                    + " is less than " + dwell + " ago");
        }
        return switchTo(state, next.get(), kind, "active target " + active.id() + " is UNHEALTHY by a quorum of "
                + state.quorum + " locations; " + next.get().id() + " is HEALTHY", now);
    }

    /** The first HEALTHY target in chain order, other than the active one and the last resort. */
    private Optional<Target> firstHealthy(GroupState state, Target active, Instant now) {
        return state.group.targets().stream()
                .filter(t -> !t.id().equals(active.id()) && !t.isLastResort())
                .filter(t -> state.health(t, now) == TargetHealth.HEALTHY)
                .findFirst();
    }

    private Outcome switchTo(GroupState state, Target to, DecisionKind kind, String reason, Instant now) {
        String from = state.active;
        state.epoch++;
        state.active = to.id();
        state.lastSwitchAt = now;
        DecisionMode mode = state.group.mode() == GroupMode.SHADOW ? DecisionMode.SHADOW : DecisionMode.LIVE;
        return new Outcome.Switched(new Decision(EventCodec.SCHEMA_VERSION, decisionIds.get(), state.group.id(), state.epoch,
                kind, from, to.id(), reason, state.evidence(now), now, mode, Decision.AUTOMATION));
    }

    /** A snapshot of a group for read APIs. */
    public synchronized Optional<GroupView> view(String groupId) {
        GroupState state = groups.get(groupId);
        if (state == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return Optional.of(new GroupView(groupId, state.active, state.epoch, state.lastSwitchAt, state.evidence(now)));
    }

    public synchronized java.util.List<GroupView> views() {
        return groups.keySet().stream().map(id -> view(id).orElseThrow()).toList();
    }
}
