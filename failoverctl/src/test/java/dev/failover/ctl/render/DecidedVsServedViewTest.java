package dev.failover.ctl.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The decision-service's decided-vs-served check (GET /groups/{id} decidedVsServed) as status shows it, per state. */
class DecidedVsServedViewTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:01:15Z");
    static final String DECIDED = "\"decided\":\"d-2\",\"decidedEpoch\":2,\"decidedAt\":\"2026-11-23T10:00:00Z\"";

    static Stream<Arguments> checks() {
        return Stream.of(
                Arguments.of("{\"state\":\"NO_DECISION\",\"decidedEpoch\":0,\"detail\":\"no decision yet\"}",
                        "NO_DECISION: nothing decided yet", "NO_DECISION"),
                Arguments.of("{\"state\":\"SERVED\"," + DECIDED + ",\"served\":\"d-2\",\"servedEpoch\":2}",
                        "SERVED (decision d-2, epoch 2)", "SERVED"),
                Arguments.of("{\"state\":\"ACTUATING\"," + DECIDED + ",\"served\":\"d-2\",\"servedEpoch\":2}",
                        "ACTUATING (decision d-2, epoch 2): reported, not converged yet", "ACTUATING"),
                Arguments.of("{\"state\":\"AWAITING_REPORT\"," + DECIDED + ",\"served\":null,\"servedEpoch\":null}",
                        "AWAITING_REPORT for 75 s: actuator reports no decision", "AWAITING_REPORT 75 s"),
                Arguments.of("{\"state\":\"NOT_SERVED\"," + DECIDED + ",\"served\":\"d-1\",\"servedEpoch\":2}",
                        "NOT_SERVED for 75 s: actuator serves d-1 (epoch 2), not the last decision", "NOT_SERVED 75 s"),
                // the actuator refused the latest decision itself (BLOCKED past the bound; ADR 0002)
                Arguments.of("{\"state\":\"NOT_SERVED\"," + DECIDED + ",\"served\":\"d-2\",\"servedEpoch\":2,"
                        + "\"detail\":\"the actuator refused decision d-2: BLOCKED, longer than 60 s: fenced\"}",
                        "NOT_SERVED for 75 s: the actuator refused decision d-2: BLOCKED, longer than 60 s: fenced",
                        "NOT_SERVED 75 s"),
                Arguments.of("{\"state\":\"NOT_SERVED\"," + DECIDED.replace("10:00:00Z", "10:02:00Z") + "}",
                        "NOT_SERVED: actuator serves no decision, not the last decision",
                        "NOT_SERVED"), // decided after this machine's now (clocks apart): no negative age
                Arguments.of("{\"state\":\"SPLIT\",\"detail\":\"a state of a newer server\"}",
                        "SPLIT: a state of a newer server",
                        "SPLIT"));
    }

    @ParameterizedTest
    @MethodSource("checks")
    void oneLineInStatusAndOneCellInTheList(String check, String line, String cell) throws Exception {
        JsonNode node = new ObjectMapper().readTree(check);
        assertThat(Views.decidedVsServed(node, NOW)).isEqualTo(line);
        assertThat(Views.decidedVsServedCell(node, NOW)).isEqualTo(cell);
    }

    @ParameterizedTest
    @MethodSource("checks")
    void statusOfAGroupShowsItUnderWhatTheActuatorReports(String check, String line, String cell) throws Exception {
        JsonNode group = new ObjectMapper()
                .readTree("{\"group\":\"api\",\"epoch\":2,\"decidedVsServed\":" + check + "}");
        assertThat(Views.group(group, NOW)).contains("\ndecided  " + line + "\n");
    }

    @org.junit.jupiter.api.Test
    void anOlderServerWithoutTheCheckShowsNoLineAndADash() throws Exception {
        JsonNode group = new ObjectMapper().readTree("{\"group\":\"api\",\"epoch\":2}");
        assertThat(Views.group(group, NOW)).doesNotContain("decided  ");
        assertThat(Views.groups(new ObjectMapper().readTree("[{\"group\":\"api\",\"epoch\":2}]"), NOW).lines().skip(1)
                .findFirst()
                .orElseThrow()).endsWith("  -");
    }
}
