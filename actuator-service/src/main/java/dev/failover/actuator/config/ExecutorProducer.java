package dev.failover.actuator.config;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.actuator.domain.DecisionExecutor;
import dev.failover.actuator.domain.InMemoryEpochFence;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import io.quarkus.runtime.StartupEvent;

/** Loads the topology, picks the DNS backend by config and builds the executor at start-up. */
@Singleton
public class ExecutorProducer {

    private static final Logger LOG = Logger.getLogger(ExecutorProducer.class);

    @Produces
    @Singleton
    Topology topology(ActuatorConfig config) {
        Topology topology = TopologyLoader.load(config.topologyFile());
        LOG.infof("topology %s loaded: %d groups", config.topologyFile(), topology.groups().size());
        return topology;
    }

    @Produces
    @Singleton
    DnsProvider dnsProvider(ActuatorConfig config) {
        DnsProvider provider = switch (config.dns().provider()) {
            case DRY_RUN -> new DryRunDnsProvider();
        };
        LOG.infof("DNS provider: %s", provider.name());
        return provider;
    }

    @Produces
    @Singleton
    DecisionExecutor executor(Topology topology, DnsProvider dns, ActuatorConfig config) {
        return new DecisionExecutor(topology, new InMemoryEpochFence(), dns, Map.of(), config.dns().verifyTimeout(),
                Clock.systemUTC());
    }

    void loadAtStartup(@Observes StartupEvent event, DecisionExecutor executor) {
        // injecting the executor here makes an invalid topology fail the start, not the first decision
    }
}
