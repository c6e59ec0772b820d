package dev.failover.probe.metrics;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.ProbeResult;
import io.micrometer.core.instrument.MeterRegistry;

/** The probe-service's metrics; one method per event. */
@ApplicationScoped
public class ProbeMetrics {

    /** Probe results by group, target, location, outcome and failure reason. */
    public static final String RESULTS = "failover.probe.results";
    /** Probe duration by group, target and location. */
    public static final String DURATION = "failover.probe.duration";
    /** Ticks skipped because the previous probe of the target was still running. */
    public static final String SKIPPED = "failover.probe.skipped";
    /** Results that could not be handed to the Kafka producer and were dropped. */
    public static final String PUBLISH_DROPPED = "failover.probe.publish.dropped";

    private final MeterRegistry registry;

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void probed(ProbeResult result) {
        registry.counter(RESULTS, "group", result.group(), "target", result.target(), "location", result.location(),
                "outcome", result.outcome().name(), "reason",
                result.failureReason() == null ? "none" : result.failureReason().name()).increment();
        registry.timer(DURATION, "group", result.group(), "target", result.target(), "location", result.location())
                .record(result.durationMillis(), TimeUnit.MILLISECONDS);
    }

    public void skipped(String group, String target) {
        registry.counter(SKIPPED, "group", group, "target", target).increment();
    }

    public void publishDropped(String group) {
        registry.counter(PUBLISH_DROPPED, "group", group).increment();
    }
}
