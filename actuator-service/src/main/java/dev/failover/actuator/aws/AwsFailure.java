package dev.failover.actuator.aws;

import java.util.function.Function;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.model.ScalingActivityInProgressException;

/**
 * A failed AWS call (ECS, Auto Scaling, RDS, CloudWatch), classified once for all: passing (the reconciler tries again with backoff) or a
 * refusal (the group is BLOCKED with the provider's message until an operator or a new decision retries it).
 *
 * @param passing whether trying again later can succeed
 * @param reason  what was being done and what AWS (or the SDK) said
 */
public record AwsFailure(boolean passing, String reason) {

    /**
     * Passing: throttling, any 5xx, a skewed clock (the SDK corrects its offset from the answer, so the next call is
     * signed right), Auto Scaling's ScalingActivityInProgress ("try again when it ends"), and every client-side failure
     * (no answer, refused connection, timeout: {@link software.amazon.awssdk.core.exception.SdkClientException}). The
     * rest of the answers — AccessDenied, validation errors, a missing cluster, service or group — are refusals.
     */
    public static AwsFailure of(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            boolean passing = service.isThrottlingException() || service.statusCode() >= 500
                    || service.isClockSkewException()
                    || service instanceof ScalingActivityInProgressException;
            String said = service.awsErrorDetails() == null ? service.getMessage()
                    : service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                            + service.awsErrorDetails().errorMessage();
            return new AwsFailure(passing, what + ": " + said);
        }
        return new AwsFailure(true, what + ": " + e.getMessage());
    }

    /** The backend's own outcome: {@code passing} (tried again) or {@code refused} (BLOCKED), with the reason. */
    public <T> T as(Function<String, T> passing, Function<String, T> refused) {
        return this.passing ? passing.apply(reason) : refused.apply(reason);
    }
}
