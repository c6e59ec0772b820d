package dev.failover.contract.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.failover.contract.json.JsonPaths;

/**
 * Reads and validates a topology file. Unknown keys are errors here (unlike in events): a misspelt threshold that
 * silently falls back to its default is exactly the mistake an operator finds out about during an outage.
 */
public final class TopologyLoader {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private TopologyLoader() {
    }

    /** @throws InvalidTopologyException naming every bad key, or the unreadable file */
    public static Topology load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidTopologyException(file.toString(),
                    List.of(new TopologyError("(file)",
                            "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage())));
        }
        return parse(text, file.toString());
    }

    /** @throws InvalidTopologyException naming every bad key */
    public static Topology parse(String yaml, String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new InvalidTopologyException(source,
                    List.of(new TopologyError("(file)", "not valid YAML" + where + ": "
                            + firstLine(e.getOriginalMessage()))));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new InvalidTopologyException(source, List.of(new TopologyError("(file)", "is empty")));
        }
        if (!tree.isObject()) {
            throw new InvalidTopologyException(source,
                    List.of(new TopologyError("(root)", "must be a mapping with version, locations and groups")));
        }
        Topology topology;
        try {
            topology = YAML.treeToValue(tree, Topology.class);
        } catch (JacksonException e) {
            throw new InvalidTopologyException(source, List.of(bindingError(e)));
        }
        List<TopologyError> errors = TopologyValidator.validate(topology);
        if (!errors.isEmpty()) {
            throw new InvalidTopologyException(source, errors);
        }
        return topology;
    }

    private static TopologyError bindingError(JacksonException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return new TopologyError("(file)", firstLine(e.getOriginalMessage()));
        }
        String path = path(mapping);
        if (mapping instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : " (known keys: "
                    + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                            .collect(Collectors.joining(", "))
                    + ")";
            return new TopologyError(path, "unknown key" + known);
        }
        if (mapping instanceof InvalidTypeIdException typeId && typeId.getBaseType() != null) {
            return typeIdError(path, typeId);
        }
        if (mapping instanceof InvalidFormatException format && format.getTargetType() != null) {
            Class<?> type = format.getTargetType();
            if (type.isEnum()) {
                String allowed = Arrays.stream(type.getEnumConstants()).map(c -> enumName((Enum<?>) c))
                        .collect(Collectors.joining(", "));
                return new TopologyError(path, "'" + format.getValue() + "' is not one of: " + allowed);
            }
            return new TopologyError(path, "'" + format.getValue() + "' is not a valid " + type.getSimpleName());
        }
        return new TopologyError(path, firstLine(mapping.getOriginalMessage()));
    }

    /**
     * The key that picks a variant (like {@code scaling.kind}) is missing or names none: reported on that key, with the
     * names the variants are listed under.
     */
    private static TopologyError typeIdError(String path, InvalidTypeIdException e) {
        Class<?> base = e.getBaseType().getRawClass();
        JsonTypeInfo info = base.getAnnotation(JsonTypeInfo.class);
        JsonSubTypes variants = base.getAnnotation(JsonSubTypes.class);
        String property = info == null ? "type" : info.property();
        String key = path.endsWith("." + property) ? path : path + "." + property;
        List<String> names = variants == null ? List.of()
                : Arrays.stream(variants.value()).map(JsonSubTypes.Type::name).toList();
        if (e.getTypeId() == null || e.getTypeId().isBlank()) {
            String choices = names.size() < 2 ? String.join("", names)
                    : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
            return new TopologyError(key, "is required (" + choices + ")");
        }
        return new TopologyError(key, "'" + e.getTypeId() + "' is not one of: " + String.join(", ", names));
    }

    private static String firstLine(String message) {
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }

    private static String enumName(Enum<?> constant) {
        try {
            var annotation = constant.getDeclaringClass().getField(constant.name())
                    .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            return annotation == null ? constant.name() : annotation.value();
        } catch (NoSuchFieldException e) {
            return constant.name();
        }
    }

    private static String path(JsonMappingException e) {
        String path = JsonPaths.of(e);
        return path.isEmpty() ? "(root)" : path;
    }
}
