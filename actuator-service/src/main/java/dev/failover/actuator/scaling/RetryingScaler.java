package dev.failover.actuator.scaling;

import java.time.Duration;
import java.util.function.Function;

import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.retry.RetrySettings;
import dev.failover.contract.topology.ScalingRef;
import io.smallrye.faulttolerance.api.Guard;

/**
 * Retries a scaler's calls that failed for a passing reason ({@link ScaleOutcome.Unavailable}) with exponential backoff
 * and jitter, the same SmallRye Fault Tolerance policy as DNS changes. Scaling to a size is idempotent, so a retry is
 * harmless. Not-ready-in-time and refusals are returned at once.
 */
public final class RetryingScaler<R extends ScalingRef> implements Scaler<R> {

    private final Scaler<R> delegate;
    private final Guard guard;

    public RetryingScaler(Scaler<R> delegate, RetrySettings retry, ActuatorMetrics metrics) {
        this.delegate = delegate;
        this.guard = retry.guard("scaler-" + delegate.kind().label(), Duration.ofHours(1), Transient.class,
                () -> metrics.retried(delegate.kind()));
    }

    @Override
    public ScalingRef.Kind kind() {
        return delegate.kind();
    }

    @Override
    public ScaleOutcome scaleUp(R ref) {
        return guarded(delegate::scaleUp, ref);
    }

    @Override
    public ScaleOutcome scaleDown(R ref) {
        return guarded(delegate::scaleDown, ref);
    }

    private ScaleOutcome guarded(Function<R, ScaleOutcome> call, R ref) {
        try {
            return guard.call(() -> {
                ScaleOutcome outcome = call.apply(ref);
                if (outcome instanceof ScaleOutcome.Unavailable unavailable) {
                    throw new Transient(unavailable);
                }
                return outcome;
            }, ScaleOutcome.class);
        } catch (Transient last) {
            return last.outcome;
        } catch (Exception e) {
            return new ScaleOutcome.Unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Carries an Unavailable outcome through the guard, which retries on it. */
    static final class Transient extends Exception {
        final transient ScaleOutcome.Unavailable outcome;

        Transient(ScaleOutcome.Unavailable outcome) {
            super(outcome.reason(), null, false, false);
            this.outcome = outcome;
        }
    }
}
