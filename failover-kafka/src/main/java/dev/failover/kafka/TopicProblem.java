package dev.failover.kafka;

/**
 * Why a topic, as it is on the cluster, would not hold what the plane writes to it.
 *
 * @param detail what was found and what to change, in words
 */
public record TopicProblem(String topic, Kind kind, String detail) {

    public enum Kind {
        /** Fewer replicas than its min.insync.replicas: every write with acks=all fails. */
        MIN_INSYNC_ABOVE_REPLICAS,
        /** Fewer replicas than asked for: the loss of a broker (a region) takes partitions with it. */
        BELOW_REPLICATION_FACTOR,
        /** A topic of latest states per key that is not compacted: its states are deleted after the retention time. */
        NOT_COMPACTED
    }

    /** "topic: detail". */
    public String describe() {
        return topic + ": " + detail;
    }
}
