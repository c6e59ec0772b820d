package dev.failover.decision.config;

import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.failover.kafka.KafkaClientProperties;
import io.smallrye.common.annotation.Identifier;

/**
 * The Kafka client properties of the clients this service makes by hand (state loading, topic set-up): Quarkus' map of
 * every {@code kafka.*} property, which the messaging channels use too, so a setting such as security applies to all.
 */
@Singleton
public class KafkaClientsProducer {

    @Produces
    @Singleton
    KafkaClientProperties kafkaClientProperties(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        return new KafkaClientProperties(kafka);
    }
}
