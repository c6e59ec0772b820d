package dev.failover.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/** Where Kafka's default partitioner puts a record key: every topic keyed by group places a group the same way. */
public final class KeyPartitions {

    private KeyPartitions() {
    }

    /** The partition of {@code key} in a topic of {@code partitions} partitions. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
