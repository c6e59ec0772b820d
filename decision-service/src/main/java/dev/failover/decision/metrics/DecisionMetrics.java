package dev.failover.decision.metrics;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.Decision;
import dev.failover.decision.domain.Outcome;
import io.micrometer.core.instrument.MeterRegistry;

/** The decision-service's metrics; one method per event. */
@ApplicationScoped
public class DecisionMetrics {

    /** Probe results used, by group. */
    public static final String RESULTS_USED = "failover.decision.results.used";
    /** Probe results ignored, by reason (unknown group/target/location, stale, from the future). */
    public static final String RESULTS_IGNORED = "failover.decision.results.ignored";
    /** Evaluations in which a rule held the active target, by group and reason (quorum lost, no healthy target, dwell). */
    public static final String HOLDS = "failover.decision.holds";
    /** Decisions published, by group, kind and mode. */
    public static final String DECISIONS = "failover.decision.decisions";

    private final MeterRegistry registry;

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void ignored(Outcome.Ignored ignored) {
        registry.counter(RESULTS_IGNORED, "reason", ignored.reason().name()).increment();
    }

    public void used(String group) {
        registry.counter(RESULTS_USED, "group", group).increment();
    }

    public void held(Outcome.Held held) {
        registry.counter(HOLDS, "group", held.group(), "reason", held.reason().name()).increment();
    }

    public void decided(Decision decision) {
        registry.counter(DECISIONS, "group", decision.group(), "kind", decision.kind().name(), "mode", decision.mode().name())
                .increment();
    }
}
