package dev.failover.decision.input;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import dev.failover.decision.publication.DecisionPublisher;
import io.smallrye.mutiny.Uni;

/**
 * The DecisionPublisher seam for {@code LanesThroughKafkaTest}: a publication of {@link #stuckGroup} does not complete
 * until {@link #release} does, as one to a partition of failover.decisions without a leader waits out the producer's
 * delivery timeout; every other group is published for real. Enabled only by that test's profile.
 */
@Alternative
@ApplicationScoped
public class StuckDecisionPublisher extends DecisionPublisher {

    static volatile String stuckGroup;
    static volatile CompletableFuture<Void> release = new CompletableFuture<>();
    static final AtomicInteger stuckPublications = new AtomicInteger();

    @Override
    public Uni<Void> publish(String group) {
        if (group.equals(stuckGroup)) {
            stuckPublications.incrementAndGet();
            CompletableFuture<Void> until = release;
            return Uni.createFrom().completionStage(until).chain(() -> super.publish(group));
        }
        return super.publish(group);
    }
}
