package dev.failover.actuator.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fencing that lasts only as long as the process. Not enough for production: after a restart an old decision would be
 * applied again. The durable fence (TXT record or compacted topic) is part of the actuator issue.
 */
public final class InMemoryEpochFence implements EpochFence {

    private final Map<String, Long> applied = new ConcurrentHashMap<>();

    @Override
    public long lastApplied(String group) {
        return applied.getOrDefault(group, 0L);
    }

    @Override
    public void recordApplied(String group, long epoch) {
        applied.merge(group, epoch, Math::max);
    }
}
