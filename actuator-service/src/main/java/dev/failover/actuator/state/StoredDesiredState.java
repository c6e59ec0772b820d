package dev.failover.actuator.state;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;

/**
 * A desired state as kept in {@code failover.actuator-desired}: the decision as published, the step reached, and the
 * DNS change written for it that was not yet seen served everywhere. Optional fields are absent from records of older
 * releases, and left out when empty: such records decode as before, and older releases ignore them.
 *
 * @param schemaVersion version of this record
 * @param decision      the decision that set the desired state
 * @param step          the traffic step a stepped failback reached (0 otherwise)
 * @param pendingChange the provider's id of the change last written for that step (a Route 53 change id), which a new
 *                      owner asks about before it calls the group converged; absent when none
 * @param promotion     the promotion a planned move made, and where its way back stands (ADR 0020); absent when none
 * @param mark          the ownership mark of the last write of a provider without an owner record (ARC, ADR 0014);
 *                      absent otherwise
 * @param promoted      the plane's last promotion in the group, carried from decision to decision (ADR 0020, "Lineage
 *                      of a backend without timelines"); absent before any, and in records of older releases
 * @param lanes         per lane of a group that names several DNS providers, its pending change and mark (ADR 0036,
 *                      "Per-lane state in the signed desired state"); absent for a group of one lane, whose change and
 *                      mark are {@code pendingChange} and {@code mark} as older releases wrote them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredDesiredState(Integer schemaVersion, Decision decision, Integer step,
        @JsonInclude(JsonInclude.Include.NON_NULL) String pendingChange,
        @JsonInclude(JsonInclude.Include.NON_NULL) DesiredState.Promotion promotion,
        @JsonInclude(JsonInclude.Include.NON_NULL) String mark,
        @JsonInclude(JsonInclude.Include.NON_NULL) DesiredState.Promoted promoted,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Lane> lanes) {

    public static final int SCHEMA_VERSION = 1;

    public StoredDesiredState {
        if (schemaVersion == null || schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException(
                    "field 'schemaVersion' must be " + SCHEMA_VERSION + ", was " + schemaVersion);
        }
        if (decision == null) {
            throw new IllegalArgumentException("field 'decision' is required");
        }
        step = step == null ? 0 : step;
        lanes = lanes == null ? Map.of() : lanes;
        if (lanes.containsKey(ProviderLane.ONLY)) {
            throw new IllegalArgumentException(
                    "field 'lanes' must not name the unnamed lane: its change is 'pendingChange'");
        }
    }

    static String encode(DesiredState state) {
        Map<String, Lane> named = new TreeMap<>();
        state.lanes().forEach((lane, r) -> named.put(lane, new Lane(r.pendingChange(), r.mark())));
        named.remove(ProviderLane.ONLY);
        return EventCodec.instance().encode(new StoredDesiredState(SCHEMA_VERSION, state.decision(), state.step(),
                state.changeToCheck(ProviderLane.ONLY).orElse(null), state.promotion(),
                state.storedMark(ProviderLane.ONLY).orElse(null), state.promoted(), named));
    }

    static DesiredState decode(String json) {
        StoredDesiredState stored = EventCodec.instance().decode(json, StoredDesiredState.class);
        Map<String, DesiredState.LaneRecord> lanes = new TreeMap<>();
        stored.lanes().forEach((lane, r) -> lanes.put(lane, new DesiredState.LaneRecord(r.pendingChange(), r.mark())));
        lanes.put(ProviderLane.ONLY, new DesiredState.LaneRecord(stored.pendingChange(), stored.mark()));
        return new DesiredState(stored.decision(), stored.step(), lanes, stored.promotion(), stored.promoted());
    }

    /** A lane's change and mark as kept, each left out when there is none. */
    public record Lane(@JsonInclude(JsonInclude.Include.NON_NULL) String pendingChange,
            @JsonInclude(JsonInclude.Include.NON_NULL) String mark) {
    }
}
