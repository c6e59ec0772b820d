package dev.failover.actuator.domain.steps;

import dev.failover.actuator.domain.plan.Backends;
import dev.failover.actuator.domain.plan.Gate;

/**
 * The group's steps before it have let the pass through: capacity is ready, the Region switch plan ran and the target's
 * database takes writes (or needs none of these). The way is open for the lanes to write the goal's epoch and step
 * (ADR 0036, "Where the lanes live"); no lane writes under a gate opened for another.
 */
record OpenGate() implements ReconcileStep {

    @Override
    public Next apply(Pass pass, Backends use) {
        return pass.gated(Gate.Open.of(pass.goal())).go();
    }
}
