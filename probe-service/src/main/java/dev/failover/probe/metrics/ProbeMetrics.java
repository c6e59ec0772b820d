package dev.failover.probe.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The probe-service's metrics; one method per event. */
@ApplicationScoped
public class ProbeMetrics {

    /** Probe results by group, target, location, outcome and failure reason. */
    public static final String RESULTS = "failover.probe.results";
    /** 1 if the last probe of a target from this location was UP, else 0. */
    public static final String UP = "failover.probe.up";
    /** Probe duration (histogram) by group, target and location. */
    public static final String DURATION = "failover.probe.duration";
    /** Days until the TLS certificate a target serves expires. */
    public static final String TLS_DAYS = "failover.probe.tls.days.to.expiry";
    /** Ticks skipped because the previous probe of the target was still running. */
    public static final String SKIPPED = "failover.probe.skipped";
    /**
     * How late the ticker thread ran a probe's tick against its schedule (histogram). It times only the ticker: see
     * {@link #START_DELAY} for when the probe really began.
     */
    public static final String LATENESS = "failover.probe.schedule.lateness";
    /** Results dropped because the buffer towards Kafka was full (oldest first). */
    public static final String PUBLISH_DROPPED = "failover.probe.publish.dropped";
    /** Results waiting for Kafka. */
    public static final String BUFFERED = "failover.probe.publish.buffered";
    /** 1 while this location's self-check passes, 0 while it is impaired. */
    public static final String SELF_CHECK_OK = "failover.probe.self.check.ok";
    /**
     * The real start delay of a probe: from its scheduled tick to the start of its connect attempt, on the event loop that
     * makes it (a histogram with a few buckets, no per-target tags). Probes that never connected are not in it.
     */
    public static final String START_DELAY = "failover.probe.start.delay";
    /** Probes completed by outcome (UP, DOWN, UNKNOWN), refused ones included: the completion rate. */
    public static final String COMPLETED = "failover.probe.completed";
    /**
     * Results this location published as UNKNOWN because of its own impairment, by reason (LocationImpairment): it could
     * not probe on time (ADR 0008). The location is the instance; no per-target tags.
     */
    public static final String IMPAIRED = "failover.probe.impaired";
    /** The worst hold-up of this instance's event loops over the last second (seconds). */
    public static final String LOOP_LAG = "failover.probe.event.loop.lag";
    /** Topology reloads by result (applied, refused). */
    public static final String TOPOLOGY_RELOADS = "failover.probe.topology.reloads";

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> up = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tlsDays = new ConcurrentHashMap<>();
    private final Timer lateness;
    private final Timer startDelay;

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lateness = Timer.builder(LATENESS).publishPercentileHistogram().serviceLevelObjectives(Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ofMillis(100)).register(registry);
        this.startDelay = Timer.builder(START_DELAY).serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)).register(registry);
        // present from the start, so that a rate sees the first one
        for (LocationImpairment reason : LocationImpairment.values()) {
            registry.counter(IMPAIRED, "reason", reason.name());
        }
        for (ProbeOutcome outcome : ProbeOutcome.values()) {
            registry.counter(COMPLETED, "outcome", outcome.name());
        }
    }

    public void probed(ProbeResult result) {
        registry.counter(COMPLETED, "outcome", result.outcome().name()).increment();
        if (result.outcome() == ProbeOutcome.UNKNOWN) {
            // says nothing about the target: its series keep their last value; counted for the location only
            registry.counter(IMPAIRED, "reason", result.impairment().name()).increment();
            return;
        }
        registry.counter(RESULTS, "group", result.group(), "target", result.target(), "location", result.location(),
                "outcome", result.outcome().name(), "reason",
                result.failureReason() == null ? "none" : result.failureReason().name()).increment();
        Timer.builder(DURATION).tags("group", result.group(), "target", result.target(), "location", result.location())
                .publishPercentileHistogram().register(registry).record(result.durationMillis(), TimeUnit.MILLISECONDS);
        String key = result.group() + "/" + result.target() + "/" + result.location();
        up.computeIfAbsent(key, k -> registry.gauge(UP, io.micrometer.core.instrument.Tags.of("group", result.group(), "target",
                result.target(), "location", result.location()), new AtomicInteger()))
                .set(result.outcome() == ProbeOutcome.UP ? 1 : 0);
        if (result.tlsDaysToExpiry() != null) {
            tlsDays.computeIfAbsent(key, k -> registry.gauge(TLS_DAYS, io.micrometer.core.instrument.Tags.of("group",
                    result.group(), "target", result.target(), "location", result.location()), new AtomicInteger()))
                    .set(result.tlsDaysToExpiry());
        }
    }

    public void skipped(String group, String target) {
        registry.counter(SKIPPED, "group", group, "target", target).increment();
    }

    public void late(long nanos) {
        lateness.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void started(Duration delay) {
        startDelay.record(delay);
    }

    public void trackLoopLag(Supplier<Duration> worstOfLastSecond) {
        io.micrometer.core.instrument.TimeGauge.builder(LOOP_LAG, () -> worstOfLastSecond.get().toNanos(), TimeUnit.NANOSECONDS)
                .register(registry);
    }

    public void publishDropped(String group) {
        registry.counter(PUBLISH_DROPPED, "group", group).increment();
    }

    public void trackBuffer(IntSupplier size) {
        Gauge.builder(BUFFERED, size::getAsInt).register(registry);
    }

    public void trackSelfCheck(BooleanSupplier impaired) {
        Gauge.builder(SELF_CHECK_OK, () -> impaired.getAsBoolean() ? 0 : 1).register(registry);
    }

    public void topologyReloaded(boolean applied) {
        registry.counter(TOPOLOGY_RELOADS, "result", applied ? "applied" : "refused").increment();
    }
}
