package dev.failover.actuator.retry;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.smallrye.faulttolerance.api.Guard;

/**
 * The one retry policy of the actuator's calls to its backends (DNS and scaling): exponential backoff with jitter, by
 * SmallRye Fault Tolerance. Validated by the config resolver.
 *
 * @param maxRetries   retries after the first attempt
 * @param initialDelay first delay; doubled each retry up to {@code maxDelay}
 * @param maxDelay     longest delay between two attempts
 * @param jitter       random extra delay, so that many actuators do not retry in step
 */
public record RetrySettings(int maxRetries, Duration initialDelay, Duration maxDelay, Duration jitter) {

    /**
     * A guard that retries calls failing with {@code retryOn}.
     *
     * @param description names the guarded backend
     * @param maxDuration all attempts together stop after this
     * @param onRetry     called before each retry (a metric)
     */
    public Guard guard(String description, Duration maxDuration, Class<? extends Throwable> retryOn, Runnable onRetry) {
        return Guard.create()
                .withDescription(description)
                .withRetry()
                .maxRetries(maxRetries)
                .delay(initialDelay.toMillis(), ChronoUnit.MILLIS)
                .jitter(jitter.toMillis(), ChronoUnit.MILLIS)
                .maxDuration(maxDuration.toMillis(), ChronoUnit.MILLIS)
                .retryOn(retryOn)
                .withExponentialBackoff().factor(2).maxDelay(maxDelay.toMillis(), ChronoUnit.MILLIS).done()
                .onRetry(onRetry)
                .done()
                .build();
    }
}
