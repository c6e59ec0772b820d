package dev.failover.actuator.scaling;

import dev.failover.contract.topology.ScalingRef;

/**
 * One capacity backend: ECS, EC2 Auto Scaling or Kubernetes, one class each, chosen by the target's scaling kind
 * ({@link Scalers}); {@code R} is the scaling ref of that kind, so a scaler is only ever given a target it can scale. A
 * scaler makes a few requests per call (what holds the size, as a Kubernetes HPA's minimum, then the size) and never
 * waits: the reconciler polls {@link #observe} until the target
 * is ready (ADR 0006), so a slow scale-up holds no thread and no other group.
 */
public interface Scaler<R extends ScalingRef> {

    /** The kind of targets it serves; their scaling refs are the {@code R}s. */
    ScalingRef.Kind kind();

    /** The target's wanted size and how much of it is ready (ECS runningCount, InService instances, readyReplicas). */
    CapacityOutcome observe(R ref);

    /** Asks for the target's active size (Auto Scaling: all on demand). Idempotent. */
    ScaleOutcome scaleUp(R ref);

    /** Returns the target to its pilot-light size (Auto Scaling: and its spot mix). Idempotent. */
    ScaleOutcome scaleDown(R ref);

    sealed interface CapacityOutcome {
        /** @param desired the size asked for; @param ready how much of it can take traffic */
        record Observed(int desired, int ready) implements CapacityOutcome {
        }

        /** The API could not be reached or asked to slow down: tried again. */
        record Unavailable(String reason) implements CapacityOutcome {
        }

        /** Refused for good: access denied, no such service. */
        record Rejected(String reason) implements CapacityOutcome {
        }
    }

    sealed interface ScaleOutcome {
        record Requested(String details) implements ScaleOutcome {
        }

        record Unavailable(String reason) implements ScaleOutcome {
        }

        record Rejected(String reason) implements ScaleOutcome {
        }
    }
}
