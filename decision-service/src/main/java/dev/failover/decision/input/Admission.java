package dev.failover.decision.input;

import dev.failover.decision.ownership.PartitionOwnership.Standing;

/**
 * What the consumer does with a readable input record before the engine sees it: a record is decided only by the
 * owner of its group, and only when its key, its partition and its payload agree on the group.
 */
public sealed interface Admission {

    /** Hand it to the engine. */
    record Decide() implements Admission {
    }

    /**
     * This instance's, but still catching up on what was published while ownership moved: a probe result is counted as
     * evidence without deciding; commands and actuation reports are handled (their publication waits for DECIDING).
     */
    record Observe() implements Admission {
    }

    /** Not this instance's to decide now: left unprocessed and counted by {@code standing}. */
    record Ignore(Standing standing) implements Admission {
    }

    /** Inconsistent: moved to the dead-letter topic with this reason. */
    record DeadLetter(String reason) implements Admission {
    }

    /**
     * @param key           the record's key (null when it has none)
     * @param partition     the partition the record was read from
     * @param group         the group named in the payload
     * @param homePartition the partition every record of {@code group} belongs in
     * @param standing      where {@code homePartition} stands for this instance
     */
    static Admission of(Object key, int partition, String group, int homePartition, Standing standing) {
        if (!group.equals(key)) {
            return new DeadLetter("record key " + quoted(key) + " differs from the payload's group " + quoted(group)
                    + ": the record would be decided by the owner of the key's partition, not the group's");
        }
        if (partition != homePartition) {
            return new DeadLetter("record of group " + quoted(group) + " is in partition " + partition
                    + ", its key belongs in partition " + homePartition);
        }
        return switch (standing) {
            case DECIDING -> new Decide();
            case CATCHING_UP -> new Observe();
            default -> new Ignore(standing);
        };
    }

    private static String quoted(Object value) {
        return value == null ? "(none)" : "'" + value + "'";
    }
}
