package dev.failover.decision.ownership;

import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.TopicPartition;

/**
 * A CDI event that {@link AssignedPartitions} fires, synchronously on the consumer's thread, when partitions of this
 * instance's inputs were revoked: those above ownership (the input lanes, the publisher) act on it without ownership
 * knowing them (ADR 0015). Observers run in the order of their {@code @Priority}: {@link #INPUTS}, then
 * {@link #PUBLICATION}.
 *
 * @param partitions the revoked partitions, as the rebalance listener got them
 * @param groups the groups of the revoked partitions of failover.probe-results
 */
public record PartitionsRevoked(Collection<TopicPartition> partitions, List<String> groups) {

    /** The input lanes drop the records they hold and have not started: the next owner reads them again. */
    public static final int INPUTS = 1;
    /** The publisher drops the groups' unpublished decisions: they must not go out after another owner decided. */
    public static final int PUBLICATION = 2;

    public PartitionsRevoked {
        partitions = List.copyOf(partitions);
        groups = List.copyOf(groups);
    }
}
