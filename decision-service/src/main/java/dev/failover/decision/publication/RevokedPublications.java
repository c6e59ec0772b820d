package dev.failover.decision.publication;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.failover.decision.ownership.PartitionsRevoked;

/**
 * The publisher's side of {@link PartitionsRevoked} (ADR 0015): the revoked partitions' groups lose their unpublished
 * decisions, after the input lanes dropped the records they held. An observer of its own, not a method of
 * {@link DecisionPublisher}: Quarkus makes every class that declares or inherits an observer method a bean, so a class
 * extending the publisher would become one too.
 */
@ApplicationScoped
class RevokedPublications {

    private final DecisionPublisher publisher;

    @Inject
    RevokedPublications(DecisionPublisher publisher) {
        this.publisher = publisher;
    }

    void revoked(@Observes @Priority(PartitionsRevoked.PUBLICATION) PartitionsRevoked revoked) {
        revoked.groups().forEach(publisher::discardUnpublished);
    }
}
