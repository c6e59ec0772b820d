package dev.failover.contract.event;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * An operator asks the actuator that drives a group to try its desired state again (after the cause of a BLOCKED group
 * was fixed: credentials, configuration, capacity, the ownership record). The decision-service's API publishes it to
 * {@link Topics#DECISIONS}, keyed by group and signed like a decision, with the header {@link Topics#RECORD_HEADER}
 * {@value #RECORD}: it lands on the partition of the group's decisions, so the one actuator that owns that partition
 * takes it up, in order with the group's decisions, wherever the operator and that actuator are (ADR 0025).
 *
 * @param schemaVersion contract version
 * @param retryId       unique id, named in the actuator's result and log
 * @param group         failover-group id, the Kafka key
 * @param reason        why, for the audit trail; required
 * @param principal     the authenticated caller
 * @param issuedAt      when the API accepted it; one older than {@link #MAX_AGE} is not acted on
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActuatorRetry(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String retryId,
        String group,
        String reason,
        String principal,
        Instant issuedAt) {

    /** The value of {@link Topics#RECORD_HEADER} on a retry. */
    public static final String RECORD = "actuator-retry";

    /**
     * A retry read later than this after it was issued is not acted on: one read again after a rebalance or a restart
     * (its offset not committed yet) must not unblock a group that blocked again since, for a cause nobody looked at.
     * Far longer than a retry takes to arrive, and than the clocks of two regions differ.
     */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);

    public ActuatorRetry {
        Required.schemaVersion(schemaVersion);
        Required.present(retryId, "retryId");
        Required.present(group, "group");
        Required.present(reason, "reason");
        Required.present(principal, "principal");
        Required.present(issuedAt, "issuedAt");
    }

    /** Whether it is too old to act on at {@code now}. */
    public boolean expiredAt(Instant now) {
        return issuedAt.plus(MAX_AGE).isBefore(now);
    }
}
