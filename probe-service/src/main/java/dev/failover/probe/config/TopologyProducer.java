package dev.failover.probe.config;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
import io.quarkus.runtime.StartupEvent;

/** Loads the topology once at start-up; an invalid file, or a location it does not list, stops the service. */
@Singleton
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Produces
    @Singleton
    Topology topology(ProbeServiceConfig config) {
        Topology topology = TopologyLoader.load(config.topologyFile());
        List<TopologyError> errors = new ArrayList<>();
        if (!topology.locations().contains(config.location())) {
            errors.add(new TopologyError("failover.location", "'" + config.location()
                    + "' is not one of the topology's locations " + topology.locations()));
        }
        if (!errors.isEmpty()) {
            throw new InvalidTopologyException(config.topologyFile() + " for this probe-service", errors);
        }
        LOG.infof("topology %s loaded: %d groups, probing as location %s", config.topologyFile(), topology.groups().size(),
                config.location());
        return topology;
    }

    void loadAtStartup(@Observes StartupEvent event, Topology topology) {
        // injecting the topology here makes an invalid file fail the start, not the first probe
    }
}
