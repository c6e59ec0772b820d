package dev.failover.kafka;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic to create when it is missing. An empty partition count or replication factor takes the broker's default.
 *
 * @param configs topic configs such as {@code cleanup.policy}
 */
public record TopicSpec(String name, Optional<Integer> partitions, Optional<Short> replicationFactor,
        Map<String, String> configs) {

    public TopicSpec {
        configs = Map.copyOf(configs);
    }

    public static TopicSpec of(String name, int partitions, short replicationFactor) {
        return new TopicSpec(name, Optional.of(partitions), Optional.of(replicationFactor), Map.of());
    }

    /** The same topic, compacted: only the latest record of each key is kept. */
    public TopicSpec compacted() {
        return new TopicSpec(name, partitions, replicationFactor,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** The same topic with these configs too (they win over the ones it has for the same keys). */
    public TopicSpec withConfigs(Map<String, String> more) {
        Map<String, String> merged = new java.util.HashMap<>(configs);
        merged.putAll(more);
        return new TopicSpec(name, partitions, replicationFactor, merged);
    }
}
