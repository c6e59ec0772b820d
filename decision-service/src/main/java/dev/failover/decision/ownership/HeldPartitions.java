package dev.failover.decision.ownership;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

/**
 * The input partitions (of every topic) this instance holds, as its rebalance callbacks told it, so that a revoke it was
 * never told of is found at the next assignment.
 * <p>
 * SmallRye commits the revoked partitions' offsets before it calls the listener's {@code onPartitionsRevoked}, and skips
 * the listener when that commit fails (SRMSG18222, a {@code CommitFailedException}). The commit fails when the group has
 * moved on without this member: the broker expired it while the process was stopped. That is when the revoke matters
 * most, for what such an instance decided and did not publish must never go out (ADR 0002).
 */
final class HeldPartitions {

    private final Set<TopicPartition> held = new HashSet<>();

    /**
     * An assignment arrived.
     *
     * @param assigned the partitions the callback names: all of them after an eager rebalance, the added ones after a
     *            cooperative one
     * @param assignment the consumer's whole assignment now
     * @return the partitions held before whose revoke was missed: those held and not kept through this rebalance
     */
    synchronized Set<TopicPartition> assigned(Collection<TopicPartition> assigned,
            Collection<TopicPartition> assignment) {
        Set<TopicPartition> kept = new HashSet<>(assignment);
        kept.removeAll(assigned);
        Set<TopicPartition> missed = new HashSet<>(held);
        missed.removeAll(kept);
        held.clear();
        held.addAll(kept);
        held.addAll(assigned);
        return missed;
    }

    synchronized void revoked(Collection<TopicPartition> revoked) {
        held.removeAll(revoked);
    }
}
