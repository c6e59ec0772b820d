package dev.failover.testkit.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.failover.contract.topology.TopologyLoader;

/**
 * Writes the topology the tests run against: one group "api" with a primary and a secondary, probed over HTTP at the
 * given URLs from three locations. The file is validated with the real loader before a test uses it.
 */
public final class TestTopology {

    public static final String GROUP = "api";
    public static final String PRIMARY = "primary";
    public static final String SECONDARY = "secondary";
    public static final String PRIMARY_IP = "192.0.2.10";
    public static final String SECONDARY_IP = "192.0.2.20";
    public static final String RECORD = "api.failover.test.";
    public static final String[] LOCATIONS = { "loc-a", "loc-b", "loc-c" };

    private TestTopology() {
    }

    public static String yaml(String primaryUrl, String secondaryUrl) {
        return """
                version: 1
                locations: [loc-a, loc-b, loc-c]
                groups:
                  - id: %s
                    dns: {zone: failover.test., name: %s, type: A, ttl: 5}
                    targets:
                      - id: %s
                        region: us-east-1
                        probe: {type: http, url: "%s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}
                        dns: {values: [%s]}
                      - id: %s
                        region: us-west-2
                        probe: {type: http, url: "%s", bodyContains: ok, intervalSeconds: 1, connectTimeoutMillis: 500, timeoutMillis: 900}
                        dns: {values: [%s]}
                    thresholds: {failuresToDown: 2, successesToUp: 2, minDwellSeconds: 0}
                    failback: {holdDownSeconds: 3}
                """.formatted(GROUP, RECORD, PRIMARY, primaryUrl, PRIMARY_IP, SECONDARY, secondaryUrl, SECONDARY_IP);
    }

    /**
     * The test topology's group once per id, each with its own record {@code <id>.failover.test.}, for tests that need
     * groups on every partition.
     */
    public static String yaml(java.util.List<String> groupIds) {
        String one = yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
        int start = one.indexOf("groups:\n") + "groups:\n".length();
        StringBuilder yaml = new StringBuilder(one.substring(0, start));
        groupIds.forEach(g -> yaml.append(one.substring(start).replace("id: " + GROUP, "id: " + g).replace(RECORD,
                g + ".failover.test.")));
        return yaml.toString();
    }

    /**
     * The topology (of this class's layout: a group's keys indented by four spaces) with group {@code group} switched with
     * ARC routing controls: {@code controls} by target id, and the safety rules a FORCE of it overrides.
     */
    public static String withArc(String yaml, String group, java.util.Map<String, String> controls,
            java.util.List<String> breakGlassRules) {
        // a group's line only (two spaces in), not a target's of the same id
        java.util.regex.Matcher at = java.util.regex.Pattern
                .compile("(?m)^  - id: " + java.util.regex.Pattern.quote(group)
                        + "$")
                .matcher(yaml);
        if (!at.find()) {
            throw new IllegalArgumentException("no group " + group + " in the topology");
        }
        StringBuilder arc = new StringBuilder("    arc:\n      routingControls:\n");
        new java.util.TreeMap<>(controls).forEach((target, arn) -> arc.append("        ").append(target).append(": ")
                .append(arn).append('\n'));
        if (!breakGlassRules.isEmpty()) {
            arc.append("      breakGlassRules: [").append(String.join(", ", breakGlassRules)).append("]\n");
        }
        int end = at.end() + 1;
        return yaml.substring(0, end) + arc + yaml.substring(end);
    }

    /** Writes a valid topology to a new temporary file. */
    public static Path write(String primaryUrl, String secondaryUrl) {
        String yaml = yaml(primaryUrl, secondaryUrl);
        TopologyLoader.parse(yaml, "test topology");
        return writeRaw(yaml);
    }

    /** Writes any text, valid or not, to a new temporary file. */
    public static Path writeRaw(String text) {
        try {
            Path file = Files.createTempFile("failover-topology-", ".yaml");
            Files.writeString(file, text);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
