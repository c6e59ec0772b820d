package dev.failover.contract.event;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A provider lane's state changed (ADR 0036, "What the status shows"): one of a group's DNS providers served the
 * decision, is still converging, refused, is throttled or drifted. Published to {@link Topics#ACTUATIONS}, keyed by
 * group, signed like every actuation result (ADR 0009, 0029) and marked with the header {@link Topics#RECORD_HEADER}
 * {@value Topics#PROVIDER_LANE_RECORD}, which a decision-service of an earlier release passes over (ADR 0025, 0026). A group of one lane
 * publishes none: its {@link ActuationResult}s say everything. The group's VERIFY, COMPLETE and RECONCILE stay
 * {@link ActuationResult}s, and whether the group is served is read from them alone.
 *
 * @param schemaVersion contract version
 * @param group         failover-group id, the Kafka key
 * @param decision      the id of the decision the lane works on
 * @param epoch         that decision's epoch
 * @param lane          the lane's provider id in the topology's {@code dnsProviders}
 * @param kind          the provider's kind: route53, rfc2136 or route53-arc
 * @param state         where the lane stands
 * @param detail        the attempt and last error while converging, the provider's answer when refused; may be absent
 * @param since         since when the lane is in {@code state}, by the actuator's clock
 * @param at            when this result was taken, by the actuator's clock
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProviderLaneResult(
        @JsonDeserialize(using = SchemaVersionDeserializer.class) Integer schemaVersion,
        String group,
        String decision,
        Long epoch,
        String lane,
        String kind,
        LaneState state,
        String detail,
        Instant since,
        Instant at) {

    public ProviderLaneResult {
        Required.schemaVersion(schemaVersion);
        Required.present(group, "group");
        Required.present(decision, "decision");
        Required.notNegative(epoch, "epoch");
        Required.present(lane, "lane");
        Required.present(kind, "kind");
        Required.present(state, "state");
        Required.present(since, "since");
        Required.present(at, "at");
    }
}
