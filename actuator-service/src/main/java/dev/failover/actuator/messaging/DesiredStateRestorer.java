package dev.failover.actuator.messaging;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.failover.actuator.domain.DesiredState;
import dev.failover.actuator.domain.Reconciler;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.kafka.KeyPartitions;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Ownership of groups follows the decisions topic's partitions. When a partition is assigned, its groups' desired states
 * are read to the end before its decisions are consumed, and every group of the partition gets a pass (a restart
 * reconciles at once, whether or not a decision comes). When a partition is revoked, its groups stop being driven here;
 * a pass under way at that moment cannot overwrite a newer owner's switch, the record's ownership mark refuses it.
 */
@ApplicationScoped
@Identifier(DesiredStateRestorer.NAME)
public class DesiredStateRestorer implements KafkaConsumerRebalanceListener {

    public static final String NAME = "decisions-desired-state";
    private static final Logger LOG = Logger.getLogger(DesiredStateRestorer.class);

    @Inject
    KafkaDesiredStore store;
    @Inject
    Reconciler reconciler;
    @Inject
    ReconcileLoop loop;
    @Inject
    Topology topology;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        List<DesiredState> restored = store.load(numbers);
        restored.forEach(reconciler::restore);
        List<String> groups = new java.util.ArrayList<>(groupsOf(consumer, partitions, numbers));
        restored.stream().map(DesiredState::group).filter(g -> !groups.contains(g)).forEach(groups::add);
        loop.start(groups);
        LOG.infof("reconciling partitions %s: groups %s (%d desired states restored)", numbers, groups, restored.size());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        List<String> groups = groupsOf(consumer, partitions, numbers);
        loop.stop(groups);
        LOG.infof("partitions %s revoked: no longer reconciling %s", numbers, groups);
    }

    /** The topology's groups whose decisions land in these partitions. */
    private List<String> groupsOf(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Set<Integer> numbers) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        int count = consumer.partitionsFor(partitions.iterator().next().topic()).size();
        return topology.groups().stream().map(FailoverGroup::id)
                .filter(g -> numbers.contains(KeyPartitions.partitionOf(g, count))).toList();
    }
}
