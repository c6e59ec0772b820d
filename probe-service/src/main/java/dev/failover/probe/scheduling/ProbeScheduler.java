package dev.failover.probe.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.probe.config.ProbeSettings;
import dev.failover.probe.domain.ResolverWatch;
import dev.failover.probe.domain.TargetProbe;
import dev.failover.probe.messaging.ProbeResultPublisher;
import dev.failover.probe.metrics.ProbeMetrics;
import dev.failover.probe.probing.DnsProber;
import dev.failover.probe.probing.TcpProber;
import dev.failover.probe.probing.VertxHttpProber;
import dev.failover.probe.topology.TopologyHolder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Fires each target's probe, and each of its dependencies' probes, on its own interval, with a random initial offset so
 * they do not fire together. A probe still running when its next tick comes is skipped and counted, never queued, and
 * publishes no result of its own; the ticking thread only starts asynchronous probes, so a slow target cannot delay
 * another. Also runs the self-check, drains the Kafka buffer and applies a changed topology file.
 */
@ApplicationScoped
public class ProbeScheduler {

    private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);

    private final TopologyHolder topology;
    private final ProbeSettings config;
    private final ProbeResultPublisher publisher;
    private final ProbeMetrics metrics;
    private final LatestResults latest;
    private final Vertx vertx;

    @Inject
    ProbeScheduler(TopologyHolder topology, ProbeSettings config, ProbeResultPublisher publisher, ProbeMetrics metrics,
            LatestResults latest, Vertx vertx) {
        this.topology = topology;
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
        this.latest = latest;
        this.vertx = vertx;
    }

    private ScheduledExecutorService ticker;
    private ExecutorService io;
    private TargetProbe probe;
    private EventLoopWatch loops;
    private ResolverWatch observers;
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

    void start(@Observes StartupEvent event) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "probe-ticker"));
        io = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "probe-io");
            t.setDaemon(true);
            return t;
        });
        VertxHttpProber http = new VertxHttpProber(vertx, io, config.maxConnections());
        SelfCheck selfCheck = new SelfCheck(config.selfCheckUrls(), (int) config.selfCheckTimeout().toMillis(), http);
        metrics.trackSelfCheck(selfCheck::impaired);
        loops = new EventLoopWatch(vertx, Duration.ofMillis(25));
        metrics.trackLoopLag(loops::recentWorst);
        DnsProber dns = new DnsProber(io);
        observers = new ResolverWatch(config.location(), config.instanceId(), Clock.systemUTC(),
                spec -> dns.probe(spec, connecting -> {
                }), config.observeInterval());
        probe = new TargetProbe(http, new TcpProber(io), dns, Clock.systemUTC(), config.location(), selfCheck::impaired,
                loops,
                new TargetProbe.Limits(config.maxConnections(), config.maxStartDelay(), config.maxLoopLag()));
        if (selfCheck.enabled()) {
            long every = config.selfCheckInterval().toMillis();
            ticker.scheduleAtFixedRate(() -> selfCheck.round().thenAccept(impaired -> {
                if (impaired) {
                    LOG.warnf("location %s is impaired: none of the self-check URLs answers", config.location());
                }
            }), 0, every, TimeUnit.MILLISECONDS);
        }
        ticker.scheduleWithFixedDelay(publisher::drain, 100, 100, TimeUnit.MILLISECONDS);
        long reload = config.reloadInterval().toMillis();
        ticker.scheduleWithFixedDelay(() -> topology.reloadIfChanged().ifPresent(this::apply), reload, reload,
                TimeUnit.MILLISECONDS);
        apply(topology.current());
    }

    /**
     * (Re)schedules every target of the topology and every dependency of a target; runs on the ticker thread or before it
     * starts ticking.
     */
    private synchronized void apply(Topology next) {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
        List<TargetProbe.Subject> subjects = next.groups().stream()
                .flatMap(g -> g.targets().stream().flatMap(t -> TargetProbe.Subject.allOf(g, t))).toList();
        subjects.forEach(this::schedule);
        observe(next);
        latest.retain(
                subjects.stream().map(s -> new LatestResults.Key(s.group().id(), s.target().id(), s.dependencyId()))
                        .collect(Collectors.toSet()));
        metrics.retain(subjects.stream().map(ProbeScheduler::metricsKey).collect(Collectors.toSet()));
        long dependencies = subjects.stream().filter(s -> s.dependency() != null).count();
        LOG.infof("probing %d targets and %d dependencies from location %s", subjects.size() - dependencies,
                dependencies,
                config.location());
    }

    private static ProbeMetrics.TargetKey metricsKey(TargetProbe.Subject subject) {
        return new ProbeMetrics.TargetKey(subject.group().id(), subject.target().id(), subject.dependencyId());
    }

    private void schedule(TargetProbe.Subject subject) {
        ProbeMetrics.TargetKey key = metricsKey(subject);
        long intervalNanos = TimeUnit.SECONDS.toNanos(subject.probe().intervalSeconds());
        long initialDelay = ThreadLocalRandom.current().nextLong(intervalNanos);
        long firstFire = System.nanoTime() + initialDelay;
        AtomicBoolean inFlight = new AtomicBoolean();
        long[] ticks = { 0 };
        scheduled.add(ticker.scheduleAtFixedRate(() -> {
            long tick = firstFire + ticks[0]++ * intervalNanos;
            metrics.late(System.nanoTime() - tick);
            if (!inFlight.compareAndSet(false, true)) {
                // no result: the probe still running will publish one (a real DOWN of a hung target stays evidence)
                metrics.skipped(key);
                return;
            }
            probe.run(subject, tick).whenComplete((probed, error) -> {
                inFlight.set(false);
                if (error != null) {
                    LOG.errorf(error, "probe of %s failed unexpectedly", subject);
                    return;
                }
                if (probed.startDelay() != null) {
                    metrics.started(probed.startDelay());
                }
                ProbeResult result = probed.result().withProber(config.instanceId());
                latest.record(result);
                metrics.probed(result);
                publisher.publish(result);
            });
        }, initialDelay, intervalNanos, TimeUnit.NANOSECONDS));
    }

    /**
     * Asks this location's observers for every observable group's record every {@code observe-interval} (ADR 0026);
     * nothing when the topology names none for this location.
     */
    private void observe(Topology next) {
        observers.retain(next);
        int resolvers = next.observersOf(config.location()).size();
        if (resolvers == 0) {
            return;
        }
        long every = config.observeInterval().toMillis();
        scheduled.add(ticker.scheduleAtFixedRate(() -> observers.round(next, publisher::publish), every, every,
                TimeUnit.MILLISECONDS));
        LOG.infof("observing %d groups' records through %d resolvers of location %s", next.groups().stream()
                .filter(ResolverWatch::observable).count(), resolvers, config.location());
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
            io.shutdownNow();
            loops.close();
        }
    }
}
