package dev.failover.ctl.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What status shows of a switch as clients see it (GET /groups/{id} convergence, ADR 0026). */
class ConvergenceViewTest {

    static final Instant NOW = Instant.parse("2026-11-28T10:01:00Z");

    static JsonNode group(String convergence) throws Exception {
        return new ObjectMapper().readTree("{\"group\":\"api\",\"epoch\":2" + (convergence == null ? ""
                : ",\"convergence\":" + convergence) + "}");
    }

    @Test
    void aFailoverObservedByTheQuorumShowsEachMarkFromTheFailure() throws Exception {
        String status = Views
                .group(group("{\"state\":\"OBSERVED\",\"summary\":\"switch to secondary (decision d-1) observed "
                        + "by 2 of 3 locations (quorum 2 at 2026-11-28T10:00:11Z); loc-c: resolver vpc still answers primary for up "
                        + "to 30 s\",\"lastSwitch\":{\"decisionId\":\"d-1\",\"kind\":\"FAILOVER\",\"target\":\"secondary\","
                        + "\"failedAt\":\"2026-11-28T10:00:03Z\",\"decidedAt\":\"2026-11-28T10:00:05Z\","
                        + "\"servedAt\":\"2026-11-28T10:00:07.600Z\",\"observedAt\":{},\"quorumAt\":\"2026-11-28T10:00:11Z\","
                        + "\"need\":2,\"of\":3},\"observers\":[]}"), NOW);
        // wrapped to the terminal's width under its label, as every long line of status
        assertThat(status).contains(
                "\nobserved OBSERVED: switch to secondary (decision d-1) observed by 2 of 3 locations "
                        + "(quorum 2 at 2026-11-28T10:00:11Z);\n         loc-c: resolver vpc still answers primary for up to 30 s\n",
                "\n         failure at 2026-11-28T10:00:03Z; decided +2.0 s, served +4.6 s,\n"
                        + "         observed by the quorum (2 of 3 locations) +8.0 s\n");
    }

    @Test
    void aPlannedSwitchCountsFromItsDecisionAndShowsOnlyTheMarksReached() throws Exception {
        String status = Views
                .group(group("{\"state\":\"OBSERVING\",\"summary\":\"s\",\"lastSwitch\":{\"decisionId\":\"d-2\","
                        + "\"kind\":\"SWITCHOVER\",\"target\":\"secondary\",\"decidedAt\":\"2026-11-28T10:00:05Z\",\"need\":2,"
                        + "\"of\":3}}"), NOW);
        assertThat(status).contains("\nobserved OBSERVING: s\n", "\n         decided at 2026-11-28T10:00:05Z\n");
    }

    @Test
    void withoutObserversNothingIsShown() throws Exception {
        assertThat(Views.group(group(null), NOW)).doesNotContain("observed");
    }

    /** ADR 0036: a line for the providers' servers, only when a switch has them. */
    @Test
    void aSwitchObservedByProvidersServersShowsEachProvidersMarkOrNotYet() throws Exception {
        String status = Views
                .group(group("{\"state\":\"OBSERVING\",\"summary\":\"s\",\"lastSwitch\":{\"decisionId\":\"d-1\","
                        + "\"kind\":\"FAILOVER\",\"target\":\"secondary\",\"failedAt\":\"2026-11-28T10:00:03Z\","
                        + "\"decidedAt\":\"2026-11-28T10:00:05Z\",\"observedAt\":{},\"need\":2,\"of\":3,"
                        + "\"providers\":{\"bind\":\"2026-11-28T10:00:06.500Z\",\"knot\":null}}}"), NOW);
        assertThat(status.lines().filter(l -> l.contains("providers' servers")))
                .containsExactly("         providers' servers bind +3.5 s · knot not yet");
        assertThat(
                Views.group(group("{\"state\":\"OBSERVING\",\"summary\":\"s\",\"lastSwitch\":{\"decisionId\":\"d-2\","
                        + "\"kind\":\"SWITCHOVER\",\"target\":\"secondary\",\"decidedAt\":\"2026-11-28T10:00:05Z\",\"need\":2,"
                        + "\"of\":3}}"), NOW))
                .as("none without servers").doesNotContain("servers");
    }
}
