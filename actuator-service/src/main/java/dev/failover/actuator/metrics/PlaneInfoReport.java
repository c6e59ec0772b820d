package dev.failover.actuator.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.failover.contract.topology.Topology;
import dev.failover.kafka.metrics.PlaneInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Reports this instance's version and the digest of the topology it loaded at start (failover_build_info,
 * failover_topology_info): the actuator-service reads its topology once, so a changed ConfigMap shows here as a digest that
 * differs from the probe-services' (which reload) until the instance restarts (alert FailoverTopologiesDiffer).
 */
@ApplicationScoped
public class PlaneInfoReport {

    void report(@Observes StartupEvent event, MeterRegistry registry, Topology topology,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        new PlaneInfo(registry, "actuator-service", version).runs(topology);
    }
}
