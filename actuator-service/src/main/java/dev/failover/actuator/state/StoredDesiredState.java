package dev.failover.actuator.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.actuator.domain.model.DesiredState;
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredDesiredState(Integer schemaVersion, Decision decision, Integer step,
        @JsonInclude(JsonInclude.Include.NON_NULL) String pendingChange,
        @JsonInclude(JsonInclude.Include.NON_NULL) DesiredState.Promotion promotion,
        @JsonInclude(JsonInclude.Include.NON_NULL) String mark,
        @JsonInclude(JsonInclude.Include.NON_NULL) DesiredState.Promoted promoted) {

    public static final int SCHEMA_VERSION = 1;

    public StoredDesiredState {
        if (schemaVersion == null || schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("field 'schemaVersion' must be " + SCHEMA_VERSION + ", was " + schemaVersion);
        }
        if (decision == null) {
            throw new IllegalArgumentException("field 'decision' is required");
        }
        step = step == null ? 0 : step;
    }

    static String encode(DesiredState state) {
        return EventCodec.instance().encode(new StoredDesiredState(SCHEMA_VERSION, state.decision(), state.step(),
                state.pendingChange(), state.promotion(), state.mark(), state.promoted()));
    }

    static DesiredState decode(String json) {
        StoredDesiredState stored = EventCodec.instance().decode(json, StoredDesiredState.class);
        return new DesiredState(stored.decision(), stored.step(), stored.pendingChange(), stored.promotion(), stored.mark(),
                stored.promoted());
    }
}
