package dev.failover.decision.config;

import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.security.KafkaConfigProblem;
import dev.failover.kafka.security.KafkaSecurityCheck;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.common.annotation.Identifier;

/**
 * The Kafka client properties of the clients this service makes by hand (state loading, topic set-up): Quarkus' map of
 * every {@code kafka.*} property and {@code KAFKA_*} env variable, which the messaging channels use too, so the security
 * settings apply to all. They are checked here, once at start (the topic set-up needs them first): a bad one stops the
 * start naming its key.
 */
@Singleton
public class KafkaClientsProducer {

    private static final Logger LOG = Logger.getLogger(KafkaClientsProducer.class);

    @Produces
    @Singleton
    KafkaClientProperties kafkaClientProperties(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        KafkaSecurityCheck security = KafkaSecurityCheck.of(kafka);
        if (!security.problems().isEmpty()) {
            throw new ConfigurationException(
                    "invalid Kafka settings of the decision-service:\n" + security.describeProblems(),
                    security.problems().stream().map(KafkaConfigProblem::key).collect(Collectors.toSet()));
        }
        security.warning().ifPresent(LOG::warn);
        return new KafkaClientProperties(kafka);
    }
}
