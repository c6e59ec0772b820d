package dev.failover.contract.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The outcome of one step of the actuator's plan for a decision, published to {@link Topics#ACTUATIONS} keyed by group.
 *
 * @param schemaVersion contract version
 * @param group         failover-group id, the Kafka key
 * @param decisionId    the decision acted on
 * @param epoch         the decision's epoch
 * @param step          which step
 * @param status        how it ended
 * @param provider      the backend that did it: "route53", "rfc2136", "dry-run", "ecs", ...
 * @param details       what was done or why it failed, for people
 * @param startedAt     when the step started
 * @param finishedAt    when it ended
 * @param sinceDecisionMillis milliseconds from the decision's issuedAt to the end of this step
 * @param decisionKind  the kind of the decision acted on; absent in results written before it was added
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ActuationResult(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String group,
        String decisionId,
        Long epoch,
        ActuationStep step,
        ActuationStatus status,
        String provider,
        String details,
        Instant startedAt,
        Instant finishedAt,
        Long sinceDecisionMillis,
        DecisionKind decisionKind) {

    public ActuationResult {
        Required.schemaVersion(schemaVersion);
        Required.present(group, "group");
        Required.present(decisionId, "decisionId");
        Required.present(epoch, "epoch");
        Required.present(step, "step");
        Required.present(status, "status");
        Required.present(startedAt, "startedAt");
        Required.present(finishedAt, "finishedAt");
    }
}
