package dev.failover.decision.input;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import dev.failover.decision.publication.DecisionPublisher;
import dev.failover.decision.publication.GroupPublisher;
import dev.failover.decision.store.StateRecord;
import io.smallrye.mutiny.Uni;

/**
 * The GroupPublisher seam for {@code LanesThroughKafkaTest}: a publication of {@link #stuckGroup} does not complete
 * until {@link #release} does, as one to a partition of failover.decisions without a leader waits out the producer's
 * delivery timeout; every other group is published for real, by the {@link DecisionPublisher} it wraps. Enabled only
 * by that test's profile.
 */
@Alternative
@ApplicationScoped
public class StuckDecisionPublisher implements GroupPublisher {

    static volatile String stuckGroup;
    static volatile CompletableFuture<Void> release = new CompletableFuture<>();
    static final AtomicInteger stuckPublications = new AtomicInteger();

    private final DecisionPublisher publisher;

    @Inject
    StuckDecisionPublisher(DecisionPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public Uni<Void> publish(String group) {
        if (group.equals(stuckGroup)) {
            stuckPublications.incrementAndGet();
            CompletableFuture<Void> until = release;
            return Uni.createFrom().completionStage(until).chain(() -> publisher.publish(group));
        }
        return publisher.publish(group);
    }

    @Override
    public boolean hasUnpublished(String group) {
        return publisher.hasUnpublished(group);
    }

    @Override
    public void recordCommand(String group, StateRecord.CommandResult result) {
        publisher.recordCommand(group, result);
    }
}
