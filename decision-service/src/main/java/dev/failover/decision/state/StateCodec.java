package dev.failover.decision.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** JSON of the state topic. Private to the decision-service, so not part of the shared contract. */
public final class StateCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // a newer instance may write enum values this one does not know (a new rejection): the record stays readable
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private StateCodec() {
    }

    public static String encode(StateRecord record) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode state of " + record.snapshot().group(), e);
        }
    }

    /** @throws IllegalArgumentException when the record cannot be read or has another schema version */
    public static StateRecord decode(String json) {
        try {
            StateRecord record = MAPPER.readValue(json, StateRecord.class);
            if (record.schemaVersion() != StateRecord.SCHEMA_VERSION || record.snapshot() == null) {
                throw new IllegalArgumentException("state record of schema version " + record.schemaVersion()
                        + " without snapshot, or not version " + StateRecord.SCHEMA_VERSION);
            }
            return record;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable state record: " + e.getOriginalMessage(), e);
        }
    }
}
