package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import dev.failover.contract.topology.Topology;

/** Engines for tests: the decision-service's default limits with a clock skew tolerance of 5 s. */
public final class Engines {

    /** The tolerance the tests' probe results are made within. */
    public static final Duration CLOCK_SKEW_TOLERANCE = Duration.ofSeconds(5);

    private Engines() {
    }

    public static DecisionEngine minimal(Topology topology, Clock clock, Supplier<String> decisionIds) {
        return new DecisionEngine(topology, clock, decisionIds,
                EngineLimits.withClockSkewTolerance(CLOCK_SKEW_TOLERANCE));
    }
}
