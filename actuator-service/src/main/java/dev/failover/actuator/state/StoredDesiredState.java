package dev.failover.actuator.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.failover.actuator.domain.DesiredState;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;

/**
 * A desired state as kept in {@code failover.actuator-desired}: the decision as published, and the step reached.
 *
 * @param schemaVersion version of this record
 * @param decision      the decision that set the desired state
 * @param step          the traffic step a stepped failback reached (0 otherwise)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredDesiredState(Integer schemaVersion, Decision decision, Integer step) {

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
        return EventCodec.instance().encode(new StoredDesiredState(SCHEMA_VERSION, state.decision(), state.step()));
    }

    static DesiredState decode(String json) {
        StoredDesiredState stored = EventCodec.instance().decode(json, StoredDesiredState.class);
        return new DesiredState(stored.decision(), stored.step());
    }
}
