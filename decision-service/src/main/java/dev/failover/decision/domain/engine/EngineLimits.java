package dev.failover.decision.domain.engine;

import java.time.Duration;

import dev.failover.decision.domain.model.DecidedVsServed;

/**
 * The engine's time bounds, configured together so that {@link DecisionEngine} has one constructor.
 *
 * @param clockSkewTolerance how far after this instance's now a result may start before it is rejected as from the future
 * @param commandMaxAge      commands issued longer ago are rejected as EXPIRED; must be positive
 * @param notServedAfter     how long the latest decision may go BLOCKED or unreported before the view says NOT_SERVED;
 *                           must be positive
 */
public record EngineLimits(Duration clockSkewTolerance, Duration commandMaxAge, Duration notServedAfter) {

    /** The default of failover.command-max-age. */
    public static final Duration DEFAULT_COMMAND_MAX_AGE = Duration.ofMinutes(5);

    public EngineLimits {
        if (clockSkewTolerance == null || clockSkewTolerance.isNegative()) {
            throw new IllegalArgumentException(
                    "clock skew tolerance must be zero or positive, was " + clockSkewTolerance);
        }
        if (commandMaxAge == null || commandMaxAge.isNegative() || commandMaxAge.isZero()) {
            throw new IllegalArgumentException("command max age must be positive, was " + commandMaxAge);
        }
        if (notServedAfter == null || notServedAfter.isNegative() || notServedAfter.isZero()) {
            throw new IllegalArgumentException("not-served-after must be positive, was " + notServedAfter);
        }
    }

    /**
     * The given clock skew tolerance with the default command max age and {@link DecidedVsServed#BOUND}: for the tools
     * that replay a policy or an explanation and configure nothing else.
     */
    public static EngineLimits withClockSkewTolerance(Duration clockSkewTolerance) {
        return new EngineLimits(clockSkewTolerance, DEFAULT_COMMAND_MAX_AGE, DecidedVsServed.BOUND);
    }
}
