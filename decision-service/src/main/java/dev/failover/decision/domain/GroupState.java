package dev.failover.decision.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetEvidence;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;

/** Everything the engine knows about one group. Not thread-safe; the engine serialises access. */
final class GroupState {

    static final int AUDIT_SIZE = 50;
    static final int RECENT_DECISIONS = 20;

    final FailoverGroup group;
    final int quorum;
    String active;
    long epoch;
    Instant lastSwitchAt;
    final Deque<Instant> automaticSwitches = new ArrayDeque<>();
    GroupSnapshot.PinState pin;
    GroupSnapshot.PauseState pause;
    GroupSnapshot.FreezeState freeze;
    GroupSnapshot.DrillState drill;
    GroupSnapshot.DrillReport lastDrill;
    GroupSnapshot.Serving serving;
    final Deque<GroupSnapshot.AuditEntry> audit = new ArrayDeque<>();
    final Deque<Decision> recentDecisions = new ArrayDeque<>();
    /** Commands applied or rejected, by id, until they are older than the command max age. */
    final Map<String, GroupSnapshot.SeenCommand> seenCommands = new LinkedHashMap<>();
    /**
     * Decisions made and not yet acknowledged by Kafka, oldest first. A decision enters it in the same critical section
     * that changes the state, so a snapshot taken while it is empty can never be ahead of a published decision.
     */
    final Deque<Decision> outbox = new ArrayDeque<>();
    /** Since when each target has been stably healthy (HEALTHY and no location DOWN or FLAPPING); absent when not. */
    final Map<String, Instant> stablyHealthySince = new HashMap<>();
    private final Map<String, Map<String, LocationTracker>> trackers = new LinkedHashMap<>();

    GroupState(FailoverGroup group, List<String> locations) {
        this.group = group;
        this.quorum = group.thresholds().quorumOf(locations.size());
        this.active = group.primary().id();
        for (Target target : group.targets()) {
            Map<String, LocationTracker> byLocation = new LinkedHashMap<>();
            for (String location : locations) {
                byLocation.put(location, new LocationTracker(location, group.thresholds().flapWindow()));
            }
            trackers.put(target.id(), byLocation);
        }
    }

    Thresholds thresholds() {
        return group.thresholds();
    }

    LocationTracker tracker(String target, String location) {
        Map<String, LocationTracker> byLocation = trackers.get(target);
        return byLocation == null ? null : byLocation.get(location);
    }

    /** What governs automation at {@code now}: the one precedence of holds. */
    Hold hold(Instant now) {
        return Hold.governing(this, now);
    }

    /** Forgets commands issued more than {@code maxAge} before {@code now}: a replay of one is rejected as EXPIRED. */
    void forgetCommandsOlderThan(Duration maxAge, Instant now) {
        seenCommands.values().removeIf(c -> c.issuedAt().plus(maxAge).isBefore(now));
    }

    /** A location's results go stale after three of the target's intervals without one. */
    static Duration staleAfter(Target target) {
        return Duration.ofSeconds(3L * target.probe().intervalSeconds());
    }

    private Map<LocationVerdict, Integer> counts(Target target, Instant now) {
        Map<LocationVerdict, Integer> counts = new EnumMap<>(LocationVerdict.class);
        for (LocationTracker tracker : trackers.get(target.id()).values()) {
            counts.merge(tracker.verdictAt(now, staleAfter(target), thresholds()), 1, Integer::sum);
        }
        return counts;
    }

    TargetHealth health(Target target, Instant now) {
        Map<LocationVerdict, Integer> counts = counts(target, now);
        int down = counts.getOrDefault(LocationVerdict.DOWN, 0);
        int flapping = counts.getOrDefault(LocationVerdict.FLAPPING, 0);
        if (down >= quorum) {
            return TargetHealth.UNHEALTHY;
        }
        if (counts.getOrDefault(LocationVerdict.UP, 0) >= quorum) {
            return TargetHealth.HEALTHY;
        }
        if (flapping > 0 && down + flapping >= quorum) {
            return TargetHealth.FLAPPING;
        }
        return TargetHealth.UNKNOWN;
    }

    /** A quorum of locations sees the target UP or on a fresh streak of successes towards it. */
    boolean risingAtQuorum(Target target, Instant now) {
        long rising = trackers.get(target.id()).values().stream()
                .filter(t -> t.upOrRising(now, staleAfter(target), thresholds())).count();
        return rising >= quorum;
    }

    /** HEALTHY, and no location sees it DOWN or FLAPPING: the bar for failing back to it. */
    boolean stablyHealthy(Target target, Instant now) {
        Map<LocationVerdict, Integer> counts = counts(target, now);
        return health(target, now) == TargetHealth.HEALTHY && counts.getOrDefault(LocationVerdict.DOWN, 0) == 0
                && counts.getOrDefault(LocationVerdict.FLAPPING, 0) == 0;
    }

    /** Moves the failback hold-down clocks: any doubt about a target restarts its clock. */
    void updateHoldDown(Instant now) {
        for (Target target : group.targets()) {
            if (stablyHealthy(target, now)) {
                stablyHealthySince.putIfAbsent(target.id(), now);
            } else {
                stablyHealthySince.remove(target.id());
            }
        }
    }

    /** What a decision carries: the view without what was ignored. */
    List<TargetEvidence> evidence(Instant now) {
        return targetViews(now).stream().map(t -> new TargetEvidence(t.target(), t.health(),
                t.locations().stream().map(GroupView.LocationView::evidence).toList())).toList();
    }

    List<GroupView.TargetView> targetViews(Instant now) {
        List<GroupView.TargetView> views = new ArrayList<>();
        for (Target target : group.targets()) {
            List<GroupView.LocationView> locations = trackers.get(target.id()).values().stream()
                    .map(t -> t.view(now, staleAfter(target), thresholds())).toList();
            views.add(new GroupView.TargetView(target.id(), health(target, now), locations));
        }
        return views;
    }

    void audit(Instant at, String principal, String action, String reason) {
        audit.addFirst(new GroupSnapshot.AuditEntry(at, principal, action, reason));
        while (audit.size() > AUDIT_SIZE) {
            audit.removeLast();
        }
    }

    void recordDecision(Decision decision) {
        recentDecisions.addFirst(decision);
        while (recentDecisions.size() > RECENT_DECISIONS) {
            recentDecisions.removeLast();
        }
    }

    GroupSnapshot snapshot() {
        return new GroupSnapshot(group.id(), active, epoch, lastSwitchAt, List.copyOf(automaticSwitches), pin, pause, freeze,
                drill, List.copyOf(audit), List.copyOf(recentDecisions), lastDrill, serving, List.copyOf(seenCommands.values()));
    }

    /**
     * Takes a persisted snapshot, unless it is of an older epoch than this state: a record an instance published before
     * it lost the group (cut off with its region, its producer retrying) can land in the log after the new owner's, and
     * must not move the active target back. Snapshots of the same epoch are taken in log order.
     */
    void restore(GroupSnapshot s) {
        if (s.epoch() < epoch) {
            return;
        }
        if (group.target(s.activeTarget()).isPresent()) {
            active = s.activeTarget();
        }
        epoch = s.epoch();
        lastSwitchAt = s.lastSwitchAt();
        automaticSwitches.clear();
        automaticSwitches.addAll(s.automaticSwitches());
        pin = s.pin() != null && group.target(s.pin().target()).isPresent() ? s.pin() : null;
        pause = s.pause();
        freeze = s.freeze();
        drill = s.drill() != null && group.target(s.drill().target()).isPresent() ? s.drill() : null;
        lastDrill = s.lastDrill();
        serving = s.serving();
        audit.clear();
        audit.addAll(s.audit());
        recentDecisions.clear();
        recentDecisions.addAll(s.recentDecisions());
        seenCommands.clear();
        s.seenCommands().forEach(c -> seenCommands.put(c.commandId(), c));
    }
}
