package dev.failover.decision.drill;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.Alerts;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Reads Alertmanager every {@code failover.alertmanager.poll-interval} while a group's drill names alerts and
 * hands each reading to the engine, whose rules end a running drill one of whose abort alerts fires. Every instance
 * reads: the engine of each decides its own groups. Nothing is read when no drill names alerts.
 */
@ApplicationScoped
public class AlertWatch {

    private static final Logger LOG = Logger.getLogger(AlertWatch.class);

    private final DecisionEngine engine;
    private final Scheduler scheduler;
    private final Topology topology;
    private final DecisionServiceConfig.Alertmanager config;
    private final Clock clock = Clock.systemUTC();
    private AlertmanagerClient client;

    @Inject
    AlertWatch(DecisionEngine engine, Scheduler scheduler, Topology topology, DecisionServiceConfig config) {
        this.engine = engine;
        this.scheduler = scheduler;
        this.topology = topology;
        this.config = config.alertmanager();
    }

    void start(@Observes StartupEvent event) {
        List<String> guarded = topology.groups().stream().filter(g -> g.drill().guardedByAlerts())
                .map(FailoverGroup::id)
                .toList();
        if (guarded.isEmpty()) {
            return;
        }
        // checked at start with the engine (DecisionEngineProducer): present when a drill names alerts
        client = new AlertmanagerClient(config.url().orElseThrow(), config.timeout());
        scheduler.newJob("alertmanager").setInterval(config.pollInterval().toMillis() + "ms")
                .setConcurrentExecution(io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> readNow()).schedule();
        LOG.infof("reading Alertmanager every %s for the drills of %s", config.pollInterval(), guarded);
    }

    /** Reads Alertmanager now and hands the reading to the engine; unreadable when no drill names alerts. */
    public Alerts readNow() {
        if (client == null) {
            return new Alerts.Unreadable("failover.alertmanager.url is not set", clock.instant());
        }
        Alerts reading = client.read(clock.instant());
        if (reading instanceof Alerts.Unreadable unreadable) {
            LOG.warnf("Alertmanager not readable: %s", unreadable.why());
        }
        engine.onAlerts(reading);
        return reading;
    }
}
