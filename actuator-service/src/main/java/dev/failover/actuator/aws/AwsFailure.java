package dev.failover.actuator.scaling;

import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.model.ScalingActivityInProgressException;

/**
 * A failed ECS or Auto Scaling call, classified once for both: passing (the reconciler tries again with backoff) or a
 * refusal (the group is BLOCKED with the provider's message until an operator or a new decision retries it).
 *
 * @param passing whether trying again later can succeed
 * @param reason  what was being done and what AWS (or the SDK) said
 */
record AwsFailure(boolean passing, String reason) {

    /**
     * Passing: throttling, any 5xx, a skewed clock (the SDK corrects its offset from the answer, so the next call is
     * signed right), Auto Scaling's ScalingActivityInProgress ("try again when it ends"), and every client-side failure
     * (no answer, refused connection, timeout: {@link software.amazon.awssdk.core.exception.SdkClientException}). The
     * rest of the answers — AccessDenied, validation errors, a missing cluster, service or group — are refusals.
     */
    static AwsFailure of(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            boolean passing = service.isThrottlingException() || service.statusCode() >= 500 || service.isClockSkewException()
                    || service instanceof ScalingActivityInProgressException;
            String said = service.awsErrorDetails() == null ? service.getMessage()
                    : service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                            + service.awsErrorDetails().errorMessage();
            return new AwsFailure(passing, what + ": " + said);
        }
        return new AwsFailure(true, what + ": " + e.getMessage());
    }

    ScaleOutcome asScaleOutcome() {
        return passing ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.Rejected(reason);
    }

    CapacityOutcome asCapacityOutcome() {
        return passing ? new CapacityOutcome.Unavailable(reason) : new CapacityOutcome.Rejected(reason);
    }
}
