package dev.failover.decision.messaging;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.state.GroupOwnership;
import io.quarkus.scheduler.Scheduled;

/**
 * Lets time pass for the groups this instance owns: silent locations, pin and drill expiry and hold-downs act without
 * waiting for the next result; queued decisions are sent again; every owned group's state is published regularly so
 * other instances can answer reads.
 */
@ApplicationScoped
public class Ticker {

    private static final Logger LOG = Logger.getLogger(Ticker.class);
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(30);

    @Inject
    DecisionEngine engine;
    @Inject
    GroupOwnership ownership;
    @Inject
    DecisionPublisher publisher;

    @Scheduled(every = "{failover.tick-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        List<String> owned = ownership.ownedGroups();
        engine.tick(owned);
        for (String group : owned) {
            if (publisher.hasUnpublished(group)) { // what the tick decided, and what could not be published before
                publish(group);
            }
        }
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void publishStates() {
        for (String group : ownership.ownedGroups()) {
            publish(group);
        }
    }

    private void publish(String group) {
        try {
            publisher.publish(group).await().atMost(PUBLISH_WAIT);
        } catch (RuntimeException e) {
            LOG.debugf("publishing %s did not complete: %s", group, e.getMessage());
        }
    }
}
