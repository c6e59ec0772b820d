package dev.failover.decision.domain;

import java.time.Duration;
import java.time.Instant;

import dev.failover.contract.event.LocationEvidence;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Thresholds;

/**
 * One location's view of one target, with hysteresis: DOWN only after {@code failuresToDown} consecutive failures, UP
 * again only after {@code successesToUp} consecutive successes; in between the previous verdict stands.
 */
final class LocationTracker {

    private final String location;
    private int consecutiveFailures;
    private int consecutiveSuccesses;
    private LocationVerdict verdict = LocationVerdict.UNKNOWN;
    private Instant lastResultAt;
    private boolean impaired;

    LocationTracker(String location) {
        this.location = location;
    }

    void record(ProbeResult result, Thresholds thresholds) {
        if (lastResultAt != null && result.startedAt().isBefore(lastResultAt)) {
            return; // out of order: a newer result already counted
        }
        lastResultAt = result.startedAt();
        impaired = result.locationImpaired();
        if (result.outcome() == ProbeOutcome.UP) {
            consecutiveSuccesses++;
            consecutiveFailures = 0;
            if (consecutiveSuccesses >= thresholds.successesToUp()) {
                verdict = LocationVerdict.UP;
            }
        } else {
            consecutiveFailures++;
            consecutiveSuccesses = 0;
            if (consecutiveFailures >= thresholds.failuresToDown()) {
                verdict = LocationVerdict.DOWN;
            }
        }
    }

    /** UNKNOWN when silent for longer than {@code staleAfter} or impaired: such a location is left out of the quorum. */
    LocationVerdict verdictAt(Instant now, Duration staleAfter) {
        if (lastResultAt == null || impaired || lastResultAt.plus(staleAfter).isBefore(now)) {
            return LocationVerdict.UNKNOWN;
        }
        return verdict;
    }

    LocationEvidence evidence(Instant now, Duration staleAfter) {
        return new LocationEvidence(location, verdictAt(now, staleAfter), consecutiveFailures, consecutiveSuccesses, lastResultAt);
    }
}
