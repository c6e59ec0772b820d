package dev.failover.ctl.render;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How an answer is printed ({@code -o}): a table for people, or the server's own answer as JSON or YAML for tools, or
 * the parts of it a kubectl-style JSONPath template picks ({@code -o jsonpath='{.target}'}, {@link JsonPathTemplate}).
 */
public final class Output {

    /** The formats. */
    public enum Kind {
        table, json, yaml, jsonpath
    }

    public static final Output TABLE = new Output(Kind.table, null);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private final Kind kind;
    private final JsonPathTemplate path;

    private Output(Kind kind, JsonPathTemplate path) {
        this.kind = kind;
        this.path = path;
    }

    /**
     * {@code table}, {@code json}, {@code yaml} or {@code jsonpath=TEMPLATE}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Output parse(String value) {
        int equals = value.indexOf('=');
        String name = (equals < 0 ? value : value.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
        Kind kind;
        try {
            kind = Kind.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("one of table, json, yaml, jsonpath=TEMPLATE, was '" + value + "'");
        }
        if (kind == Kind.jsonpath) {
            String template = equals < 0 ? "" : value.substring(equals + 1); // as given: its spaces are printed
            if (template.isBlank()) {
                throw new IllegalArgumentException("jsonpath needs a template, e.g. jsonpath='{.target}'");
            }
            return new Output(kind, JsonPathTemplate.parse(template));
        }
        if (equals >= 0) {
            throw new IllegalArgumentException(name + " takes no template, was '" + value + "'");
        }
        return new Output(kind, null);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The server's answer as this format, ending in a newline, but for {@link Kind#jsonpath}: exactly what the template
     * prints, as with kubectl ({@code {"\n"}} ends it in one); null for {@link Kind#table} (the command draws its own).
     */
    public String document(JsonNode body) {
        try {
            return switch (kind) {
                case json -> JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n";
                case yaml -> YAML.writeValueAsString(body);
                case jsonpath -> path.render(body);
                case table -> null;
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return kind == Kind.jsonpath ? "jsonpath=" + path : kind.name();
    }

    /** picocli's converter: a bad value is a usage error (exit 2) naming it. */
    public static final class Converter implements ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The names shell completion offers. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("table", "json", "yaml", "jsonpath=").iterator();
        }
    }
}
