package dev.failover.contract.event;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.failover.contract.json.JsonPaths;

/**
 * JSON encoding of the events, shared by every producer and consumer so that no service reads the contract differently.
 * <p>
 * Forward compatible: unknown fields are ignored. Strict where it matters: a missing required field, a value of the
 * wrong type or an unsupported {@code schemaVersion} is rejected with a message that names the field.
 * <p>
 * Reading is one pass straight into the event; only an event that cannot be read that way is read again, as a tree
 * checked step by step, for the message. Both ways accept exactly the same events: the constructors check what is
 * required, and {@link SchemaVersionDeserializer} takes the version only as a JSON integer, as the tree check does.
 */
public final class EventCodec {

    /** The version of the contract this code writes and reads. A reader rejects other versions. */
    public static final int SCHEMA_VERSION = 1;

    private static final EventCodec INSTANCE = new EventCodec();

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // Added after JavaTimeModule, so it takes precedence for Instant; it hands every other form back to it.
            .addModule(new SimpleModule("iso-instant").addDeserializer(Instant.class, new IsoInstantDeserializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    public static EventCodec instance() {
        return INSTANCE;
    }

    public String encode(Object event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + event.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public <T> T decode(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new EventDecodingException("empty message, expected a " + type.getSimpleName() + " JSON object");
        }
        ObjectReader reader = readers.get(type);
        if (reader == null) {
            reader = readers.computeIfAbsent(type, mapper::readerFor);
        }
        try {
            return reader.readValue(json);
        } catch (IOException | RuntimeException e) {
            return decodeExplaining(json, type);
        }
    }

    /** The tree reading: slower, and it tells exactly what is wrong with an event the one-pass reading refused. */
    private <T> T decodeExplaining(String json, Class<T> type) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new EventDecodingException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!tree.isObject()) {
            throw new EventDecodingException(
                    "expected a " + type.getSimpleName() + " JSON object, got " + tree.getNodeType());
        }
        JsonNode version = tree.get("schemaVersion");
        if (version == null || version.isNull()) {
            throw new EventDecodingException("missing required field 'schemaVersion'");
        }
        if (!version.isInt() || version.intValue() != SCHEMA_VERSION) {
            throw new EventDecodingException("schemaVersion " + version + " is not supported, this reader understands "
                    + SCHEMA_VERSION);
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EventDecodingException(prefix(e, true) + cause.getMessage(), e);
        } catch (InvalidFormatException e) {
            throw new EventDecodingException(
                    prefix(e, false) + "invalid value " + e.getValue() + " for " + e.getTargetType().getSimpleName(),
                    e);
        } catch (JsonMappingException e) {
            throw new EventDecodingException(prefix(e, false) + e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new EventDecodingException(e.getOriginalMessage(), e);
        }
    }

    /**
     * "field.path: " for a mapping error. For a failed constructor Jackson's path ends at the object being built, whose
     * own message already names the field, so only the enclosing path is shown.
     */
    private static String prefix(JsonMappingException e, boolean pathIsObject) {
        String path = JsonPaths.of(e);
        if (path.isEmpty()) {
            return "";
        }
        return pathIsObject ? "in " + path + ": " : path + ": ";
    }
}
