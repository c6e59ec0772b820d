package dev.failover.ctl.render;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** How an answer is printed ({@code -o}): a table for people, or the server's own answer as JSON or YAML for tools. */
public enum Output {
    table, json, yaml;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    /** The server's answer as this format, ending in a newline; null for {@link #table} (the command draws its own). */
    public String document(JsonNode body) {
        try {
            return switch (this) {
                case json -> JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n";
                case yaml -> YAML.writeValueAsString(body);
                case table -> null;
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
