package dev.failover.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import dev.failover.testkit.kafka.KafkaBrokerResource;

/** Against the real in-JVM broker of the testkit. */
class TopicEnsurerTest {

    final KafkaClientProperties client = KafkaClientProperties.bootstrap(KafkaBrokerResource.broker().bootstrapServers());

    @Test
    void aMissingTopicIsCreatedWithItsPartitionsAndConfigsAndAnExistingOneIsLeftAsItIs() throws Exception {
        String compacted = "ensure-" + UUID.randomUUID();
        String existing = "ensure-" + UUID.randomUUID();
        try (TopicEnsurer topics = new TopicEnsurer(client, Duration.ofSeconds(30))) {
            topics.ensure(List.of(TopicSpec.of(existing, 2, (short) 1)));
            assertThat(topics.partitionCount(compacted)).as("not created yet").isEmpty();

            Map<String, Integer> partitions = topics.ensure(List.of(TopicSpec.of(compacted, 4, (short) 1).compacted(),
                    TopicSpec.of(existing, 5, (short) 1)));

            assertThat(partitions).as("created with 4; the existing topic keeps its 2")
                    .containsExactlyInAnyOrderEntriesOf(Map.of(compacted, 4, existing, 2));
            assertThat(topics.partitionCount(compacted)).contains(4);
            assertThat(TopicEnsurer.mismatches(partitions, List.of(compacted, existing), 4)).as("topics without 4 partitions")
                    .containsExactly(existing + " has 2");
        }
        try (Admin admin = Admin.create(client.with(Map.of()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
            String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(policy).as("cleanup.policy of the created topic").isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void anUnreachableBrokerIsNamedInTheError() {
        KafkaClientProperties nowhere = KafkaClientProperties.bootstrap("127.0.0.1:1");
        try (TopicEnsurer topics = new TopicEnsurer(nowhere, Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> topics.ensure(List.of(TopicSpec.of("anything", 1, (short) 1))))
                    .hasMessage("kafka.bootstrap.servers: cannot reach Kafka at 127.0.0.1:1 within 2 s (to list topics)");
        }
    }
}
