package dev.failover.actuator.domain;

/** The last decision epoch applied per group; decisions at or below it are skipped. */
public interface EpochFence {

    /** 0 when nothing was applied for the group yet. */
    long lastApplied(String group);

    void recordApplied(String group, long epoch);
}
