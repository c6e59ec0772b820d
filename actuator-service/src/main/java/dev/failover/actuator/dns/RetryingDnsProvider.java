package dev.failover.actuator.dns;

import java.time.Duration;

import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.retry.RetrySettings;
import io.smallrye.faulttolerance.api.Guard;

/**
 * Retries a provider's changes that failed for a passing reason ({@link ApplyOutcome.Unavailable}), with exponential
 * backoff and jitter (SmallRye Fault Tolerance). A {@link ApplyOutcome.Rejected} change is returned at once: the
 * provider's own message says why, and trying again would not change it.
 */
public final class RetryingDnsProvider implements DnsProvider {

    private final DnsProvider delegate;
    private final Guard guard;

    public RetryingDnsProvider(DnsProvider delegate, RetrySettings retry, ActuatorMetrics metrics) {
        this.delegate = delegate;
        this.guard = retry.guard("dns-" + delegate.name(), Duration.ofMinutes(10), Transient.class,
                () -> metrics.retried(delegate.name()));
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ApplyOutcome apply(DnsChange change) {
        try {
            return guard.call(() -> {
                ApplyOutcome outcome = delegate.apply(change);
                if (outcome instanceof ApplyOutcome.Unavailable unavailable) {
                    throw new Transient(unavailable);
                }
                return outcome;
            }, ApplyOutcome.class);
        } catch (Transient last) {
            return last.outcome;
        } catch (Exception e) {
            return new ApplyOutcome.Unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout) {
        return delegate.verify(change, applied, timeout);
    }

    /** Carries an Unavailable outcome through the guard, which retries on it. */
    static final class Transient extends Exception {
        final transient ApplyOutcome.Unavailable outcome;

        Transient(ApplyOutcome.Unavailable outcome) {
            super(outcome.reason(), null, false, false);
            this.outcome = outcome;
        }
    }
}
