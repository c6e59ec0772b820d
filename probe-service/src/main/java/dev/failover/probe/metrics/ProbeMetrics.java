package dev.failover.probe.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.kafka.metrics.PlaneInfo;
import dev.failover.probe.config.ProbeSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The probe-service's metrics; one method per event. Per target there are only a few series by default — the up gauge,
 * the results counter by outcome and failure reason (one series per combination that happened) and, for https targets,
 * the certificate's days to expiry — so a scrape stays small at thousands of targets. The probe duration and the skipped
 * ticks are counted for the whole location unless {@link ProbeSettings#perTargetMetrics()} asks for them per target (the
 * duration histogram is about 70 series per target).
 * Meters of a target are made once and kept, so recording a result allocates nothing, and dropped with the target when
 * the topology no longer has it.
 * <p>
 * A target's dependencies have the same series under their own names ({@code failover.probe.dependency.*}) with a
 * {@code dependency} tag, so they are never counted as the target's: Prometheus wants one set of tag keys per name, and
 * a meter registered under a taken name with other keys is silently not exported. The location-wide series (duration
 * without detail, skipped, completed, impaired) count the probes of dependencies too: they are the location's probes.
 */
@ApplicationScoped
public class ProbeMetrics {

    /** Probe results by group, target, location, outcome and failure reason. */
    public static final String RESULTS = "failover.probe.results";
    /** 1 if the last probe of a target from this location was UP, else 0. */
    public static final String UP = "failover.probe.up";
    /** Probe duration (histogram) by location; by group, target and location with per-target detail. */
    public static final String DURATION = "failover.probe.duration";
    /** Days until the TLS certificate a target serves expires. */
    public static final String TLS_DAYS = "failover.probe.tls.days.to.expiry";
    /** Ticks skipped because the previous probe of a target was still running; by location, or by target with detail. */
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
    /** {@link #RESULTS} of a target's dependency, by group, target, dependency, location, outcome and failure reason. */
    public static final String DEPENDENCY_RESULTS = "failover.probe.dependency.results";
    /** {@link #UP} of a target's dependency. */
    public static final String DEPENDENCY_UP = "failover.probe.dependency.up";
    /** {@link #TLS_DAYS} of a target's dependency. */
    public static final String DEPENDENCY_TLS_DAYS = "failover.probe.dependency.tls.days.to.expiry";
    /** {@link #DURATION} of a target's dependency, with per-target detail only. */
    public static final String DEPENDENCY_DURATION = "failover.probe.dependency.duration";
    /** {@link #SKIPPED} of a target's dependency, with per-target detail only. */
    public static final String DEPENDENCY_SKIPPED = "failover.probe.dependency.skipped";

    private static final int REASONS = FailureReason.values().length + 1; // + none

    private final MeterRegistry registry;
    private final String location;
    private final boolean perTarget;
    /** The location's duration histogram; null with per-target detail (one name cannot have two label sets). */
    private final Timer duration;
    private final Timer lateness;
    private final Timer startDelay;
    private final Map<ProbeOutcome, Counter> completed = new EnumMap<>(ProbeOutcome.class);
    private final Map<LocationImpairment, Counter> impaired = new EnumMap<>(LocationImpairment.class);
    /** Skipped ticks of the location; null with per-target detail. */
    private final Counter skipped;
    private final Map<TargetKey, TargetMeters> targets = new ConcurrentHashMap<>();

    /** The version and topology this instance runs (failover_build_info, failover_topology_info). */
    private final PlaneInfo plane;

    @Inject
    public ProbeMetrics(MeterRegistry registry, ProbeSettings settings,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        this.registry = registry;
        this.plane = new PlaneInfo(registry, "probe-service", version);
        this.location = settings.location();
        this.perTarget = settings.perTargetMetrics();
        this.duration = perTarget ? null : durationTimer(DURATION, Tags.of("location", location));
        this.skipped = perTarget ? null : registry.counter(SKIPPED, "location", location);
        this.lateness = Timer.builder(LATENESS).publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(100))
                .register(registry);
        this.startDelay = Timer.builder(START_DELAY)
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1))
                .register(registry);
        // present from the start, so that a rate sees the first one
        for (LocationImpairment reason : LocationImpairment.values()) {
            impaired.put(reason, registry.counter(IMPAIRED, "reason", reason.name()));
        }
        for (ProbeOutcome outcome : ProbeOutcome.values()) {
            completed.put(outcome, registry.counter(COMPLETED, "outcome", outcome.name()));
        }
    }

    public void probed(ProbeResult result) {
        completed.get(result.outcome()).increment();
        if (result.outcome() == ProbeOutcome.UNKNOWN) {
            // says nothing about the target: its series keep their last value; counted for the location only
            impaired.get(result.impairment()).increment();
            return;
        }
        TargetMeters meters = targets.computeIfAbsent(TargetKey.of(result), TargetMeters::new);
        meters.results(result.outcome(), result.failureReason()).increment();
        meters.up.set(result.outcome() == ProbeOutcome.UP ? 1 : 0);
        (perTarget ? meters.duration() : duration).record(result.durationMillis(), TimeUnit.MILLISECONDS);
        if (result.tlsDaysToExpiry() != null) {
            meters.tlsDays().set(result.tlsDaysToExpiry());
        }
    }

    /**
     * Drops the meters of every target and dependency not in {@code keep}, so removed ones stop being exported.
     */
    public void retain(Set<TargetKey> keep) {
        targets.entrySet().removeIf(entry -> {
            if (keep.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().meters.forEach(registry::remove);
            return true;
        });
    }

    /** Counted for the whole location (an overload of the location, not a fault of the target) unless per-target detail. */
    public void skipped(TargetKey key) {
        (perTarget ? registry.counter(SeriesNames.of(key).skipped(), key.tags()) : skipped).increment();
    }

    public void late(long nanos) {
        lateness.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void started(Duration delay) {
        startDelay.record(delay);
    }

    public void trackLoopLag(Supplier<Duration> worstOfLastSecond) {
        io.micrometer.core.instrument.TimeGauge
                .builder(LOOP_LAG, () -> worstOfLastSecond.get().toNanos(), TimeUnit.NANOSECONDS)
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

    /** The topology this instance now probes by: its digest replaces the one reported. */
    public void topologyRuns(Topology topology) {
        plane.runs(topology);
    }

    public void topologyReloaded(boolean applied) {
        registry.counter(TOPOLOGY_RELOADS, "result", applied ? "applied" : "refused").increment();
    }

    private Timer durationTimer(String name, Tags tags) {
        return Timer.builder(name).tags(tags).publishPercentileHistogram().register(registry);
    }

    /**
     * A target of a group, or one of its dependencies, as the topology names them.
     *
     * @param dependency null for the target itself
     */
    public record TargetKey(String group, String target, String dependency) {

        /** The target itself. */
        public TargetKey(String group, String target) {
            this(group, target, null);
        }

        public static TargetKey of(ProbeResult result) {
            return new TargetKey(result.group(), result.target(), result.dependency());
        }

        private Tags tags() {
            Tags tags = Tags.of("group", group, "target", target);
            return dependency == null ? tags : tags.and("dependency", dependency);
        }
    }

    /** The names of the per-target series: a dependency's are its own, so that a target's keep their tag keys. */
    private record SeriesNames(String results, String up, String tlsDays, String duration, String skipped) {
        static final SeriesNames TARGET = new SeriesNames(RESULTS, UP, TLS_DAYS, DURATION, SKIPPED);
        static final SeriesNames DEPENDENCY = new SeriesNames(DEPENDENCY_RESULTS, DEPENDENCY_UP, DEPENDENCY_TLS_DAYS,
                DEPENDENCY_DURATION, DEPENDENCY_SKIPPED);

        static SeriesNames of(TargetKey key) {
            return key.dependency() == null ? TARGET : DEPENDENCY;
        }
    }

    /** One target's or dependency's meters, made on first use. */
    private final class TargetMeters {
        private final SeriesNames names;
        private final Tags tags;
        private final AtomicInteger up = new AtomicInteger();
        private final AtomicReferenceArray<Counter> results = new AtomicReferenceArray<>(
                ProbeOutcome.values().length * REASONS);
        private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
        private final AtomicInteger tlsDays = new AtomicInteger();
        private volatile boolean tlsExported;
        private volatile Timer duration;

        TargetMeters(TargetKey key) {
            this.names = SeriesNames.of(key);
            this.tags = key.tags().and("location", location);
            meters.add(Gauge.builder(names.up(), up, AtomicInteger::get).tags(tags).register(registry));
        }

        Counter results(ProbeOutcome outcome, FailureReason reason) {
            int slot = outcome.ordinal() * REASONS + (reason == null ? 0 : reason.ordinal() + 1);
            Counter counter = results.get(slot);
            if (counter == null) {
                counter = Counter.builder(names.results()).tags(tags).tag("outcome", outcome.name())
                        .tag("reason", reason == null ? "none" : reason.name()).register(registry);
                meters.add(counter);
                results.set(slot, counter); // a race registers the same counter twice: the registry returns the one it has
            }
            return counter;
        }

        /** Exported from the first result that has a certificate: http targets have no such series. */
        AtomicInteger tlsDays() {
            if (!tlsExported) {
                meters.add(Gauge.builder(names.tlsDays(), tlsDays, AtomicInteger::get).tags(tags).register(registry));
                tlsExported = true;
            }
            return tlsDays;
        }

        Timer duration() {
            Timer timer = duration;
            if (timer == null) {
                timer = durationTimer(names.duration(), tags);
                meters.add(timer);
                duration = timer;
            }
            return timer;
        }
    }
}
