package dev.failover.decision.config;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.DecisionEngine;
import io.quarkus.runtime.StartupEvent;

/** Loads the topology and builds the engine at start-up; an invalid topology stops the service. */
@Singleton
public class DecisionEngineProducer {

    private static final Logger LOG = Logger.getLogger(DecisionEngineProducer.class);

    @Produces
    @Singleton
    Topology topology(DecisionServiceConfig config) {
        Topology topology = TopologyLoader.load(config.topologyFile());
        LOG.infof("topology %s loaded: %d groups over locations %s", config.topologyFile(), topology.groups().size(),
                topology.locations());
        return topology;
    }

    @Produces
    @Singleton
    DecisionEngine engine(Topology topology, DecisionServiceConfig config) {
        return new DecisionEngine(topology, Clock.systemUTC(), () -> UUID.randomUUID().toString(), config.clockSkewTolerance());
    }

    void loadAtStartup(@Observes StartupEvent event, DecisionEngine engine) {
        // injecting the engine here makes an invalid topology fail the start, not the first message
    }
}
