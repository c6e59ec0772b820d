package dev.failover.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.testkit.topology.TestTopology;

/** What a system test reads of a running decision-service: its view of a group, a target's health, the groups it owns. */
final class DeciderViews {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OWNED = Pattern
            .compile("failover_decision_group_owned\\{group=\"([^\"]+)\"} ([0-9.]+)");

    private DeciderViews() {
    }

    /** GET /groups/api (TestTopology's group) as a viewer. */
    static JsonNode view(ServiceProcess decider) throws IOException {
        return view(decider, TestTopology.GROUP);
    }

    /** GET /groups/{group} as a viewer. */
    static JsonNode view(ServiceProcess decider, String group) throws IOException {
        return JSON.readTree(decider.get("/groups/" + group, "viewer"));
    }

    /** A target's health in the decision-service's view of TestTopology's group. */
    static String health(ServiceProcess decider, String target) throws IOException {
        for (JsonNode t : view(decider).get("targets")) {
            if (t.get("target").asText().equals(target)) {
                return t.get("health").asText();
            }
        }
        throw new AssertionError("no target " + target + " in the view of " + TestTopology.GROUP);
    }

    /** The groups this decider owns, from its failover_decision_group_owned gauges. */
    static List<String> owned(ServiceProcess decider) throws IOException {
        List<String> owned = new ArrayList<>();
        Matcher gauge = OWNED.matcher(decider.metrics());
        while (gauge.find()) {
            if (Double.parseDouble(gauge.group(2)) == 1.0) {
                owned.add(gauge.group(1));
            }
        }
        return owned;
    }
}
