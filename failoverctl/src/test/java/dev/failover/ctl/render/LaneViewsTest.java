package dev.failover.ctl.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What status shows of a group's provider lanes (ADR 0036): one line when it has lanes, nothing when it has none. */
class LaneViewsTest {

    static final Instant NOW = Instant.parse("2026-11-30T10:05:00Z");

    static JsonNode group(String lanes) throws Exception {
        return new ObjectMapper().readTree("""
                {"group":"api","epoch":7,
                 "serving":{"epoch":7,"decisionId":"d-7","status":"CONVERGING","detail":"knot not served",
                            "at":"2026-11-30T10:00:05Z"%s},
                 "decidedVsServed":{"state":"ACTUATING","decided":"d-7","decidedEpoch":7,"decidedAt":"2026-11-30T10:00:00Z"},
                 "recentDecisions":[{"decisionId":"d-7","epoch":7,"kind":"FAILOVER","fromTarget":"primary",
                                     "toTarget":"secondary","issuedAt":"2026-11-30T10:00:00Z"}]}"""
                .formatted(lanes == null ? "" : ",\"lanes\":" + lanes));
    }

    static String lane(String id, String state, String detail, String since) {
        return "{\"lane\":\"" + id + "\",\"kind\":\"rfc2136\",\"state\":\"" + state + "\""
                + (detail == null ? "" : ",\"detail\":\"" + detail + "\"") + ",\"since\":\"" + since
                + "\",\"results\":2}";
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("every lane served: seconds from the decision",
                        "[" + lane("r53", "SERVED", null, "2026-11-30T10:00:02.300Z") + ","
                                + lane("bind", "SERVED", "served as decided", "2026-11-30T10:00:00.400Z") + "]",
                        "providers r53 SERVED 2.3 s · bind SERVED 0.4 s"),
                Arguments.of("a laggard: what the actuator said of it",
                        "[" + lane("r53", "SERVED", null, "2026-11-30T10:00:02.300Z") + ","
                                + lane("bind", "SERVED", null, "2026-11-30T10:00:00.400Z") + ","
                                + lane("knot", "CONVERGING", "attempt 31: cannot reach 192.0.2.53:53",
                                        "2026-11-30T10:00:00.100Z")
                                + "]",
                        "providers r53 SERVED 2.3 s · bind SERVED 0.4 s · knot CONVERGING attempt 31: cannot reach "
                                + "192.0.2.53:53"),
                Arguments.of("a state without a detail: since when",
                        "[" + lane("r53", "THROTTLED", null, "2026-11-30T10:00:01Z") + "]",
                        "providers r53 THROTTLED 1.0 s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void aGroupWithLanesHasOneProvidersLine(String name, String lanes, String expected) throws Exception {
        String status = Views.group(group(lanes), NOW);
        assertThat(status.lines().filter(l -> l.startsWith("providers"))).containsExactly(expected);
        assertThat(status).as("after the served line").containsPattern("(?s)\nserved .*\nproviders ");
    }

    @Test
    void aGroupWithoutLanesShowsNoProvidersLine() throws Exception {
        assertThat(Views.group(group(null), NOW)).doesNotContain("providers");
        assertThat(Views.group(group("[]"), NOW)).doesNotContain("providers");
    }

    @Test
    void aDecisionNoLongerKeptLeavesOutTheSeconds() throws Exception {
        JsonNode g = group("[" + lane("r53", "SERVED", null, "2026-11-30T10:00:02Z") + "]");
        ((com.fasterxml.jackson.databind.node.ObjectNode) g).remove("recentDecisions");
        ((com.fasterxml.jackson.databind.node.ObjectNode) g).remove("decidedVsServed");
        assertThat(Views.group(g, NOW)).contains("\nproviders r53 SERVED\n");
    }
}
