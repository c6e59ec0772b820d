package dev.failover.decision.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.TargetEvidence;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.Dependency;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;

/** Everything the engine knows about one group. Not thread-safe; the engine serialises access. */
final class GroupState {

    static final int AUDIT_SIZE = 50;
    static final int RECENT_DECISIONS = 20;
    /**
     * Explanations of the latest decisions kept, newest first. Persisted on a topic of their own, not in the state record:
     * that is at its size budget (StateRecordSizeTest) and five explanations with full evidence add about 125 KB (ADR 0011).
     */
    static final int EXPLANATIONS = 5;

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
    final Deque<Explanation> explanations = new ArrayDeque<>();
    /** The last evaluation: what "why is it doing this now" explains. Not persisted. */
    LastEvaluation lastEvaluation;
    /** Commands applied or rejected, by id, until they are older than the command max age. */
    final Map<String, GroupSnapshot.SeenCommand> seenCommands = new LinkedHashMap<>();
    /**
     * Decisions made and not yet acknowledged by Kafka, oldest first. A decision enters it in the same critical section
     * that changes the state, so a snapshot taken while it is empty can never be ahead of a published decision.
     */
    final Deque<Decision> outbox = new ArrayDeque<>();
    /** Since when each target has been stably healthy (HEALTHY and no location DOWN or FLAPPING); absent when not. */
    final Map<String, Instant> stablyHealthySince = new HashMap<>();
    /**
     * When an operator last resumed the group: a correlated-failure suspicion that began before it does not hold the
     * group. Not persisted: a new owner's trackers start from nothing, so a suspicion it forms is new anyway.
     */
    Instant guardAcknowledgedAt;
    /** The suspicion last written to the audit trail, so that each is audited once. */
    Instant guardAuditedFor;
    private final Map<String, Map<String, LocationTracker>> trackers = new LinkedHashMap<>();
    /** Per target, per dependency id, per location. */
    private final Map<String, Map<String, Map<String, LocationTracker>>> dependencyTrackers = new LinkedHashMap<>();

    /** An evaluation's outcome with the rules' trace and the evidence it was made on. */
    record LastEvaluation(Outcome outcome, Instant at, List<RuleChain.Step> trace, Evidence evidence) {
    }

    GroupState(FailoverGroup group, List<String> locations) {
        this.group = group;
        this.quorum = group.thresholds().quorumOf(locations.size());
        this.active = group.primary().id();
        for (Target target : group.targets()) {
            trackers.put(target.id(), trackersOf(locations));
            Map<String, Map<String, LocationTracker>> byDependency = new LinkedHashMap<>();
            for (Dependency dependency : target.dependencies()) {
                byDependency.put(dependency.id(), trackersOf(locations));
            }
            dependencyTrackers.put(target.id(), byDependency);
        }
    }

    private Map<String, LocationTracker> trackersOf(List<String> locations) {
        Map<String, LocationTracker> byLocation = new LinkedHashMap<>();
        for (String location : locations) {
            byLocation.put(location, new LocationTracker(location, group.thresholds()));
        }
        return byLocation;
    }

    /** The target's trackers, one per location, in the topology's order of locations. */
    Collection<LocationTracker> trackers(Target target) {
        return trackers.get(target.id()).values();
    }

    void recordExplanation(Explanation explanation) {
        explanations.addFirst(explanation);
        while (explanations.size() > EXPLANATIONS) {
            explanations.removeLast();
        }
    }

    /** The ids of the decisions not yet published. */
    Set<String> outboxDecisionIds() {
        return outbox.stream().map(Decision::decisionId).collect(Collectors.toSet());
    }

    /**
     * Takes persisted explanations back (a restart, a take-over): together with any this instance still holds, the
     * latest by decision time, each decision once.
     */
    void restoreExplanations(List<Explanation> persisted) {
        Map<String, Explanation> byDecision = new LinkedHashMap<>();
        Stream.concat(explanations.stream(), persisted.stream())
                .filter(e -> e.decisionId() != null && e.at() != null) // a record from elsewhere may lack them
                .forEach(e -> byDecision.putIfAbsent(e.decisionId(), e));
        explanations.clear();
        byDecision.values().stream().sorted(Comparator.comparing(Explanation::at).reversed()).limit(EXPLANATIONS)
                .forEach(explanations::addLast);
    }

    Thresholds thresholds() {
        return group.thresholds();
    }

    LocationTracker tracker(String target, String location) {
        Map<String, LocationTracker> byLocation = trackers.get(target);
        return byLocation == null ? null : byLocation.get(location);
    }

    /** The tracker of one dependency of a target at one location; null when any of them is unknown. */
    LocationTracker dependencyTracker(String target, String dependency, String location) {
        Map<String, Map<String, LocationTracker>> byDependency = dependencyTrackers.get(target);
        Map<String, LocationTracker> byLocation = byDependency == null ? null : byDependency.get(dependency);
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
        return staleAfter(target.probe());
    }

    static Duration staleAfter(ProbeSpec probe) {
        return Duration.ofSeconds(3L * probe.intervalSeconds());
    }

    TargetHealth dependencyHealth(Target target, Dependency dependency, Instant now) {
        int up = 0;
        int down = 0;
        int flapping = 0;
        Duration staleAfter = staleAfter(dependency.probe());
        for (LocationTracker tracker : dependencyTrackers.get(target.id()).get(dependency.id()).values()) {
            switch (tracker.verdictAt(now, staleAfter, thresholds())) {
                case UP -> up++;
                case DOWN -> down++;
                case FLAPPING -> flapping++;
                case UNKNOWN -> { }
            }
        }
        return Evidence.health(up, down, flapping, quorum);
    }

    /** Automatic switches of this group within {@code window} before {@code now}. */
    int switchesWithin(Duration window, Instant now) {
        return (int) automaticSwitches.stream().filter(at -> !at.plus(window).isBefore(now)).count();
    }

    /** Forgets automatic switches older than {@code window}: no budget counts them any more. */
    void forgetSwitchesOlderThan(Duration window, Instant now) {
        while (!automaticSwitches.isEmpty() && automaticSwitches.peekFirst().plus(window).isBefore(now)) {
            automaticSwitches.removeFirst();
        }
    }

    /** Moves the failback hold-down clocks: any doubt about a target restarts its clock. */
    void updateHoldDown(Evidence evidence) {
        for (Evidence.OfTarget target : evidence.targets()) {
            if (target.stablyHealthy()) {
                stablyHealthySince.putIfAbsent(target.target().id(), evidence.at());
            } else {
                stablyHealthySince.remove(target.target().id());
            }
        }
    }

    /** What a decision carries: the view without what was ignored. */
    List<TargetEvidence> evidence(Evidence evidence) {
        return targetViews(evidence).stream().map(t -> new TargetEvidence(t.target(), t.health(),
                t.locations().stream().map(GroupView.LocationView::evidence).toList())).toList();
    }

    List<GroupView.TargetView> targetViews(Evidence evidence) {
        Instant now = evidence.at();
        List<GroupView.TargetView> views = new ArrayList<>();
        for (Evidence.OfTarget of : evidence.targets()) {
            Target target = of.target();
            List<GroupView.LocationView> locations = trackers.get(target.id()).values().stream()
                    .map(t -> t.view(now, staleAfter(target), thresholds())).toList();
            List<GroupView.DependencyView> dependencies = target.dependencies().stream()
                    .map(d -> new GroupView.DependencyView(d.id(), dependencyHealth(target, d, now),
                            dependencyTrackers.get(target.id()).get(d.id()).values().stream()
                                    .map(t -> t.view(now, staleAfter(d.probe()), thresholds())).toList()))
                    .toList();
            views.add(new GroupView.TargetView(target.id(), of.health(), locations, target.region(), of.destination(),
                    dependencies));
        }
        return views;
    }

    /**
     * Moves the group's traffic to {@code to}: a new epoch, the decision into the outbox, its explanation from
     * {@code trace} (the chain's, for an automatic switch; null for an operator's command) and the evidence it was made
     * on.
     */
    Decision switchTo(Target to, DecisionKind kind, String reason, String principal, Evidence evidence,
            List<RuleChain.Step> trace, String decisionId) {
        Instant now = evidence.at();
        Explanation.StartingState before = Explanations.starting(this);
        String from = active;
        epoch++;
        active = to.id();
        lastSwitchAt = now;
        DecisionMode mode = group.mode() == GroupMode.SHADOW ? DecisionMode.SHADOW : DecisionMode.LIVE;
        Decision decision = new Decision(EventCodec.SCHEMA_VERSION, decisionId, group.id(), epoch, kind, from, to.id(), reason,
                evidence(evidence), now, mode, principal);
        recordDecision(decision);
        recordExplanation(Explanations.ofDecision(this, before, decision, evidence, trace));
        outbox.addLast(decision);
        return decision;
    }

    /** An automatic switch the rule chain let through: counted against the flap guard and the switch budgets. */
    Decision switchAutomatically(Target to, DecisionKind kind, String reason, Evidence evidence, List<RuleChain.Step> trace,
            String decisionId) {
        automaticSwitches.addLast(evidence.at());
        return switchTo(to, kind, reason, Decision.AUTOMATION, evidence, trace, decisionId);
    }

    /** The pin no longer holds once expired (see {@link Hold}); clearing it records that for operators. */
    void clearExpiredPin(Instant now) {
        if (pin != null && pin.until() != null && !now.isBefore(pin.until())) {
            audit(now, Decision.AUTOMATION, "pin expired", "pin of " + pin.target() + " until " + pin.until() + " expired");
            pin = null;
        }
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
