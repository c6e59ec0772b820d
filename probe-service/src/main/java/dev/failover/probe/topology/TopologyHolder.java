package dev.failover.probe.topology;

import java.io.IOException;
import java.nio.file.Files;
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
import dev.failover.probe.config.ProbeSettings;
import dev.failover.probe.metrics.ProbeMetrics;
import io.quarkus.runtime.StartupEvent;

/**
 * The topology in force. Loaded at start (an invalid file, or a location it does not list, stops the service); later
 * changes of the file are applied when valid, and refused with the reason logged when not — the previous topology
 * keeps running.
 * <p>
 * A change is a change of the file's text, not of its modification time: a writer that truncates and then writes can
 * leave both steps with one time stamp (file times are as coarse as the kernel's tick), and a reload that read the
 * empty file in between would then never see the finished one. Such a half-written file is refused and logged; the
 * finished text is applied at the next check. Write the file by rename (Kubernetes' ConfigMap volumes do) to avoid the
 * refusal.
 */
@Singleton
public class TopologyHolder {

    private static final Logger LOG = Logger.getLogger(TopologyHolder.class);

    private final ProbeSettings config;
    private final ProbeMetrics metrics;
    private volatile Topology current;
    /** The text last read, applied or refused: the same text is not read again. */
    private volatile String loadedText;

    public TopologyHolder(ProbeSettings config, ProbeMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Runs before the scheduler starts, so a bad file stops the start. */
    void load(@Observes @Priority(1) StartupEvent event) {
        String text = text().orElse(null);
        current = text == null ? forThisLocation(TopologyLoader.load(config.topologyFile())) : parse(text);
        loadedText = text;
        metrics.topologyRuns(current);
        LOG.infof("topology %s loaded: %d groups, probing as location %s", config.topologyFile(),
                current.groups().size(),
                config.location());
    }

    public Topology current() {
        return current;
    }

    /** A new topology when the file's text changed and is valid; empty when unchanged or invalid (then the reason is logged). */
    public Optional<Topology> reloadIfChanged() {
        Optional<String> text = text();
        if (text.isEmpty() || text.get().equals(loadedText)) {
            return Optional.empty();
        }
        loadedText = text.get();
        try {
            Topology next = parse(text.get());
            current = next;
            metrics.topologyReloaded(true);
            metrics.topologyRuns(next);
            LOG.infof("topology %s reloaded: %d groups", config.topologyFile(), next.groups().size());
            return Optional.of(next);
        } catch (InvalidTopologyException e) {
            metrics.topologyReloaded(false);
            LOG.errorf("new topology refused, the previous one keeps running: %s", e.getMessage());
            return Optional.empty();
        }
    }

    private Topology parse(String text) {
        return forThisLocation(TopologyLoader.parse(text, config.topologyFile().toString()));
    }

    private Topology forThisLocation(Topology topology) {
        if (!topology.locations().contains(config.location())) {
            throw new InvalidTopologyException(config.topologyFile() + " for this probe-service",
                    List.of(new TopologyError(
                            "failover.location", "'" + config.location() + "' is not one of the topology's locations "
                                    + topology.locations())));
        }
        return topology;
    }

    /** The file's text, or empty when it cannot be read now (a reload tries again at its next check). */
    private Optional<String> text() {
        try {
            return Optional.of(Files.readString(config.topologyFile()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
