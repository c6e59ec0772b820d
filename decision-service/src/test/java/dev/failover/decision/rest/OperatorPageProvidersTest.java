package dev.failover.decision.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The page's line for DNS providers' servers under "Seen by clients" (ADR 0036, "Observed convergence per provider"): the
 * page's own script, run by node with a stub of the few DOM calls it makes, as {@link OperatorPageLanesTest} does. A
 * switch no provider's server observes shows no such line.
 */
class OperatorPageProvidersTest {

    @Test
    void aLineForTheProvidersServersWhenTheSwitchHasThemNoneWithout() throws Exception {
        JsonNode cells = PageScript.run("observed-providers.cjs", """
                [{"state":"OBSERVING","summary":"s",
                  "lastSwitch":{"decisionId":"d-1","kind":"FAILOVER","target":"secondary","failedAt":"2026-11-28T10:00:03Z",
                    "decidedAt":"2026-11-28T10:00:05Z","observedAt":{},"need":2,"of":3,
                    "providers":{"bind":"2026-11-28T10:00:06.500Z","knot":null}},
                  "observers":[{"location":"loc-a","observer":"vpc","target":"primary"},
                    {"location":"loc-a","observer":"knot-ns1","target":"primary","provider":"knot"}]},
                 {"state":"OBSERVING","summary":"s",
                  "lastSwitch":{"decisionId":"d-2","kind":"SWITCHOVER","target":"secondary",
                    "decidedAt":"2026-11-28T10:00:05Z","observedAt":{},"need":2,"of":3},
                  "observers":[{"location":"loc-a","observer":"vpc","target":"primary"}]}]""");
        assertThat(cells.get(0).path("providers").asText()).isEqualTo("providers' servers: bind +3.5 s · knot not yet");
        assertThat(cells.get(0).path("observers").get(1).asText()).isEqualTo("loc-a / knot-ns1 (knot server): primary");
        assertThat(cells.get(0).path("observers").get(0).asText()).as("a clients' resolver as before")
                .isEqualTo("loc-a / vpc: primary");
        assertThat(cells.get(1).path("providers").isNull()).as("no servers: no line").isTrue();
    }
}
