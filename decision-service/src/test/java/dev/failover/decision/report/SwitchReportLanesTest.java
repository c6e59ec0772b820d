package dev.failover.decision.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.LaneState;
import dev.failover.decision.domain.model.GroupSnapshot;

/** A switch's report has a row per DNS provider lane (ADR 0036): its end state, decided to served, results read. */
class SwitchReportLanesTest {

    static final Instant DECIDED = Instant.parse("2026-11-30T10:00:00Z");
    static final Decision DECISION = new Decision(1, "d-7", "api", 7L, DecisionKind.FAILOVER, "primary", "secondary",
            "primary down", List.of(), DECIDED, DecisionMode.LIVE, Decision.AUTOMATION);
    static final List<GroupSnapshot.Lane> LANES = List.of(
            new GroupSnapshot.Lane("r53", "route53", LaneState.SERVED, null, DECIDED.plusMillis(2_300), 3),
            new GroupSnapshot.Lane("knot", "rfc2136", LaneState.CONVERGING, "attempt 31", DECIDED.plusSeconds(1), 31));

    static GroupSnapshot.Serving serving(String decisionId, List<GroupSnapshot.Lane> lanes) {
        return new GroupSnapshot.Serving(7, decisionId, ActuationStatus.CONVERGING, "", DECIDED.plusSeconds(3), lanes);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("lanes reported on the decision", serving("d-7", LANES), List.of(
                        new SwitchReport.Lane("r53", "route53", LaneState.SERVED, 2_300L, 3),
                        new SwitchReport.Lane("knot", "rfc2136", LaneState.CONVERGING, null, 31))),
                Arguments.of("one provider: no lanes", serving("d-7", List.of()), List.of()),
                Arguments.of("the serving report is of another decision", serving("d-8", LANES), List.of()),
                Arguments.of("no serving report", null, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aRowPerLaneOfTheDecision(String name, GroupSnapshot.Serving serving, List<SwitchReport.Lane> expected) {
        List<SwitchReport.Lane> lanes = SwitchReport.Lane.of(DECISION, serving);
        assertThat(lanes).isEqualTo(expected);
        String json = EventCodec.instance()
                .encode(new SwitchReport(SwitchReport.SCHEMA_VERSION, "api", DECISION, null, null,
                        List.of(), List.of(), null, null, lanes, DECIDED, "decider-1"));
        if (expected.isEmpty()) {
            assertThat(json).as("a report of one provider as before").doesNotContain("lanes");
        } else {
            assertThat(json).contains("\"lanes\":[{\"lane\":\"r53\",\"kind\":\"route53\",\"state\":\"SERVED\","
                    + "\"decidedToServed\":2300,\"results\":3},{\"lane\":\"knot\",\"kind\":\"rfc2136\","
                    + "\"state\":\"CONVERGING\",\"results\":31}]");
        }
    }
}
