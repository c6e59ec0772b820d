package dev.failover.actuator.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Fencing held in memory: for tests, and as the cache behind the durable fence. */
public class InMemoryEpochFence implements EpochFence {

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
