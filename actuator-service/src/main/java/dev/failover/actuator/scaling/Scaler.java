package dev.failover.actuator.scaling;

import dev.failover.contract.topology.ScalingRef;

/**
 * One capacity backend: ECS, EC2 Auto Scaling or Kubernetes, one class each, chosen by the target's scaling kind.
 *
 * @param <R> the scaling refs of that kind, so that a scaler is only ever given a target it can scale
 */
public interface Scaler<R extends ScalingRef> {

    /** The kind of targets it serves; their scaling refs are the {@code R}s. */
    ScalingRef.Kind kind();

    /** Scales the target up to its active size and waits until it is ready, at most its ready timeout. */
    ScaleOutcome scaleUp(R ref);

    /** Returns the target to its pilot-light size (and, for Auto Scaling, its spot mix). Does not wait. */
    ScaleOutcome scaleDown(R ref);

    sealed interface ScaleOutcome {
        record Ready(String details) implements ScaleOutcome {
        }

        /** Not ready in time, or refused (access denied, no such service): not worth retrying. */
        record NotReady(String reason) implements ScaleOutcome {
        }

        /** The API could not be reached or asked to slow down (timeout, throttling, 5xx): worth retrying. */
        record Unavailable(String reason) implements ScaleOutcome {
        }
    }
}
