package dev.failover.actuator.fence;

import java.util.Map;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.failover.kafka.KafkaClientProperties;
import io.smallrye.common.annotation.Identifier;

/**
 * The durable epoch fence, the actuator's only Kafka client made by hand. Its client properties are Quarkus' map of
 * every {@code kafka.*} property, which the messaging channels use too, so a setting such as security applies to all.
 */
@Singleton
public class FenceProducer {

    @Produces
    @Singleton
    KafkaEpochFence fence(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        return new KafkaEpochFence(new KafkaClientProperties(kafka));
    }

    void closeFence(@Disposes KafkaEpochFence fence) {
        fence.close();
    }
}
