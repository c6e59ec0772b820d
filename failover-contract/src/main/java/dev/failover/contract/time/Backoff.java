package dev.failover.contract.time;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The one retry policy of the services: capped exponential backoff with jitter. The actuator's reconciler waits so
 * between attempts for as long as a group is not converged (ADR 0006); the decision-service between attempts to restore
 * an assigned partition's state (ADR 0002). There is no attempt limit: a passing failure is retried, never given up.
 *
 * <p>
 * A backend that asks to slow down (Route 53's Throttling: the account's request budget is spent) is waited for with the
 * same doubling up to a longer cap, {@code throttledMax}, and with jitter of up to half the delay: the groups throttled
 * together do not all come back together.
 *
 * @param initial      first delay
 * @param max          cap of the delay
 * @param jitter       up to this much is added at random, so that many groups do not retry in step
 * @param throttledMax cap of the delay after a backend asked to slow down
 */
public record Backoff(Duration initial, Duration max, Duration jitter, DoubleSupplier random, Duration throttledMax) {

    /** Throttling waited for as any other failure. */
    public Backoff(Duration initial, Duration max, Duration jitter, DoubleSupplier random) {
        this(initial, max, jitter, random, max);
    }

    /** The delay before attempt {@code attempt + 1}, after {@code attempt} failed attempts (1 or more). */
    public Duration after(int attempt) {
        return Duration.ofMillis(doubled(attempt, max) + (long) (jitter.toMillis() * random.getAsDouble()));
    }

    /**
     * The delay before attempt {@code attempt + 1} when the backend asked to slow down: doubled up to
     * {@link #throttledMax}, of which up to half is taken off at random, plus the jitter.
     */
    public Duration afterThrottled(int attempt) {
        long millis = doubled(attempt, throttledMax);
        long spread = (long) (millis / 2.0 * random.getAsDouble());
        return Duration.ofMillis(millis - spread + (long) (jitter.toMillis() * random.getAsDouble()));
    }

    private long doubled(int attempt, Duration cap) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long millis = Math.min(cap.toMillis(), initial.toMillis() << doublings);
        return millis < 0 ? cap.toMillis() : millis;
    }
}
