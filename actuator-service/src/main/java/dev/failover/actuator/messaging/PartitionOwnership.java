package dev.failover.actuator.messaging;

import java.util.concurrent.CompletionStage;

/**
 * Which partitions of failover.decisions this instance owns, as the decision listener asks before it acts on a
 * decision: owned means assigned here and its groups' desired states restored. {@link DesiredStateRestorer} is the one
 * implementation; a test gives the listener its own.
 */
public interface PartitionOwnership {

    /** Completes true once the partition's desired states are restored here, false when it is revoked first. */
    CompletionStage<Boolean> whenRestored(int partition);

    /** Whether the partition is assigned here and restored: its decisions are acted on and stored here. */
    boolean owns(int partition);
}
