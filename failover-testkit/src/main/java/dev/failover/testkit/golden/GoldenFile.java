package dev.failover.testkit.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A JSON document kept in the repository that a test compares with what the code produces now (the records a release
 * writes, the OpenAPI documents the services serve): a change shows in review as a change of the file. Compared as JSON
 * trees (key order and spacing do not count). Rewritten instead of compared when the test runs with the system property
 * {@value #WRITE_PROPERTY} set to true; the diff is then committed with the change that made it.
 */
public final class GoldenFile {

    /** System property that rewrites the files instead of comparing them. */
    public static final String WRITE_PROPERTY = "golden.write";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GoldenFile() {
    }

    /** Whether this run rewrites the files ({@code -Dgolden.write=true}). */
    public static boolean rewriting() {
        return Boolean.getBoolean(WRITE_PROPERTY);
    }

    /**
     * {@code now} must be what {@code file} holds; with {@code rewrite}, {@code file} becomes it.
     *
     * @param why what to say when they differ: where the file comes from and what to do
     */
    public static void assertMatches(Path file, JsonNode now, boolean rewrite, String why) {
        if (rewrite) {
            write(file, now);
            return;
        }
        if (!Files.exists(file)) {
            throw new AssertionError("no file " + file + ": run the test with -D" + WRITE_PROPERTY
                    + "=true and commit it (" + why + ")");
        }
        JsonNode kept = read(file);
        if (!kept.equals(now)) {
            throw new AssertionError(file + " is no longer what the code produces (" + why + "); rewrite it with -D"
                    + WRITE_PROPERTY + "=true; differences: " + differences(kept, now));
        }
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(file + " is not JSON: " + e.getMessage(), e);
        }
    }

    public static JsonNode tree(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(what + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** The leaf values (by path: {@code a.b[0].c}) of {@code node}; an empty object or array is a leaf. */
    public static void leaves(String path, JsonNode node, Map<String, JsonNode> out) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.put(path, node);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                leaves(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(), out);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(path, node);
            }
            for (int i = 0; i < node.size(); i++) {
                leaves(path + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(path, node);
        }
    }

    /** The first few leaves that differ, as "path: kept -> now". */
    static String differences(JsonNode kept, JsonNode now) {
        Map<String, JsonNode> before = new java.util.TreeMap<>();
        leaves("", kept, before);
        Map<String, JsonNode> after = new java.util.TreeMap<>();
        leaves("", now, after);
        List<String> out = new ArrayList<>();
        java.util.Set<String> paths = new java.util.TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        for (String path : paths) {
            JsonNode a = before.get(path);
            JsonNode b = after.get(path);
            if (a == null || !a.equals(b)) {
                out.add(path + ": " + (a == null ? "(absent)" : a) + " -> " + (b == null ? "(absent)" : b));
            }
        }
        return out.size() > 12 ? String.join("; ", out.subList(0, 12)) + "; and " + (out.size() - 12) + " more"
                : String.join("; ", out);
    }

    private static void write(Path file, JsonNode tree) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writeValueAsString(tree) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
