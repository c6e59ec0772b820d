package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import dev.failover.contract.event.TargetEvidence;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.DatabaseRef;
import dev.failover.contract.topology.Dependency;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;

/**
 * A group's evidence sources: one {@link LocationTracker} per (target, location) and per (target, dependency,
 * location). {@link Evidence} counts them; the view and a decision's evidence show them. Owned by the group's
 * {@link GroupState}; not thread-safe, the engine serialises access.
 */
public final class GroupTrackers {

    private final Thresholds thresholds;
    private final int quorum;
    private final Map<String, Map<String, LocationTracker>> targets = new LinkedHashMap<>();
    /** Per target, per dependency id, per location. */
    private final Map<String, Map<String, Map<String, LocationTracker>>> dependencies = new LinkedHashMap<>();

    GroupTrackers(FailoverGroup group, List<String> locations, int quorum) {
        this.thresholds = group.thresholds();
        this.quorum = quorum;
        for (Target target : group.targets()) {
            targets.put(target.id(), trackersOf(locations));
            Map<String, Map<String, LocationTracker>> byDependency = new LinkedHashMap<>();
            for (Dependency dependency : target.dependencies()) {
                byDependency.put(dependency.id(), trackersOf(locations));
            }
            dependencies.put(target.id(), byDependency);
        }
    }

    private Map<String, LocationTracker> trackersOf(List<String> locations) {
        Map<String, LocationTracker> byLocation = new LinkedHashMap<>();
        for (String location : locations) {
            byLocation.put(location, new LocationTracker(location, thresholds));
        }
        return byLocation;
    }

    /** A location's results go stale after three of the target's intervals without one. */
    public static Duration staleAfter(Target target) {
        return staleAfter(target.probe());
    }

    public static Duration staleAfter(ProbeSpec probe) {
        return Duration.ofSeconds(3L * probe.intervalSeconds());
    }

    /** The target's trackers, one per location, in the topology's order of locations. */
    public Collection<LocationTracker> of(Target target) {
        return targets.get(target.id()).values();
    }

    /**
     * When the failure of {@code target} still going on began, as the quorum saw it (ADR 0026): the start of the run of
     * failures of the {@code quorum}-th location to begin failing, of the target or else of one of its dependencies
     * (the earliest of those). One location failing alone for hours is not the failure's start: the quorum exists to
     * ignore it. Empty when no quorum of locations is failing.
     */
    public Optional<Instant> failingSince(String target, int quorum) {
        Optional<Instant> own = quorumth(targets.getOrDefault(target, Map.of()).values().stream(), quorum);
        if (own.isPresent()) {
            return own;
        }
        return dependencies.getOrDefault(target, Map.of()).values().stream()
                .map(byLocation -> quorumth(byLocation.values().stream(), quorum)).flatMap(Optional::stream)
                .min(Comparator.naturalOrder());
    }

    private static Optional<Instant> quorumth(Stream<LocationTracker> trackers, int quorum) {
        List<Instant> starts = trackers.map(LocationTracker::failingSince).filter(Objects::nonNull).sorted().toList();
        return starts.size() < quorum ? Optional.empty() : Optional.of(starts.get(quorum - 1));
    }

    /** The tracker of a target at one location; null when either is unknown. */
    public LocationTracker tracker(String target, String location) {
        Map<String, LocationTracker> byLocation = targets.get(target);
        return byLocation == null ? null : byLocation.get(location);
    }

    /** The tracker of one dependency of a target at one location; null when any of them is unknown. */
    public LocationTracker dependencyTracker(String target, String dependency, String location) {
        Map<String, Map<String, LocationTracker>> byDependency = dependencies.get(target);
        Map<String, LocationTracker> byLocation = byDependency == null ? null : byDependency.get(dependency);
        return byLocation == null ? null : byLocation.get(location);
    }

    /** A dependency's quorum health, as for targets. */
    TargetHealth dependencyHealth(Target target, Dependency dependency, Instant now) {
        int up = 0;
        int down = 0;
        int flapping = 0;
        Duration staleAfter = staleAfter(dependency.probe());
        for (LocationTracker tracker : dependencies.get(target.id()).get(dependency.id()).values()) {
            switch (tracker.verdictAt(now, staleAfter, thresholds)) {
                case UP -> up++;
                case DOWN -> down++;
                case FLAPPING -> flapping++;
                case UNKNOWN -> {}
            }
        }
        return Evidence.health(up, down, flapping, quorum);
    }

    /** What a decision carries: the view without what was ignored. */
    List<TargetEvidence> decisionEvidence(Evidence evidence) {
        return views(evidence).stream().map(t -> new TargetEvidence(t.target(), t.health(),
                t.locations().stream().map(GroupView.LocationView::evidence).toList())).toList();
    }

    /** Each target's health and destination from the evidence, with each location's and dependency's view. */
    public List<GroupView.TargetView> views(Evidence evidence) {
        Instant now = evidence.at();
        List<GroupView.TargetView> views = new ArrayList<>();
        for (Evidence.OfTarget of : evidence.targets()) {
            Target target = of.target();
            List<GroupView.LocationView> locations = of(target).stream()
                    .map(t -> t.view(now, staleAfter(target), thresholds)).toList();
            List<GroupView.DependencyView> dependencyViews = target.dependencies().stream()
                    .map(d -> new GroupView.DependencyView(d.id(), dependencyHealth(target, d, now),
                            dependencies.get(target.id()).get(d.id()).values().stream()
                                    .map(t -> t.view(now, staleAfter(d.probe()), thresholds)).toList()))
                    .toList();
            views.add(new GroupView.TargetView(target.id(), of.health(), locations, target.region(), of.destination(),
                    dependencyViews, database(target.database())));
        }
        return views;
    }

    /** A database node as the view shows it: its kind, as the topology file names it, and the node; null for none. */
    private static String database(DatabaseRef node) {
        return node == null ? null : DatabaseRef.kindOf(node) + " " + node.node();
    }
}
