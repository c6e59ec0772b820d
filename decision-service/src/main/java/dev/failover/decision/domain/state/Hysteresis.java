package dev.failover.decision.domain.state;

import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;

/**
 * A location's count of one target's results: DOWN after {@code failuresToDown} consecutive failures, UP after
 * {@code successesToUp} consecutive successes, the previous verdict in between. The one place results are counted: a
 * tracker counts with one, and its recent results keep another at the state from before their oldest (what a replay
 * starts from).
 */
final class Hysteresis {

    private LocationVerdict verdict = LocationVerdict.UNKNOWN;
    private int consecutiveFailures;
    private int consecutiveSuccesses;

    void count(boolean success, Thresholds thresholds) {
        if (success) {
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

    void set(Explanation.Counts counts) {
        verdict = counts.verdict();
        consecutiveFailures = counts.consecutiveFailures();
        consecutiveSuccesses = counts.consecutiveSuccesses();
    }

    Explanation.Counts counts() {
        return new Explanation.Counts(verdict, consecutiveFailures, consecutiveSuccesses);
    }

    LocationVerdict verdict() {
        return verdict;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    int consecutiveSuccesses() {
        return consecutiveSuccesses;
    }
}
