package dev.failover.actuator.fence;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/** Before this instance takes decisions of a partition, it reads the fence of that partition's groups. */
@ApplicationScoped
@Identifier(FenceRestorer.NAME)
public class FenceRestorer implements KafkaConsumerRebalanceListener {

    public static final String NAME = "decisions-fence";

    @Inject
    KafkaEpochFence fence;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
        fence.load(numbers);
    }
}
