package dev.failover.decision.ownership;

import java.util.List;

import dev.failover.decision.ownership.PartitionOwnership.Standing;
import dev.failover.kafka.KeyPartitions;

/**
 * A {@link GroupOwnership} for tests, whose answers the test gives: this instance decides the groups it is given and no
 * other, every assigned partition is restored, and a group's key falls in one of the partitions given as in Kafka.
 */
public final class FixedOwnership implements GroupOwnership {

    private final List<String> owned;
    private final int partitions;

    /**
     * @param owned the groups this instance decides
     * @param partitions the partition count of the keyed topics
     */
    public FixedOwnership(List<String> owned, int partitions) {
        this.owned = List.copyOf(owned);
        this.partitions = partitions;
    }

    /** An instance that decides the groups, over one partition. */
    public static FixedOwnership deciding(String... groups) {
        return new FixedOwnership(List.of(groups), 1);
    }

    /** An instance that decides no group. */
    public static FixedOwnership decidingNothing() {
        return deciding();
    }

    @Override
    public Standing standing(String group) {
        return owned.contains(group) ? Standing.DECIDING : Standing.NOT_ASSIGNED;
    }

    @Override
    public int partitionOf(String group) {
        return KeyPartitions.partitionOf(group, partitions);
    }

    @Override
    public boolean owns(String group) {
        return standing(group) == Standing.DECIDING;
    }

    @Override
    public List<String> ownedGroups() {
        return owned;
    }

    @Override
    public List<PartitionOwnership.Unrestored> unrestored() {
        return List.of();
    }

    @Override
    public void consumed(int partition, long offset) {
        // nothing to catch up with
    }
}
