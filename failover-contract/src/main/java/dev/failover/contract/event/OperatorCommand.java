package dev.failover.contract.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * An operator's request about one group, published to {@link Topics#COMMANDS} keyed by group so that the instance
 * that owns the group applies it, in order with the group's probe results.
 *
 * @param schemaVersion   contract version
 * @param commandId       unique id; the result is reported under it
 * @param group           failover-group id, the Kafka key
 * @param type            what is asked
 * @param target          the target for PIN, FORCE, SWITCHOVER and START_DRILL (optional for START_DRILL)
 * @param until           PIN, SWITCHOVER: when the pin expires; null for no expiry
 * @param durationSeconds START_DRILL: how long; null for the group's default
 * @param reason          why, for the audit trail; required
 * @param principal       the authenticated caller
 * @param issuedAt        when the API accepted it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorCommand(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String commandId,
        String group,
        CommandType type,
        String target,
        Instant until,
        Long durationSeconds,
        String reason,
        String principal,
        Instant issuedAt) {

    public OperatorCommand {
        Required.schemaVersion(schemaVersion);
        Required.present(commandId, "commandId");
        Required.present(group, "group");
        Required.present(type, "type");
        Required.present(reason, "reason");
        Required.present(principal, "principal");
        Required.present(issuedAt, "issuedAt");
        if (type == CommandType.PIN || type == CommandType.FORCE || type == CommandType.SWITCHOVER) {
            Required.present(target, "target");
        }
    }
}
