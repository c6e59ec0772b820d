package dev.failover.contract.time;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The one retry policy of the services: capped exponential backoff with jitter. The actuator's reconciler waits so
 * between attempts for as long as a group is not converged (ADR 0006); the decision-service between attempts to restore
 * an assigned partition's state (ADR 0002). There is no attempt limit: a passing failure is retried, never given up.
 *
 * @param initial first delay
 * @param max     cap of the delay
 * @param jitter  up to this much is added at random, so that many groups do not retry in step
 */
public record Backoff(Duration initial, Duration max, Duration jitter, DoubleSupplier random) {

    /** The delay before attempt {@code attempt + 1}, after {@code attempt} failed attempts (1 or more). */
    public Duration after(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long millis = Math.min(max.toMillis(), initial.toMillis() << doublings);
        if (millis < 0) {
            millis = max.toMillis();
        }
        return Duration.ofMillis(millis + (long) (jitter.toMillis() * random.getAsDouble()));
    }
}
