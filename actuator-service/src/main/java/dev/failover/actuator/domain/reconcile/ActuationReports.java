package dev.failover.actuator.domain.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.plan.Said;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;

/**
 * The actuation results of one group, as published on {@code failover.actuations}. Remembers what each step said last,
 * so that a long wait is not a flood of events; that memory is touched by passes only.
 */
final class ActuationReports {

    private final String group;
    private final Consumer<ActuationResult> sink;
    private final Clock clock;
    private final Map<String, String> lastPublished = new HashMap<>();
    /** What was said once for the whole desired state, whatever was said between (touched by passes only). */
    private final java.util.Set<String> saidForDesiredState = new java.util.HashSet<>();

    ActuationReports(String group, Consumer<ActuationResult> sink, Clock clock) {
        this.group = group;
        this.sink = sink;
        this.clock = clock;
    }

    /** A pass's result about {@code decision}; null: the initial state (epoch 0, no decision). */
    synchronized void report(Decision decision, ActuationStep step, ActuationStatus status, String provider,
            String details,
            Instant startedAt) {
        if (decision == null) {
            sink.accept(
                    new ActuationResult(EventCodec.SCHEMA_VERSION, group, DesiredState.INITIAL_DECISION_ID, 0L, step,
                            status, provider, details, startedAt, clock.instant(), null, null));
        } else {
            send(decision, step, status, provider, details, startedAt);
        }
        if (step != ActuationStep.RECONCILE) {
            lastPublished.remove(ActuationStep.RECONCILE.name());
        }
    }

    /** Publishes a pass's result unless the same step said the same thing last. */
    synchronized void publishOnce(Decision decision, ActuationStep step, ActuationStatus status, String provider,
            String details,
            Instant startedAt) {
        publishOnce(decision, step, status, provider, details.replaceFirst("^attempt \\d+: ", ""), details, startedAt);
    }

    /**
     * Publishes a pass's result unless the same step last said the same {@code condition}: a wait whose figures change
     * on every pass (a replica's lag) is said once while the condition lasts, with the figures of its first pass.
     */
    synchronized void publishOnce(Decision decision, ActuationStep step, ActuationStatus status, String provider,
            String condition,
            String details, Instant startedAt) {
        String said = status + " " + condition;
        if (said.equals(lastPublished.put(step.name(), said))) {
            return;
        }
        report(decision, step, status, provider, details, startedAt);
    }

    /**
     * Publishes a pass's result once for the whole desired state: a condition that holds for the rest of the move (an
     * old primary left unfenced because it does not answer) is not said again on every pass in which another result of
     * the same step comes between (a held failover said both on every pass, a flood).
     */
    synchronized void publishOncePerDesiredState(Decision decision, ActuationStep step, ActuationStatus status,
            String provider,
            String details, Instant startedAt) {
        if (saidForDesiredState.add(step + " " + status + " " + details)) {
            report(decision, step, status, provider, details, startedAt);
        }
    }

    /** Says what a step asked to be said about {@code decision}'s desired state, as often as it asked, by {@code provider}. */
    synchronized void say(Decision decision, Said.Report r, String provider) {
        switch (r.often()) {
            case ALWAYS -> report(decision, r.step(), r.status(), provider, r.details(), r.startedAt());
            case ONCE_PER_CONDITION -> publishOnce(decision, r.step(), r.status(), provider, r.condition(), r.details(),
                    r.startedAt());
            case ONCE_PER_DESIRED_STATE -> publishOncePerDesiredState(decision, r.step(), r.status(), provider,
                    r.details(), r.startedAt());
        }
    }

    /** A new desired state: everything is said anew. */
    synchronized void forget() {
        lastPublished.clear();
        saidForDesiredState.clear();
    }

    /** A result about {@code decision}, from any thread; leaves the memory of what was said as it is. */
    void send(Decision decision, ActuationStep step, ActuationStatus status, String provider, String details,
            Instant startedAt) {
        Instant now = clock.instant();
        sink.accept(new ActuationResult(EventCodec.SCHEMA_VERSION, group, decision.decisionId(), decision.epoch(), step,
                status,
                provider, details, startedAt, now, Duration.between(decision.issuedAt(), now).toMillis(),
                decision.kind()));
    }
}
