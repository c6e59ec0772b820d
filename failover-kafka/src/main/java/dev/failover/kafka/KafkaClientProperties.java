package dev.failover.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka client properties of one service (bootstrap servers and security settings: the service's whole
 * {@code kafka.*} map, which its channels get too), built once per service and handed to every client it makes by hand,
 * so that no client connects with less than the others (docs/security-kafka.md).
 */
public record KafkaClientProperties(Map<String, Object> common) {

    public KafkaClientProperties {
        common = Map.copyOf(common);
    }

    public static KafkaClientProperties bootstrap(String bootstrapServers) {
        return new KafkaClientProperties(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * The properties of one client: the common ones with these overrides. A service-wide {@code group.id} is dropped:
     * the clients made by hand read assigned partitions, write or administer, and never join a consumer group.
     */
    public Map<String, Object> with(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(common);
        properties.remove(CommonClientConfigs.GROUP_ID_CONFIG);
        properties.putAll(overrides);
        return properties;
    }

    /** For messages: where the service looks for Kafka. */
    public String bootstrapServers() {
        return String.valueOf(common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }
}
