package dev.failover.probe.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.probe.metrics.ProbeMetrics;
import io.quarkus.runtime.StartupEvent;

/**
 * The topology in force. Loaded at start (an invalid file, or a location it does not list, stops the service); later
 * changes of the file are applied when valid, and refused with the reason logged when not — the previous topology
 * keeps running.
 */
@Singleton
public class TopologyHolder {

    private static final Logger LOG = Logger.getLogger(TopologyHolder.class);

    private final ProbeSettings config;
    private final ProbeMetrics metrics;
    private volatile Topology current;
    private volatile FileTime loadedModified;

    public TopologyHolder(ProbeSettings config, ProbeMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Runs before the scheduler starts, so a bad file stops the start. */
    void load(@Observes @Priority(1) StartupEvent event) {
        FileTime modified = modified();
        current = read();
        loadedModified = modified;
        LOG.infof("topology %s loaded: %d groups, probing as location %s", config.topologyFile(), current.groups().size(),
                config.location());
    }

    public Topology current() {
        return current;
    }

    /** A new topology when the file changed and is valid; empty when unchanged or invalid (then the reason is logged). */
    public Optional<Topology> reloadIfChanged() {
        FileTime modified = modified();
        if (modified == null || modified.equals(loadedModified)) {
            return Optional.empty();
        }
        loadedModified = modified;
        try {
            Topology next = read();
            current = next;
            metrics.topologyReloaded(true);
            LOG.infof("topology %s reloaded: %d groups", config.topologyFile(), next.groups().size());
            return Optional.of(next);
        } catch (InvalidTopologyException e) {
            metrics.topologyReloaded(false);
            LOG.errorf("new topology refused, the previous one keeps running: %s", e.getMessage());
            return Optional.empty();
        }
    }

    private Topology read() {
        Topology topology = TopologyLoader.load(config.topologyFile());
        if (!topology.locations().contains(config.location())) {
            throw new InvalidTopologyException(config.topologyFile() + " for this probe-service", List.of(new TopologyError(
                    "failover.location", "'" + config.location() + "' is not one of the topology's locations "
                            + topology.locations())));
        }
        return topology;
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(config.topologyFile());
        } catch (IOException e) {
            return null;
        }
    }
}
