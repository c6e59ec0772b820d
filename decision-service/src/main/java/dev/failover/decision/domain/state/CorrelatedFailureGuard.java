package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.failover.contract.topology.TopologySafety;

/**
 * The plane doubting its own eyes (ADR 0010). A real region outage makes the targets of one region fail together; when
 * targets of more than {@code maxRegions} regions begin to fail within {@code window} of each other (or, across more
 * than one region, more than {@code maxSharePercent} of all targets), the likelier cause is the plane's probes, network
 * or Kafka. The guard then holds a suspicion, which holds automatic switching of every group that obeys it, until the
 * evidence separates: the targets failing at that moment are in {@code maxRegions} regions or fewer again. An operator
 * lifts it for one group by resuming the group.
 * <p>
 * A target counts as failing from the first evaluation at which it is UNHEALTHY or failing now at a quorum of locations
 * (below its failure threshold too: otherwise the second region's failure would show only after the first region's
 * groups had switched), until the first at which it is shown to be neither: while its health is UNKNOWN (its results
 * stale, a location stalled, just after a restart) its failure keeps its start, for a failure whose evidence paused is
 * one failure, and seeing it begin anew when the results come back would make it look correlated with whatever failed
 * meanwhile. It sees the groups this instance decides; a group's
 * entries are dropped when the instance stops deciding it. The share is of the targets it sees, never of the whole
 * topology's: with one instance per region each decides a part of the groups, and a share of all targets would make
 * the threshold as many times higher as there are instances (ADR 0010).
 * <p>
 * A group whose every regional target is down and whose last resort is HEALTHY is held only for
 * {@code lastResortAfter} (GuardRule).
 */
public final class CorrelatedFailureGuard {

    /**
     * Why the guard holds automation: the regions and targets whose failures began together.
     *
     * @param allTargets the targets the instance saw when the suspicion began (those of the groups it decides)
     */
    public record Suspicion(Instant since, List<String> regions, List<String> targets, int allTargets, String why) {
    }

    /** A group's target; ordered by group, then target, so that a group's failures are one range of {@link #failing}. */
    private record Key(String group, String target) implements Comparable<Key> {

        private static final Comparator<Key> ORDER = Comparator.comparing(Key::group).thenComparing(Key::target);

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }

        /** The range of {@link #failing} that holds the group's targets: no group name sorts between g and g + "\0". */
        static NavigableMap<Key, Failing> ofGroup(NavigableMap<Key, Failing> failing, String group) {
            return failing.subMap(new Key(group, ""), true, new Key(group + "\0", ""), false);
        }
    }

    private record Failing(String region, Instant since) {
    }

    private final Duration window;
    private final int maxRegions;
    private final int maxSharePercent;
    private final Duration lastResortAfter;
    private final Set<Key> seen = new HashSet<>();
    /** The failing targets; a group's are looked up at every state record of it, 1,000 groups failing together. */
    private final NavigableMap<Key, Failing> failing = new TreeMap<>();
    private Suspicion suspicion;
    /** Raised by every change of what {@link #together} reads: the failures and how many targets are seen. */
    private long changes;
    /** The {@link #changes} at which {@link #together} last found nothing: the same until they change again. */
    private long quietAt = -1;

    public CorrelatedFailureGuard(TopologySafety.CorrelatedFailure config) {
        this.window = Duration.ofSeconds(config.windowSeconds());
        this.maxRegions = config.maxRegions();
        this.maxSharePercent = config.maxSharePercent();
        this.lastResortAfter = Duration.ofSeconds(config.lastResortAfterSeconds());
    }

    /** How long a suspicion holds a group whose regional targets are all down and whose last resort is HEALTHY. */
    public Duration lastResortAfter() {
        return lastResortAfter;
    }

    /**
     * Records whether a target (not a last resort) of a group this instance decides is failing at {@code now};
     * {@code unknown}: neither failing nor shown not to be (no verdict at a quorum, as after a restart or while results
     * are stale), which keeps a failure's start until the evidence says.
     */
    public void observe(String group, String target, String region, boolean isFailing, boolean unknown, Instant now) {
        Key key = new Key(group, target);
        if (seen.add(key)) {
            changes++;
        }
        Failing was = failing.get(key);
        if (isFailing) {
            if (was == null) {
                failing.put(key, new Failing(region, now));
                changes++;
            }
        } else if (!unknown && failing.remove(key) != null) {
            changes++;
        }
    }

    /** Since when each of the group's targets has been failing, as observed: kept with the group's state. */
    public Map<String, Instant> failingSince(String group) {
        Map<String, Instant> since = new TreeMap<>();
        Key.ofGroup(failing, group).forEach((key, f) -> since.put(key.target(), f.since()));
        return since;
    }

    /**
     * Takes back the failures' starts kept with the group's state (ADR 0010), for targets not observed yet: a restart
     * or a new owner must not see old failures begin now, together. {@code regions}: each target's region.
     */
    public void restoreFailing(String group, Map<String, Instant> since, Map<String, String> regions) {
        since.forEach((target, at) -> {
            String region = regions.get(target);
            if (region != null && failing.putIfAbsent(new Key(group, target), new Failing(region, at)) == null) {
                changes++;
            }
        });
    }

    /** What the guard observed of one group: set aside when the group is released, perhaps taken back. */
    public record Memory(Set<Key> seen, Map<Key, Failing> failing) {
    }

    /**
     * Forgets a group this instance no longer decides: its targets' state here is no longer kept up to date. Returns
     * what was forgotten, for {@link #remember}.
     */
    public Memory forget(String group) {
        NavigableMap<Key, Failing> ofGroup = Key.ofGroup(failing, group);
        Map<Key, Failing> forgotten = new LinkedHashMap<>(ofGroup);
        ofGroup.clear();
        Set<Key> forgottenSeen = new HashSet<>();
        seen.removeIf(k -> k.group().equals(group) && forgottenSeen.add(k));
        changes++;
        return new Memory(forgottenSeen, forgotten);
    }

    /**
     * Takes back what was forgotten of a group whose evidence was kept (DecisionEngine#beginRestore): since when each
     * target has been failing is evidence too, and observing it again as of now would make old failures look new and
     * correlated with the next.
     */
    public void remember(Memory memory) {
        seen.addAll(memory.seen());
        memory.failing().forEach(failing::putIfAbsent);
        changes++;
    }

    /** The suspicion at {@code now}, begun or ended by what has been observed. */
    public Optional<Suspicion> evaluate(Instant now) {
        if (suspicion == null) {
            if (quietAt != changes) { // nothing tripped the guard since it last looked: the same answer
                suspicion = together(now).orElse(null);
                quietAt = suspicion == null ? changes : -1;
            }
        } else if (!tooMany(failing.values().stream().map(Failing::region).distinct().count(), failing.size())) {
            suspicion = null; // the evidence separated
        }
        return Optional.ofNullable(suspicion);
    }

    private boolean tooMany(long regions, int targets) {
        return regions > maxRegions || (regions > 1 && targets * 100L > (long) maxSharePercent * allTargets());
    }

    private int allTargets() {
        return Math.max(1, seen.size());
    }

    /**
     * The first set of failures that began within one window and trip the guard, oldest first: the failures from the
     * i-th oldest to the last that began within {@code window} of it, for the first i at which they trip it. One pass
     * over the failures in the order they began, the window's end only moving forwards, with its regions counted (a
     * region's thousand groups failing together are a thousand failures: looking at every window anew was a million
     * steps, at every evaluation).
     */
    private Optional<Suspicion> together(Instant now) {
        List<Map.Entry<Key, Failing>> bySince = new ArrayList<>(failing.entrySet());
        bySince.sort(Comparator.comparing(e -> e.getValue().since()));
        Map<String, Integer> regionCounts = new java.util.HashMap<>();
        int end = 0;
        for (int i = 0; i < bySince.size(); i++) {
            Instant until = bySince.get(i).getValue().since().plus(window);
            while (end < bySince.size() && !bySince.get(end).getValue().since().isAfter(until)) {
                regionCounts.merge(bySince.get(end).getValue().region(), 1, Integer::sum);
                end++;
            }
            if (tooMany(regionCounts.size(), end - i)) {
                TreeSet<String> regions = new TreeSet<>(regionCounts.keySet());
                List<String> targets = new ArrayList<>();
                bySince.subList(i, end).forEach(e -> targets.add(e.getKey().group() + "/" + e.getKey().target()));
                int allTargets = allTargets();
                return Optional.of(new Suspicion(now, List.copyOf(regions), List.copyOf(targets), allTargets,
                        targets.size() + " of " + allTargets + " targets in " + regions.size() + " regions " + regions
                                + " began failing within " + window + " of each other (believed: " + maxRegions
                                + " region" + (maxRegions == 1 ? "" : "s") + ", or " + maxSharePercent
                                + " % of the targets this instance decides): suspecting the plane's own probes, network or Kafka"));
            }
            regionCounts.computeIfPresent(bySince.get(i).getValue().region(), (r, n) -> n == 1 ? null : n - 1);
        }
        return Optional.empty();
    }
}
