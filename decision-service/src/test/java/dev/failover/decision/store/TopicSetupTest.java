package dev.failover.decision.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.kafka.KafkaBrokerResource;

/**
 * The set-up runs on a thread of its own beside the start (so the messaging clients are made meanwhile); the start still
 * waits for it and stops with its error, which names the key at fault. Against the real in-JVM broker (one node).
 */
class TopicSetupTest {

    @Test
    void theStartWaitsForTheSetUpAndKnowsThePartitionCount() {
        TopicSetup setup = setUp(Optional.of((short) 1));
        setup.startAtStartup(null);
        setup.awaitAtStartup(null);
        assertThat(setup.partitions()).as("the common partition count").isPositive();
    }

    @Test
    void aReplicationFactorTheClusterCannotGiveStopsTheStartNamingTheKey() {
        TopicSetup setup = setUp(Optional.of((short) 5));
        setup.startAtStartup(null);
        assertThatThrownBy(() -> setup.awaitAtStartup(null))
                .as("the start on a one-broker cluster asking for 5 replicas")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(TopicSetup.REPLICATION_KEY + " is 5");
        assertThatThrownBy(setup::partitions).as("what a restore waiting for the count gets")
                .hasMessageContaining(TopicSetup.REPLICATION_KEY);
    }

    private static TopicSetup setUp(Optional<Short> replication) {
        DecisionServiceConfig.Topics topics = proxy(DecisionServiceConfig.Topics.class,
                Map.of("partitions", 3, "replicationFactor", replication));
        return new TopicSetup(proxy(DecisionServiceConfig.class, Map.of("topics", topics)), new KafkaClientProperties(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.broker().bootstrapServers())));
    }

    /** A config interface answering only the methods named. */
    private static <T> T proxy(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (p, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        }));
    }
}
