package dev.failover.decision.state;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.kafka.KeyPartitions;
import dev.failover.decision.domain.DecisionEngine;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Which groups this instance decides: those whose key falls in a partition of failover.probe-results assigned to this
 * instance. Before an assigned partition's records are processed, the groups' state is restored from Kafka (ADR 0002).
 */
@ApplicationScoped
@Default
@Identifier(GroupOwnership.NAME)
public class GroupOwnership implements KafkaConsumerRebalanceListener {

    public static final String NAME = "decision-inputs-ownership";
    private static final Logger LOG = Logger.getLogger(GroupOwnership.class);

    @Inject
    DecisionEngine engine;
    @Inject
    StateLoader loader;
    @Inject
    TopicSetup topics;

    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();

    public boolean owns(String group) {
        return owned.contains(KeyPartitions.partitionOf(group, topics.partitions()));
    }

    public List<String> ownedGroups() {
        return engine.groupIds().stream().filter(this::owns).toList();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<Integer> numbers = partitions.stream().filter(p -> p.topic().equals(Topics.PROBE_RESULTS))
                .map(TopicPartition::partition).toList();
        loader.restore(numbers);
        owned.addAll(numbers);
        LOG.infof("now deciding partitions %s; groups %s", owned, ownedGroups());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.stream().filter(p -> p.topic().equals(Topics.PROBE_RESULTS)).forEach(p -> owned.remove(p.partition()));
        LOG.infof("partitions revoked %s; still deciding %s", partitions, owned);
    }
}
