package dev.failover.actuator.domain.model;

import java.util.List;

import dev.failover.actuator.dns.DnsProvider.Routing;

/** Traffic plans for tests: the default TTL floor, which a configured actuator takes from its settings. */
public final class TrafficPlans {

    private TrafficPlans() {
    }

    public static TrafficPlan of(Routing routing, long activeWeight, List<Integer> failbackSteps) {
        return new TrafficPlan(routing, activeWeight, failbackSteps, TrafficPlan.DEFAULT_TTL_FLOOR_SECONDS);
    }
}
