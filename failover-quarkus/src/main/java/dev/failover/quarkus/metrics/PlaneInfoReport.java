package dev.failover.quarkus.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.failover.contract.topology.Topology;
import dev.failover.kafka.metrics.PlaneInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Reports this instance's name, version and the digest of the topology it loaded at start (failover_build_info,
 * failover_topology_info), for a service that reads its topology once: a changed ConfigMap shows here as a digest that
 * differs from the probe-services' (which reload, and report each topology they run themselves) until the instance
 * restarts (alert FailoverTopologiesDiffer). The service is named as it names itself, by {@code quarkus.application.name}.
 */
@ApplicationScoped
public class PlaneInfoReport {

    void report(@Observes StartupEvent event, MeterRegistry registry, Topology topology,
            @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        new PlaneInfo(registry, service, version).runs(topology);
    }
}
