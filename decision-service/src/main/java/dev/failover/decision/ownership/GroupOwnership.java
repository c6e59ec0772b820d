package dev.failover.decision.ownership;

import java.util.List;

import dev.failover.decision.ownership.PartitionOwnership.Standing;

/**
 * Which groups this instance decides: those whose key falls in a partition of failover.probe-results assigned to this
 * instance, once that partition's state is restored from Kafka, and while the ownership lease holds (ADR 0002).
 * {@link AssignedPartitions} keeps it, from the input consumer's rebalance callbacks; tests give their own answers.
 */
public interface GroupOwnership {

    /** Where this instance stands on the group: whether it decides it now, and if not, why not. */
    Standing standing(String group);

    /** The partition of failover.probe-results the group's key falls in, as in every topic co-partitioned with it. */
    int partitionOf(String group);

    /** Whether this instance decides the group now: only then may it evaluate the group or publish for it. */
    boolean owns(String group);

    /** The groups of the topology this instance decides now. */
    List<String> ownedGroups();

    /** Assigned partitions whose state is not restored yet; readiness is DOWN while there is one. */
    List<PartitionOwnership.Unrestored> unrestored();

    /** A record of failover.probe-results at {@code offset} was handled: catching up may be over. */
    void consumed(int partition, long offset);
}
