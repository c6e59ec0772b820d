package dev.failover.actuator.domain.data;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What shows that an unreachable old primary's fence agent has stopped it (ADR 0020, "A promotion beside an unreachable
 * old primary"): since when this instance has found the node unreachable under a move, and when its agent last asked
 * whether it may write. Kept by {@link DataTierWatch}, under its lock.
 */
final class AgentLeases {

    /**
     * By target: the desired epoch, and when this instance first found the node unreachable as the old primary of that
     * epoch's move, in an unbroken run (forgotten once the node answers). Its fence agent's lease is refused from then
     * at the latest, so the agent has stopped it a lease later.
     */
    private final Map<String, Map.Entry<Long, Instant>> unreachableSince = new HashMap<>();
    /** By target: when its node's guard or fence agent last asked this instance ({@code start-check}). */
    private final Map<String, Instant> asked = new HashMap<>();

    /** The node answered: an unreachable run ends. */
    void answered(String target) {
        unreachableSince.remove(target);
    }

    /**
     * Since when {@code target}'s node, the old primary of the move of {@code epoch}, has been found unreachable without
     * a break: {@code now} on the first call of a run, or for another epoch.
     */
    Instant unreachableSince(String target, long epoch, Instant now) {
        Map.Entry<Long, Instant> since = unreachableSince.get(target);
        if (since == null || since.getKey() != epoch) {
            unreachableSince.put(target, Map.entry(epoch, now));
            return now;
        }
        return since.getValue();
    }

    /** {@code target}'s node asked, at {@code at}, whether it may write: an agent that asks shows it runs. */
    void asked(String target, Instant at) {
        asked.merge(target, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** When {@code target}'s node last asked; empty if never since this instance started. */
    Optional<Instant> lastAsked(String target) {
        return Optional.ofNullable(asked.get(target));
    }
}
