package dev.failover.actuator.domain.plan;

import java.util.function.Function;

/**
 * What a reconcile step asks its reconciler to do once it returns (ADR 0021): what is {@link Said} (results to publish,
 * the group's status to show) and what is {@link Stored} (the desired state to change and store). The reconciler
 * applies a step's effects in the order the step made them, before the next step runs; a step's own calls to the world
 * (a DNS write, a promotion) it makes itself, as their outcome decides what it does next.
 */
public sealed interface Effect permits Said, Stored {

    /**
     * Applies the function for this kind of effect: both kinds handled, checked by the compiler (Java 17, the release
     * the modules are built for, has a switch over a sealed type's kinds only as a preview).
     */
    <R> R match(Function<Said, R> said, Function<Stored, R> stored);
}
