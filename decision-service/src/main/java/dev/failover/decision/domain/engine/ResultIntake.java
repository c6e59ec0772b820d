package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Dependency;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.GroupTrackers;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.domain.state.LocationTracker;

/**
 * The engine's checks of a probe result before it counts: a group, target, location and dependency of the topology, not
 * from the future beyond the clock-skew tolerance, not stale; and each probe location's clock as this instance estimates
 * it from the results of every group (a location has one clock, whatever it probes); and one probe instance per location
 * and target (ProbeSource). Not thread-safe; the engine serialises access.
 */
final class ResultIntake {

    private final Topology topology;
    private final Clock clock;
    private final Duration clockSkewTolerance;
    private final Map<String, ClockOffsetEstimate> locationClocks = new LinkedHashMap<>();

    ResultIntake(Topology topology, Clock clock, Duration clockSkewTolerance) {
        this.topology = topology;
        this.clock = clock;
        this.clockSkewTolerance = clockSkewTolerance;
        for (String location : topology.locations()) {
            locationClocks.put(location, new ClockOffsetEstimate());
        }
    }

    /**
     * Counts the result in its tracker without evaluating the group: Steady when counted, Ignored (with why) when not.
     * A replay records a whole window of evidence this way before it evaluates once.
     */
    Outcome record(GroupState state, ProbeResult result, Explanation.Position position) {
        return record(state, result, position, false);
    }

    /**
     * @param backlog whether the result is of a new owner's backlog ({@link #observe}): counted however old, not STALE
     */
    private Outcome record(GroupState state, ProbeResult result, Explanation.Position position, boolean backlog) {
        if (state == null) {
            return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_GROUP,
                    "no group '" + result.group() + "' in the topology");
        }
        Optional<Target> target = state.group().target(result.target());
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
                return new Outcome.Ignored(Outcome.IgnoreReason.UNKNOWN_DEPENDENCY,
                        "no dependency '" + result.dependency()
                                + "' of target '" + result.target() + "' in group '" + result.group() + "'");
            }
        }
        LocationTracker tracker = dependency.isPresent()
                ? state.trackers().dependencyTracker(result.target(), result.dependency(), result.location())
                : state.trackers().tracker(result.target(), result.location());
        Duration staleAfter = dependency.map(d -> GroupTrackers.staleAfter(d.probe()))
                .orElse(GroupTrackers.staleAfter(target.get()));
        Instant now = clock.instant();
        Instant endedAtLocation = result.startedAt()
                .plusMillis(result.durationMillis() == null ? 0 : result.durationMillis());
        locationClocks.get(result.location()).sample(endedAtLocation, now);
        if (result.startedAt().isAfter(now.plus(clockSkewTolerance))) {
            return ignored(tracker, result, Outcome.IgnoreReason.FROM_THE_FUTURE, now,
                    "started at " + result.startedAt()
                            + ", more than " + clockSkewTolerance + " after now (" + now + "); "
                            + clockNote(result.location(), now));
        }
        if (!backlog && result.startedAt().plus(staleAfter).isBefore(now)) {
            return ignored(tracker, result, Outcome.IgnoreReason.STALE, now,
                    "started at " + result.startedAt() + ", older than "
                            + staleAfter + " at " + now + "; " + clockNote(result.location(), now));
        }
        ProbeSpec probe = dependency.map(Dependency::probe).orElse(target.get().probe());
        Optional<String> otherInstance = tracker.admitSource(result, now,
                Duration.ofSeconds(2L * probe.intervalSeconds()));
        if (otherInstance.isPresent()) {
            return ignored(tracker, result, Outcome.IgnoreReason.OTHER_SOURCE, now, otherInstance.get());
        }
        tracker.record(result, state.thresholds(), state.group().safety().classOf(result.failureReason()), position);
        return new Outcome.Steady(state.group().id());
    }

    /**
     * Counts the result as evidence without deciding, for a new owner reading the results published while ownership
     * moved: as {@link #record}, but counted however old (ADR 0007, "A takeover's backlog"). The backlog is every result
     * of the partition in the order each location published it, so its results are the consecutive run they were: a
     * takeover after a long gap starts from what was seen during it, not from nothing. Freshness is still judged where it
     * matters, by each location's newest result: a location whose newest counted result is older than its staleAfter is
     * UNKNOWN (LocationTracker#verdictAt), so nothing is decided on old results alone.
     */
    Outcome observe(GroupState state, ProbeResult result, Explanation.Position position) {
        return record(state, result, position, true);
    }

    /** A result not used is remembered with its reason, so the view can tell a skewed location from a silent one. */
    private static Outcome ignored(LocationTracker tracker, ProbeResult result, Outcome.IgnoreReason reason,
            Instant now,
            String detail) {
        tracker.ignored(new GroupView.IgnoredResult(reason, now, result.startedAt(), detail));
        return new Outcome.Ignored(reason, detail);
    }

    private String clockNote(String location, Instant now) {
        Long offset = locationClocks.get(location).offsetMillis(now);
        return offset >= 0 ? location + "'s clock is at least " + offset + " ms ahead of this instance's"
                : location + "'s clock is behind this instance's, or its results are delayed, by up to " + -offset
                        + " ms";
    }

    /** This instance's estimate of a probe location's clock (GroupView.LocationClock); empty for an unknown location. */
    Optional<GroupView.LocationClock> locationClock(String location) {
        return Optional.ofNullable(locationClocks.get(location))
                .map(c -> c.view(location, clock.instant(), clockSkewTolerance));
    }

    List<GroupView.LocationClock> locationClocks(Instant now) {
        return locationClocks.entrySet().stream().map(e -> e.getValue().view(e.getKey(), now, clockSkewTolerance))
                .toList();
    }
}
