package dev.failover.contract.event;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A change of a group's active target, published to {@link Topics#DECISIONS} keyed by {@link #group()}.
 *
 * @param schemaVersion contract version
 * @param decisionId    unique id of this decision
 * @param group         failover-group id, the Kafka key
 * @param epoch         per-group, strictly increasing; the actuator skips a decision whose epoch is not above the last it applied
 * @param kind          why the switch happens
 * @param fromTarget    the active target before; null when the group had none yet
 * @param toTarget      the active target after
 * @param reason        human-readable reason
 * @param evidence      the per-target, per-location verdicts that triggered it
 * @param issuedAt      when the decision was made
 * @param mode          live, or shadow (the actuator changes nothing)
 * @param principal     who asked for it: the operator for manual actions, "automation" otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String decisionId,
        String group,
        Long epoch,
        DecisionKind kind,
        String fromTarget,
        String toTarget,
        String reason,
        List<TargetEvidence> evidence,
        Instant issuedAt,
        DecisionMode mode,
        String principal) {

    public static final String AUTOMATION = "automation";

    public Decision {
        Required.schemaVersion(schemaVersion);
        Required.present(decisionId, "decisionId");
        Required.present(group, "group");
        Required.present(epoch, "epoch");
        if (epoch < 1) {
            throw new IllegalArgumentException("field 'epoch' must be at least 1, was " + epoch);
        }
        Required.present(kind, "kind");
        Required.present(toTarget, "toTarget");
        Required.present(reason, "reason");
        Required.present(issuedAt, "issuedAt");
        Required.present(mode, "mode");
        Required.present(principal, "principal");
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }
}
