package dev.failover.decision.input;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.decision.publication.GroupPublisher;
import dev.failover.decision.publication.StateCadence;
import io.quarkus.scheduler.Scheduled;

/**
 * Lets time pass for the groups this instance owns: silent locations, pin and drill expiry and hold-downs act without
 * waiting for the next result; queued decisions are sent again; every owned group's state is offered for publication
 * every 5 s, and goes out when it changed or its heartbeat is due ({@link StateCadence}), so other instances can answer
 * reads.
 * <p>
 * Publications run side by side and are never waited for here: one that hangs (a partition of failover.decisions or
 * failover.decision-state without a leader holds it for the producer's delivery timeout) holds back no other group. A
 * group whose publication the ticker started is not published again by the ticker until it finished, and at most
 * {@link #MAX_IN_FLIGHT_PER_PARTITION} run at once per partition, so a partition whose publications all hang fills
 * its own share only; what does not start waits for the next pass.
 */
@ApplicationScoped
public class Ticker {

    private static final Logger LOG = Logger.getLogger(Ticker.class);
    /** Publications the ticker runs at once for the groups of one partition. */
    static final int MAX_IN_FLIGHT_PER_PARTITION = 64;

    private final DecisionEngine engine;
    private final GroupOwnership ownership;
    private final GroupPublisher publisher;

    /** The tick's interval: a group a result evaluated within it is left to its results (DecisionEngine#tick). */
    private final Duration interval;

    @Inject
    Ticker(DecisionEngine engine, GroupOwnership ownership, GroupPublisher publisher,
            @ConfigProperty(name = "failover.tick-interval") Duration interval) {
        this.engine = engine;
        this.ownership = ownership;
        this.publisher = publisher;
        this.interval = interval;
    }

    /** Groups with a publication the ticker started and that has not finished. */
    private final Set<String> publishing = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    @Scheduled(every = "{failover.tick-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        List<String> owned = ownership.ownedGroups();
        engine.tick(owned, interval);
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

    /** Starts a publication of the group unless the ticker's last one is still running or its partition's share is full. */
    private void publish(String group) {
        if (!publishing.add(group)) {
            return; // still publishing: what is queued meanwhile goes with the next pass
        }
        AtomicInteger running = inFlight.computeIfAbsent(ownership.partitionOf(group), p -> new AtomicInteger());
        if (running.incrementAndGet() > MAX_IN_FLIGHT_PER_PARTITION) {
            running.decrementAndGet();
            publishing.remove(group);
            return;
        }
        Runnable finished = () -> {
            running.decrementAndGet();
            publishing.remove(group);
        };
        try {
            publisher.publish(group).subscribe().with(ok -> finished.run(), e -> {
                finished.run();
                LOG.debugf("publishing %s did not complete: %s", group, e.getMessage());
            });
        } catch (RuntimeException e) {
            finished.run();
            LOG.debugf("publishing %s did not start: %s", group, e.getMessage());
        }
    }
}
