package dev.failover.decision.store;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * JSON of the state and explanation topics. Private to the decision-service, so not part of the shared contract.
 */
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
        return write(record, "state of " + record.snapshot().group());
    }

    public static String encode(ExplanationRecord record) {
        return write(record, "explanations of " + record.group());
    }

    private static String write(Object record, String what) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + what, e);
        }
    }

    static int utf8Length(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    /** @throws IllegalArgumentException when the record cannot be read or has another schema version */
    public static ExplanationRecord decodeExplanations(String json) {
        ExplanationRecord record = read(json, ExplanationRecord.class, "explanation record");
        if (record.schemaVersion() != ExplanationRecord.SCHEMA_VERSION || record.group() == null) {
            throw new IllegalArgumentException("explanation record of schema version " + record.schemaVersion()
                    + " without group, or not version " + ExplanationRecord.SCHEMA_VERSION);
        }
        return record;
    }

    /** @throws IllegalArgumentException when the record cannot be read or has another schema version */
    public static StateRecord decode(String json) {
        StateRecord record = read(json, StateRecord.class, "state record");
        if (record.schemaVersion() != StateRecord.SCHEMA_VERSION || record.snapshot() == null) {
            throw new IllegalArgumentException("state record of schema version " + record.schemaVersion()
                    + " without snapshot, or not version " + StateRecord.SCHEMA_VERSION);
        }
        return record;
    }

    /**
     * Only the snapshot of a state record, for a take-over's restore: the view beside it (most of the record's bytes) is
     * skipped unread instead of built. A new owner decodes every state record its partitions still hold, a region's
     * groups' all at once (RegionLossIT at 200 more groups: 1,694 records, 13 MB; docs/benchmarks.md, "Region loss at a
     * 2 s interval").
     *
     * @throws IllegalArgumentException as {@link #decode(String)}
     */
    public static GroupSnapshot decodeSnapshot(String json) {
        SnapshotOnly record = read(json, SnapshotOnly.class, "state record");
        if (record.schemaVersion() != StateRecord.SCHEMA_VERSION || record.snapshot() == null) {
            throw new IllegalArgumentException("state record of schema version " + record.schemaVersion()
                    + " without snapshot, or not version " + StateRecord.SCHEMA_VERSION);
        }
        return record.snapshot();
    }

    /**
     * A state record as the restore reads it: its other fields are skipped ({@link #decodeSnapshot(String)}). Public for
     * the native image's reflection list (startup.NativeReflection) only.
     */
    public record SnapshotOnly(int schemaVersion, GroupSnapshot snapshot) {
    }

    private static <T> T read(String json, Class<T> type, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable " + what + ": " + e.getOriginalMessage(), e);
        }
    }
}
