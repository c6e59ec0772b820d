package dev.failover.actuator.scaling;

import java.time.Duration;
import java.util.function.Supplier;

import dev.failover.actuator.scaling.Scaler.ScaleOutcome;

/** Polls "how many are ready" until enough are, or the target's ready timeout passes. */
final class ReadinessGate {

    private ReadinessGate() {
    }

    /** A failed AWS call as an outcome: throttling, 5xx and client-side failures pass; the rest is a refusal. */
    static ScaleOutcome failed(String what, software.amazon.awssdk.core.exception.SdkException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service) {
            boolean passing = service.isThrottlingException() || service.statusCode() >= 500;
            String reason = what + ": " + (service.awsErrorDetails() == null ? service.getMessage()
                    : service.awsErrorDetails().errorCode() + ": " + service.awsErrorDetails().errorMessage());
            return passing ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.NotReady(reason);
        }
        return new ScaleOutcome.Unavailable(what + ": " + e.getMessage());
    }

    /** @param ready returns the count of ready units, or throws with a reason */
    static ScaleOutcome await(String what, int wanted, Duration timeout, Duration poll, Supplier<Integer> ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        String lastError = null;
        while (true) {
            try {
                last = ready.get();
                lastError = null;
                if (last >= wanted) {
                    return new ScaleOutcome.Ready(what + ": " + last + " of " + wanted + " ready");
                }
            } catch (RuntimeException e) {
                lastError = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                return new ScaleOutcome.NotReady(what + ": " + Math.max(last, 0) + " of " + wanted + " ready after " + timeout
                        + (lastError == null ? "" : " (last error: " + lastError + ")"));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ScaleOutcome.NotReady(what + ": interrupted");
            }
        }
    }
}
