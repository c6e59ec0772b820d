package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.ctl.exit.Exits;
import picocli.CommandLine;

/**
 * {@code failoverctl whatif} (ADR 0027): what it asks the decision-service (a stand-in here; the real one in
 * {@code WhatIfApiTest}) and how it shows the answer: the proposed file's text, the window, the group; the comparison as
 * a table; the picture written where --svg says.
 */
class WhatIfCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String REPORT = """
            {"from":"2026-11-21T10:00:00Z","to":"2026-11-21T10:23:19Z","results":8400,"recoveredWithin":30,
             "groups":[{"group":"demo-api","changes":["failuresToDown: 3 -> 2"],
               "current":{"switches":2,"failovers":1,"falseFailovers":0,"flapHolds":0,"holds":1,"activeIncidents":3,
                 "detectedIncidents":1,"medianDetectionMs":2020,"worstDetectionMs":2020,"decisions":[]},
               "proposed":{"switches":4,"failovers":2,"falseFailovers":1,"flapHolds":0,"holds":1,"activeIncidents":3,
                 "detectedIncidents":2,"medianDetectionMs":1020,"worstDetectionMs":1020,
                 "decisions":[{"at":"2026-11-21T10:01:41Z","kind":"FAILOVER","from":"primary","to":"secondary",
                   "falseFailover":true,"rulePath":["hold passed","active-health fired"],"reason":"primary down"}]},
               "incidents":[{"target":"primary","start":"2026-11-21T10:01:40Z","end":"2026-11-21T10:01:42Z",
                 "activeUnderCurrent":true,"activeUnderProposed":true,"proposedDetectionMs":1020}],
               "blips":0,
               "differences":[{"onlyIn":"PROPOSED","decision":{"at":"2026-11-21T10:01:41Z","kind":"FAILOVER","from":"primary",
                 "to":"secondary","falseFailover":true,"rulePath":["hold passed","active-health fired"],"reason":"primary down"}}]}],
             "limits":["actuation is not replayed"],"picture":"<svg xmlns=\\"http://www.w3.org/2000/svg\\"></svg>"}""";

    @TempDir
    Path dir;
    final FakeApi api = new FakeApi();

    @AfterEach
    void stop() {
        api.close();
    }

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + api.url());
        all.add("--token=t");
        return new Run(line.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    @Test
    void sendsTheProposedTopologyAndWindowAndPrintsTheComparison() throws Exception {
        Path proposed = Files.writeString(dir.resolve("proposed.yaml"), "version: 1\n# proposed\n");
        Path svg = dir.resolve("whatif.svg");
        api.answer("POST /whatif", 200, REPORT);
        Run run = run("whatif", "--topology", proposed.toString(), "--since", "7d", "--to", "2026-11-28T00:00:00Z",
                "--group",
                "demo-api", "--recovered-within", "1m", "--svg", svg.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        JsonNode sent = JSON.readTree(api.requests.get(0).body());
        assertThat(sent.path("topology").asText()).isEqualTo("version: 1\n# proposed\n");
        assertThat(sent.path("from").asText()).isEqualTo("2026-11-21T00:00:00Z");
        assertThat(sent.path("to").asText()).isEqualTo("2026-11-28T00:00:00Z");
        assertThat(sent.path("group").asText()).isEqualTo("demo-api");
        assertThat(sent.path("recoveredWithinSeconds").asInt()).isEqualTo(60);
        assertThat(run.out()).contains("Group demo-api: failuresToDown: 3 -> 2")
                .containsPattern("false failovers \\(old target up within 30 s\\) +0 +1")
                .contains("only proposed: 2026-11-21 10:01:41 FAILOVER primary -> secondary (false failover)")
                .contains("rule path: hold passed > active-health fired");
        assertThat(Files.readString(svg)).startsWith("<svg");
    }

    @Test
    void anUnreadableTopologyFileIsAUsageErrorNamingTheOption() {
        Run run = run("whatif", "--topology", dir.resolve("missing.yaml").toString());
        assertThat(run.exit()).isEqualTo(Exits.USAGE);
        assertThat(run.err()).contains("--topology: cannot read");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void theServersRefusalIsShownWithItsField() throws Exception {
        Path proposed = Files.writeString(dir.resolve("proposed.yaml"), "version: 1\n");
        api.answer("POST /whatif", 422, "{\"status\":422,\"error\":\"invalid\",\"field\":\"topology\",\"message\":"
                + "\"topology: proposed topology: groups: is required\"}");
        Run run = run("whatif", "--topology", proposed.toString(), "--since", "1h");
        assertThat(run.exit()).as("a 422, as every command").isEqualTo(Exits.REFUSED);
        assertThat(run.err()).contains("topology: proposed topology: groups: is required");
    }

    /**
     * {@code failoverctl region-switch approve} (ADR 0028): each actuator asked in turn; the one that does not drive
     * the group (409) is passed over; the driver's answer printed; the body carries the step, the reason and a decline.
     */
    @Test
    void aRegionSwitchApprovalGoesToTheActuatorThatDrivesTheGroup() throws Exception {
        try (FakeApi east = new FakeApi(); FakeApi west = new FakeApi()) {
            east.answer("POST /groups/api/region-switch/approve", 409, "{\"status\":409,\"error\":\"conflict\","
                    + "\"field\":\"group\",\"message\":\"api: not reconciled by this instance\"}");
            west.answer("POST /groups/api/region-switch/approve", 200, "{\"group\":\"api\",\"executionId\":\"exec-1\","
                    + "\"step\":\"approve-database\",\"approved\":false,\"detail\":\"step approve-database of execution "
                    + "exec-1 declined by alice: not ready\"}");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(
                    "region-switch", "approve", "api", "--step", "approve-database", "--reason", "not ready",
                    "--decline",
                    "--token=t", "--actuator-url", east.url() + "," + west.url());
            assertThat(exit).as(err.toString()).isEqualTo(Exits.OK);
            assertThat(out.toString())
                    .contains("step approve-database of execution exec-1 declined by alice: not ready");
            JsonNode sent = JSON.readTree(west.requests.get(0).body());
            assertThat(sent.path("step").asText()).isEqualTo("approve-database");
            assertThat(sent.path("reason").asText()).isEqualTo("not ready");
            assertThat(sent.path("decline").asBoolean()).isTrue();
            assertThat(east.requests).hasSize(1);
        }
    }
}
