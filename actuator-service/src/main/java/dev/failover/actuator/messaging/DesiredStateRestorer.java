package dev.failover.actuator.messaging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.lease.CoordinatorLease;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.kafka.KeyPartitions;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Ownership of groups follows the decisions topic's partitions. When a partition is assigned, its groups' desired states
 * are read to the end, off the consumer's thread and again with the reconcile loop's backoff until the read succeeds
 * ({@link PartitionRestores}); then every group of the partition gets a pass (a restart reconciles at once, whether or
 * not a decision comes). Until then the partition's decisions wait and readiness names it. When a partition is revoked,
 * its groups stop being driven here; a pass under way at that moment cannot overwrite a newer owner's switch, the
 * record's ownership mark refuses it.
 */
@ApplicationScoped
@Default
@Identifier(DesiredStateRestorer.NAME)
public class DesiredStateRestorer implements KafkaConsumerRebalanceListener, PartitionOwnership {

    public static final String NAME = "decisions-desired-state";
    private static final Logger LOG = Logger.getLogger(DesiredStateRestorer.class);

    private final KafkaDesiredStore store;
    private final Reconciler reconciler;
    private final ReconcileLoop loop;
    private final Topology topology;
    private final ActuatorSettings settings;
    private final CoordinatorLease lease;

    private ScheduledExecutorService restoring;
    private PartitionRestores restores;
    /** failover.decisions' partition count, as the consumer last saw it. */
    private volatile int partitionCount;

    @Inject
    DesiredStateRestorer(KafkaDesiredStore store, Reconciler reconciler, ReconcileLoop loop, Topology topology,
            ActuatorSettings settings, CoordinatorLease lease) {
        this.store = store;
        this.reconciler = reconciler;
        this.loop = loop;
        this.topology = topology;
        this.settings = settings;
        this.lease = lease;
    }

    @PostConstruct
    void init() {
        restoring = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "desired-state-restore");
            thread.setDaemon(true);
            return thread;
        });
        restores = new PartitionRestores(store::loadByPartition, this::restored, settings.reconcile().backoff(),
                restoring);
    }

    @PreDestroy
    void stop() {
        restores.close();
        restoring.shutdownNow();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        lease.rebalanced(); // the coordinator just gave this member its assignment, possibly none
        if (partitions.isEmpty()) {
            return;
        }
        partitionCount = consumer.partitionsFor(partitions.iterator().next().topic()).size();
        restores.assigned(numbers(partitions));
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        lease.rebalancing(); // its assignment renews the lease: a lapse meanwhile asks for no other rebalance
        Set<Integer> numbers = numbers(partitions);
        restores.revoked(numbers);
        List<String> groups = groupsOf(numbers);
        loop.stop(groups);
        LOG.infof("partitions %s revoked: no longer reconciling %s", numbers, groups);
    }

    /** See {@link PartitionRestores#whenRestored}. */
    @Override
    public CompletionStage<Boolean> whenRestored(int partition) {
        return restores.whenRestored(partition);
    }

    @Override
    public boolean owns(int partition) {
        return restores.owns(partition);
    }

    /** Assigned partitions whose desired states are not restored yet. */
    public List<PartitionRestores.Unrestored> unrestored() {
        return restores.unrestored();
    }

    private void restored(int partition, List<DesiredState> states) {
        states.forEach(reconciler::restore);
        List<String> groups = new ArrayList<>(groupsOf(Set.of(partition)));
        states.stream().map(DesiredState::group).filter(g -> !groups.contains(g)).forEach(groups::add);
        loop.start(groups);
        LOG.infof("reconciling partition %d: groups %s (%d desired states restored)", partition, groups, states.size());
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** The topology's groups whose decisions land in these partitions. */
    private List<String> groupsOf(Set<Integer> numbers) {
        int count = partitionCount;
        if (numbers.isEmpty() || count == 0) {
            return List.of();
        }
        return topology.groups().stream().map(FailoverGroup::id)
                .filter(g -> numbers.contains(KeyPartitions.partitionOf(g, count))).toList();
    }
}
