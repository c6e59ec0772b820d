package dev.failover.probe.scheduling;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.ProbeType;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.probe.config.ProbeServiceConfig;
import dev.failover.probe.domain.TargetProbe;
import dev.failover.probe.probing.TcpProber;
import dev.failover.probe.probing.VertxHttpProber;
import dev.failover.probe.messaging.ProbeResultPublisher;
import dev.failover.probe.metrics.ProbeMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Fires each target's probe on its own interval, with a random initial offset so targets do not fire together. A probe
 * still running when its next tick comes is skipped and counted, never queued; the ticking thread only starts
 * asynchronous probes, so a slow target cannot delay another.
 */
@ApplicationScoped
public class ProbeScheduler {

    private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);

    @Inject
    Topology topology;
    @Inject
    ProbeServiceConfig config;
    @Inject
    ProbeResultPublisher publisher;
    @Inject
    ProbeMetrics metrics;
    @Inject
    LatestResults latest;
    @Inject
    io.vertx.core.Vertx vertx;

    private ScheduledExecutorService ticker;
    private ExecutorService io;
    private final List<AtomicBoolean> running = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "probe-ticker"));
        io = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "probe-io");
            t.setDaemon(true);
            return t;
        });
        TargetProbe probe = new TargetProbe(Map.of(ProbeType.HTTP, new VertxHttpProber(vertx, io, 512), ProbeType.TCP,
                new TcpProber(io)),
                Clock.systemUTC(), config.location());
        int count = 0;
        for (FailoverGroup group : topology.groups()) {
            for (Target target : group.targets()) {
                schedule(probe, group, target);
                count++;
            }
        }
        LOG.infof("probing %d targets from location %s", count, config.location());
    }

    private void schedule(TargetProbe probe, FailoverGroup group, Target target) {
        long intervalMillis = target.probe().intervalSeconds() * 1000L;
        AtomicBoolean inFlight = new AtomicBoolean();
        running.add(inFlight);
        ticker.scheduleAtFixedRate(() -> {
            if (!inFlight.compareAndSet(false, true)) {
                metrics.skipped(group.id(), target.id());
                return;
            }
            probe.run(group, target).whenComplete((result, error) -> {
                inFlight.set(false);
                if (error != null) {
                    LOG.errorf(error, "probe of %s/%s failed unexpectedly", group.id(), target.id());
                    return;
                }
                latest.record(result);
                metrics.probed(result);
                publisher.publish(result);
            });
        }, ThreadLocalRandom.current().nextLong(intervalMillis), intervalMillis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
            io.shutdownNow();
        }
    }
}
