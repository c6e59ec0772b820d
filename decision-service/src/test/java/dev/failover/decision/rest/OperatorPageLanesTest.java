package dev.failover.decision.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The page's chips per DNS provider under "Desired vs served" (ADR 0036): the page's own script, run by node (which the
 * suite has for the page's browser test, OperatorPageIT) with a stub of the few DOM calls it makes. A group of one
 * provider has no lanes and shows none.
 */
class OperatorPageLanesTest {

    static JsonNode chips(String views) throws Exception {
        return PageScript.run("lane-chips.cjs", views);
    }

    @Test
    void aChipPerProviderWhenTheGroupHasLanesNoneWithout() throws Exception {
        JsonNode chips = chips("""
                [{"decidedVsServed":{"state":"ACTUATING"},
                  "serving":{"epoch":7,"decisionId":"d-7","status":"CONVERGING","lanes":[
                    {"lane":"r53","kind":"route53","state":"SERVED","since":"2026-11-30T10:00:02Z","results":2},
                    {"lane":"bind","kind":"rfc2136","state":"REFUSED","detail":"NOTAUTH (TSIG BADKEY)","results":1},
                    {"lane":"knot","kind":"rfc2136","state":"CONVERGING","detail":"attempt 31: cannot reach 192.0.2.53:53",
                     "results":31}]}},
                 {"decidedVsServed":{"state":"SERVED"},"serving":{"epoch":7,"decisionId":"d-7","status":"CONVERGED"}},
                 {"decidedVsServed":{"state":"NO_DECISION"}}]""");
        JsonNode lanes = chips.get(0);
        assertThat(lanes).hasSize(3);
        assertThat(lanes.findValuesAsText("text")).containsExactly("r53 SERVED", "bind REFUSED", "knot CONVERGING");
        assertThat(lanes.findValuesAsText("tone")).as("the colour only repeats the words")
                .containsExactly("state ok", "state bad", "state warn");
        assertThat(lanes.get(0).path("title").asText()).startsWith("route53 (since ");
        assertThat(lanes.get(2).path("title").asText()).isEqualTo("rfc2136: attempt 31: cannot reach 192.0.2.53:53");
        assertThat(chips.get(1).isNull()).as("one provider: no chips").isTrue();
        assertThat(chips.get(2).isNull()).as("no report yet: no chips").isTrue();
    }
}
