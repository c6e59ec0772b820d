package dev.failover.decision.domain.state;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The failback hold-down clocks of one group: since when each target has been stably healthy (HEALTHY and no location
 * DOWN or FLAPPING), absent when it is not. Moved by the evidence alone, never by a decision or a command, so they are
 * carried with the trackers through a rebalance that hands the group straight back ({@link GroupState.CarriedEvidence}).
 * Part of {@link GroupState}, which owns them; not thread-safe, the engine serialises access.
 */
public final class HoldDownClocks {

    private final Map<String, Instant> stablyHealthySince = new HashMap<>();

    /** Since when {@code target} has been stably HEALTHY; null when it is not. */
    public Instant since(String target) {
        return stablyHealthySince.get(target);
    }

    /** Since when each target has been stably HEALTHY: a copy, for an explanation's starting state or a later state. */
    Map<String, Instant> all() {
        return new HashMap<>(stablyHealthySince);
    }

    /** Moves the clocks by {@code evidence}: any doubt about a target restarts its clock. */
    public void update(Evidence evidence) {
        for (Evidence.OfTarget target : evidence.targets()) {
            if (target.stablyHealthy()) {
                stablyHealthySince.putIfAbsent(target.target().id(), evidence.at());
            } else {
                stablyHealthySince.remove(target.target().id());
            }
        }
    }

    /** The clocks start from {@code since} (kept evidence, or a replay's starting state), whatever they were. */
    void startFrom(Map<String, Instant> since) {
        stablyHealthySince.clear();
        stablyHealthySince.putAll(since);
    }
}
