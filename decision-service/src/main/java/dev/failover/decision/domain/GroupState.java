package dev.failover.decision.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.LocationEvidence;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.TargetEvidence;
import dev.failover.contract.event.TargetHealth;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;

/** Everything the engine knows about one group. Not thread-safe; the engine serialises access. */
final class GroupState {

    final FailoverGroup group;
    final int quorum;
    String active;
    long epoch;
    Instant lastSwitchAt;
    private final Map<String, Map<String, LocationTracker>> trackers = new LinkedHashMap<>();

    GroupState(FailoverGroup group, List<String> locations) {
        this.group = group;
        this.quorum = group.thresholds().quorumOf(locations.size());
        this.active = group.primary().id();
        for (Target target : group.targets()) {
            Map<String, LocationTracker> byLocation = new LinkedHashMap<>();
            for (String location : locations) {
                byLocation.put(location, new LocationTracker(location));
            }
            trackers.put(target.id(), byLocation);
        }
    }

    LocationTracker tracker(String target, String location) {
        Map<String, LocationTracker> byLocation = trackers.get(target);
        return byLocation == null ? null : byLocation.get(location);
    }

    /** A location's results go stale after three of the target's intervals without one. */
    Duration staleAfter(Target target) {
        return Duration.ofSeconds(3L * target.probe().intervalSeconds());
    }

    TargetHealth health(Target target, Instant now) {
        int up = 0;
        int down = 0;
        for (LocationTracker tracker : trackers.get(target.id()).values()) {
            LocationVerdict verdict = tracker.verdictAt(now, staleAfter(target));
            if (verdict == LocationVerdict.UP) {
                up++;
            } else if (verdict == LocationVerdict.DOWN) {
                down++;
            }
        }
        if (down >= quorum) {
            return TargetHealth.UNHEALTHY;
        }
        if (up >= quorum) {
            return TargetHealth.HEALTHY;
        }
        return TargetHealth.UNKNOWN;
    }

    List<TargetEvidence> evidence(Instant now) {
        List<TargetEvidence> evidence = new ArrayList<>();
        for (Target target : group.targets()) {
            List<LocationEvidence> locations = trackers.get(target.id()).values().stream()
                    .map(t -> t.evidence(now, staleAfter(target))).toList();
            evidence.add(new TargetEvidence(target.id(), health(target, now), locations));
        }
        return evidence;
    }
}
