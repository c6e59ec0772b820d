package dev.failover.actuator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.topology.ScalingRef;

/**
 * What every capacity backend promises the reconcile steps ({@link Scaler}; the recipe in this package's package-info):
 * a scale-up is observed as the target's active size, a scale-down as its pilot-light size, each idempotent; an API
 * that asks to slow down or fails for now gives {@code Unavailable}, to be tried again; access denied or a target that
 * does not exist gives {@code Rejected}, for good; and no method throws, whatever the API answers (every condition calls
 * the scaler and asserts its outcome, so an exception fails it). The reconciler tells "try again" from "stop" by these
 * outcomes alone, so each backend's test extends this class with the real SDK or client against its fixture.
 *
 * @param <R> the backend's scaling ref
 */
abstract class ScalerContract<R extends ScalingRef> {

    /** How the backend's API answers in {@link #answering}. */
    enum Fault {
        /** It asks the caller to slow down (AWS Throttling, Kubernetes 429). */
        THROTTLED,
        /** It fails for now (a 5xx). */
        SERVER_ERROR,
        /** The caller may not do it (AWS AccessDenied, Kubernetes 403). */
        DENIED,
        /** The target does not exist. */
        MISSING
    }

    /**
     * The scaler under test against its fixture, where {@link #target()} exists at its pilot-light size; the same
     * fixture state for every call within one test.
     */
    abstract Scaler<R> scaler();

    /** The target the conditions scale: a pilot-light size, and an active size above it. */
    abstract R target();

    /** A scaler for {@link #target()} whose API answers every request with {@code fault}. */
    abstract Scaler<R> answering(Fault fault);

    @Test
    void aScaleUpIsObservedAsTheActiveSize() {
        assertThat(scaler().scaleUp(target())).isInstanceOf(ScaleOutcome.Requested.class);

        assertThat(desired()).as("the size asked for").isEqualTo(target().activeSize());
    }

    @Test
    void aSecondScaleUpIsRequestedAndChangesNothing() {
        scaler().scaleUp(target());
        int once = desired();

        assertThat(scaler().scaleUp(target())).as("idempotent: no error the second time")
                .isInstanceOf(ScaleOutcome.Requested.class);

        assertThat(desired()).as("the same size as after the first").isEqualTo(once)
                .isEqualTo(target().activeSize());
    }

    @Test
    void aScaleDownReturnsToThePilotLightSizeAndIsIdempotent() {
        scaler().scaleUp(target());

        assertThat(scaler().scaleDown(target())).isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(desired()).as("the pilot-light size").isEqualTo(target().pilotLightSize());

        assertThat(scaler().scaleDown(target())).as("idempotent: no error the second time")
                .isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(desired()).as("still the pilot-light size").isEqualTo(target().pilotLightSize());
    }

    @Test
    void aThrottlingApiIsUnavailable() {
        assertPassing(answering(Fault.THROTTLED));
    }

    @Test
    void anApiFailingForNowIsUnavailable() {
        assertPassing(answering(Fault.SERVER_ERROR));
    }

    @Test
    void accessDeniedIsRejected() {
        assertRefused(answering(Fault.DENIED));
    }

    @Test
    void aTargetThatDoesNotExistIsRejected() {
        assertRefused(answering(Fault.MISSING));
    }

    private int desired() {
        CapacityOutcome seen = scaler().observe(target());
        assertThat(seen).as("observing %s", target()).isInstanceOf(CapacityOutcome.Observed.class);
        return ((CapacityOutcome.Observed) seen).desired();
    }

    /** Tried again by the reconciler: Unavailable, neither Rejected nor an exception. */
    private void assertPassing(Scaler<R> scaler) {
        assertThat(scaler.observe(target())).as("observe").isInstanceOf(CapacityOutcome.Unavailable.class);
        assertThat(scaler.scaleUp(target())).as("scaleUp").isInstanceOf(ScaleOutcome.Unavailable.class);
        assertThat(scaler.scaleDown(target())).as("scaleDown").isInstanceOf(ScaleOutcome.Unavailable.class);
    }

    /** Refused for good: Rejected, neither Unavailable (retried forever) nor an exception. */
    private void assertRefused(Scaler<R> scaler) {
        assertThat(scaler.observe(target())).as("observe").isInstanceOf(CapacityOutcome.Rejected.class);
        assertThat(scaler.scaleUp(target())).as("scaleUp").isInstanceOf(ScaleOutcome.Rejected.class);
        assertThat(scaler.scaleDown(target())).as("scaleDown").isInstanceOf(ScaleOutcome.Rejected.class);
    }
}
