package dev.failover.decision.startup;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.engine.EngineLimits;
import dev.failover.decision.domain.model.Alerts;
import dev.failover.decision.drill.DrillCalendar;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Loads the topology and builds the engine at start-up; an invalid topology, drill schedule or engine setting stops the
 * service.
 */
@Singleton
public class DecisionEngineProducer {

    private static final Logger LOG = Logger.getLogger(DecisionEngineProducer.class);

    @Produces
    @Singleton
    Topology topology(DecisionServiceConfig config) {
        Topology topology = TopologyLoader.load(config.topologyFile());
        List<TopologyError> cronErrors = DrillCalendar.validate(topology);
        if (!cronErrors.isEmpty()) {
            throw new InvalidTopologyException(config.topologyFile().toString(), cronErrors);
        }
        LOG.infof("topology %s loaded: %d groups over locations %s", config.topologyFile(), topology.groups().size(),
                topology.locations());
        return topology;
    }

    @Produces
    @Singleton
    DecisionEngine engine(Topology topology, DecisionServiceConfig config) {
        if (config.clockSkewTolerance().isNegative()) {
            throw new ConfigurationException("failover.clock-skew-tolerance: must not be negative, was "
                    + config.clockSkewTolerance(), Set.of("failover.clock-skew-tolerance"));
        }
        checkPositive("failover.command-max-age", config.commandMaxAge());
        checkPositive("failover.not-served-after", config.notServedAfter());
        checkPositive("failover.state.heartbeat", config.state().heartbeat());
        checkPositive("failover.alertmanager.poll-interval", config.alertmanager().pollInterval());
        checkPositive("failover.whatif.read-timeout", config.whatif().readTimeout());
        if (config.whatif().maxResults() < 1) {
            throw new ConfigurationException(
                    "failover.whatif.max-results must be at least 1, not " + config.whatif().maxResults(),
                    Set.of("failover.whatif.max-results"));
        }
        checkPositive("failover.alertmanager.timeout", config.alertmanager().timeout());
        if (config.alertmanager().pollInterval().plus(config.alertmanager().timeout())
                .compareTo(Alerts.STALE_AFTER) >= 0) {
            throw new ConfigurationException(
                    "failover.alertmanager.poll-interval: with the timeout, must be shorter than "
                            + Alerts.STALE_AFTER.toSeconds() + " s (a reading is trusted that long), was "
                            + config.alertmanager().pollInterval() + " + " + config.alertmanager().timeout(),
                    Set.of("failover.alertmanager.poll-interval"));
        }
        List<String> guarded = topology.groups().stream().filter(g -> g.drill().guardedByAlerts())
                .map(dev.failover.contract.topology.FailoverGroup::id).toList();
        if (!guarded.isEmpty() && config.alertmanager().url().isEmpty()) {
            throw new ConfigurationException("failover.alertmanager.url: is required: the drills of " + guarded
                    + " name alerts (blockingAlerts, abortAlerts), read from Alertmanager",
                    Set.of("failover.alertmanager.url"));
        }
        return new DecisionEngine(topology, Clock.systemUTC(), () -> UUID.randomUUID().toString(),
                new EngineLimits(config.clockSkewTolerance(), config.commandMaxAge(), config.notServedAfter()));
    }

    /** @throws ConfigurationException naming {@code key} when {@code value} is zero or negative */
    static void checkPositive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException(key + ": must be positive, was " + value, Set.of(key));
        }
    }

    /** Runs before the other start-up work (topic set-up waits on Kafka), so a bad topology is reported at once. */
    void loadAtStartup(@Observes @Priority(1) StartupEvent event, DecisionEngine engine, DecisionServiceConfig config) {
        // injecting the engine here makes an invalid topology fail the start, not the first message
        LOG.infof("instance %s in consumer group decision-service (static membership)", config.instanceId());
    }
}
