package dev.failover.decision.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.failover.contract.topology.Topology;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.state.GroupView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Each probe location's clock as this instance estimates it, and the tolerance it is held to, for the alert
 * FailoverProbeClockSkewed. One series per location of the topology.
 */
@ApplicationScoped
public class LocationClockGauges {

    /**
     * Lower bound of how far a location's clock is ahead of this instance's, in seconds (GroupView.LocationClock); negative:
     * behind or delayed by at most that much. NaN without a result from it in the last 30 to 60 s.
     */
    public static final String CLOCK_OFFSET = "failover.decision.location.clock.offset";
    /** {@code failover.clock-skew-tolerance}, so the alert compares with what this instance enforces. */
    public static final String CLOCK_SKEW_TOLERANCE = "failover.decision.clock.skew.tolerance";

    private final DecisionEngine engine;
    private final Topology topology;
    private final DecisionServiceConfig config;
    private final MeterRegistry registry;

    @Inject
    LocationClockGauges(DecisionEngine engine, Topology topology, DecisionServiceConfig config,
            MeterRegistry registry) {
        this.engine = engine;
        this.topology = topology;
        this.config = config;
        this.registry = registry;
    }

    void register(@Observes StartupEvent event) {
        double tolerance = config.clockSkewTolerance().toMillis() / 1000.0;
        Gauge.builder(CLOCK_SKEW_TOLERANCE, () -> tolerance).baseUnit("seconds").register(registry);
        for (String location : topology.locations()) {
            Gauge.builder(CLOCK_OFFSET, this,
                    g -> g.engine.locationClock(location).map(GroupView.LocationClock::offsetMillis)
                            .map(millis -> millis / 1000.0).orElse(Double.NaN))
                    .tag("location", location).baseUnit("seconds")
                    .register(registry);
        }
    }
}
