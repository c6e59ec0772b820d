package dev.failover.actuator.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.ScalingRef;
import io.micrometer.core.instrument.MeterRegistry;

/** The actuator's metrics; one method per event. */
@ApplicationScoped
public class ActuatorMetrics {

    /** Actuation steps by group, step, status and provider. */
    public static final String STEPS = "failover.actuator.steps";
    /** Duration of each step, by step and provider. */
    public static final String STEP_DURATION = "failover.actuator.step.duration";
    /** Retries of calls to a backend, by provider: the DNS provider's name or the scaling kind's label (ecs, asg, kubernetes). */
    public static final String RETRIES = "failover.actuator.retries";
    /** The last epoch applied per group. */
    public static final String LAST_APPLIED_EPOCH = "failover.actuator.last.applied.epoch";
    /** Seconds from a decision's issue to its completed (switched and verified) plan, by group. */
    public static final String DECISION_TO_SWITCH = "failover.actuator.decision.to.switch";

    private final MeterRegistry registry;

    public ActuatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A DNS call is retried; {@code provider} is the DNS provider's name. */
    public void retried(String provider) {
        registry.counter(RETRIES, "provider", provider).increment();
    }

    /** A scaler's call is retried; the label is the kind's, the same as in actuation results. */
    public void retried(ScalingRef.Kind kind) {
        retried(kind.label());
    }

    /** Registers the gauge of a group's last applied epoch, read from {@code epochs} at scrape time. */
    public void trackEpoch(String group, java.util.function.ToLongFunction<String> epochs) {
        io.micrometer.core.instrument.Gauge.builder(LAST_APPLIED_EPOCH, () -> epochs.applyAsLong(group)).tag("group", group)
                .register(registry);
    }

    public void stepFinished(ActuationResult result) {
        String provider = result.provider() == null ? "none" : result.provider();
        registry.counter(STEPS, "group", result.group(), "step", result.step().name(), "status", result.status().name(),
                "provider", provider).increment();
        registry.timer(STEP_DURATION, "step", result.step().name(), "provider", provider)
                .record(Duration.between(result.startedAt(), result.finishedAt()));
        if (result.step() == ActuationStep.COMPLETE && result.status() == ActuationStatus.SUCCEEDED
                && result.sinceDecisionMillis() != null) {
            registry.timer(DECISION_TO_SWITCH, "group", result.group()).record(Duration.ofMillis(result.sinceDecisionMillis()));
        }
    }
}
