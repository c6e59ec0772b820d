package dev.failover.decision.publication;

import dev.failover.decision.store.StateRecord;
import io.smallrye.mutiny.Uni;

/**
 * What the inputs and the ticker ask of publication: a group's decisions and state out to Kafka once they are due, and
 * whether any of its decisions still waits to go out. {@link DecisionPublisher} does it; tests give their own, e.g. a
 * publication that hangs.
 */
public interface GroupPublisher {

    /**
     * Publishes the group's unpublished decisions and then its state, once every earlier publication of the group has
     * finished. Starts at once; the returned Uni completes when this publication has.
     */
    Uni<Void> publish(String group);

    /**
     * Starts {@link #publish}; the returned Uni completes once the group's decisions are acknowledged by Kafka, while
     * its explanations and state may still be on their way: what a probe result that switched the group waits for
     * before its offset may be acknowledged (ADR 0030, "A probe result waits for its decision only").
     */
    default Uni<Void> publishDecisions(String group) {
        return publish(group);
    }

    /** Whether a decision of the group is not published yet: made, and not acknowledged by Kafka. */
    boolean hasUnpublished(String group);

    /** Keeps the result of an operator command on the group, among the recent ones its state record carries. */
    void recordCommand(String group, StateRecord.CommandResult result);
}
