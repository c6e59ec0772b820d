package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.failover.ctl.exit.Exits;
import picocli.CommandLine;

/**
 * The CLI in-process against a stand-in server: what it sends, how it prints, and which exit code each outcome gets. The
 * same commands run packaged against a real decision-service in system-tests (FailoverCtlIT).
 */
class FailoverCtlTest {

    static final String GROUP = """
            {"group":"api","mode":"LIVE","activeTarget":"secondary","activeHealth":"HEALTHY","epoch":2,
             "automation":"PINNED",
             "pin":{"target":"secondary","forced":false,"principal":"alice","reason":"patching","since":"2026-11-23T10:00:00Z",
                    "switchedFrom":"primary"},
             "serving":{"epoch":2,"decisionId":"d-2","status":"CONVERGING","detail":"switchover step 1 of 3 served","at":"2026-11-23T10:00:01Z"},
             "decidedVsServed":{"state":"ACTUATING","decided":"d-2","decidedEpoch":2,"decidedAt":"2026-11-23T10:00:00Z",
                                "served":"d-2","servedEpoch":2,"detail":"the actuator reports decision d-2 as its record: CONVERGING"},
             "targets":[
               {"target":"primary","region":"us-east-1","health":"UNHEALTHY","destination":{"verdict":"NOT_HEALTHY"},
                "locations":[{"location":"loc-a","verdict":"DOWN"},{"location":"loc-b","verdict":"DOWN"},{"location":"loc-c","verdict":"UP"}]},
               {"target":"secondary","region":"us-west-2","health":"HEALTHY","destination":{"verdict":"ELIGIBLE"},
                "locations":[{"location":"loc-a","verdict":"UP"},{"location":"loc-b","verdict":"UP"},{"location":"loc-c","verdict":"UP"}]}],
             "recentDecisions":[{"decisionId":"d-2","epoch":2,"kind":"SWITCHOVER","fromTarget":"primary","toTarget":"secondary",
                                 "reason":"planned switchover by alice: patching","issuedAt":"2026-11-23T10:00:00Z","principal":"alice"}],
             "audit":[]}""";

    record Run(int exit, String out, String err) {
    }

    final FakeApi api = new FakeApi();

    @AfterEach
    void stop() {
        api.close();
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 0 && !all.get(0).equals("completion")) {
            all.add("--url=" + api.url());
        }
        int exit = line.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void statusOfAGroupShowsDesiredVsServedTheHealthMatrixAndWhatHolds() {
        api.answer("GET /groups/api", 200, GROUP);
        Run run = run("status", "api", "--token", "t");
        assertThat(run.exit()).isEqualTo(Exits.OK);
        assertThat(run.out())
                .contains("active   secondary (HEALTHY)")
                .contains("desired  secondary at epoch 2")
                .contains("served   CONVERGING epoch 2 at 2026-11-23T10:00:01Z: switchover step 1 of 3 served")
                .contains("holds    pinned to secondary (switchover from primary) by alice: patching")
                .contains("last decision  SWITCHOVER primary -> secondary (epoch 2, d-2)");
        assertThat(run.out().lines().filter(l -> l.startsWith("TARGET")).findFirst().orElseThrow())
                .matches("TARGET\\s+REGION\\s+HEALTH\\s+loc-a\\s+loc-b\\s+loc-c\\s+DESTINATION");
        assertThat(run.out()).containsPattern("primary\\s+us-east-1\\s+UNHEALTHY\\s+DOWN\\s+DOWN\\s+UP\\s+NOT_HEALTHY")
                .containsPattern("secondary \\*\\s+us-west-2\\s+HEALTHY\\s+UP\\s+UP\\s+UP\\s+ELIGIBLE");
        assertThat(api.requests.get(0).header("Authorization")).isEqualTo("Bearer t");
    }

    @Test
    void statusOfAllGroupsIsOneLineEachAndJsonIsTheServersOwn() {
        api.answer("GET /groups", 200, "[" + GROUP + "]");
        assertThat(run("status").out())
                .containsPattern("api\\s+secondary\\s+HEALTHY\\s+PINNED\\s+2\\s+CONVERGING epoch 2");
        Run json = run("status", "-o", "json");
        assertThat(json.out()).contains("\"switchedFrom\" : \"primary\"");
    }

    @Test
    void statusShowsTheDecisionServicesDecidedVsServedCheckAndJsonPassesItThrough() {
        String notServed = GROUP.replaceFirst("\"decidedVsServed\":\\{[^}]*}", """
                "decidedVsServed":{"state":"NOT_SERVED","decided":"d-2","decidedEpoch":2,"decidedAt":"2026-11-23T10:00:00Z",
                 "served":"d-1","servedEpoch":2,"detail":"the actuator reports decision d-1 (epoch 2, CONVERGED) as its record, \
                not decision d-2 (epoch 2) issued at 2026-11-23T10:00:00Z; longer than 60 s: another owner's decision of the \
                same epoch, a decision the actuator dead-lettered, or an actuator that is down"}""".strip());
        assertThat(notServed).as("the test's group with another check").contains("NOT_SERVED")
                .doesNotContain("ACTUATING");
        api.answer("GET /groups/api", 200, notServed);
        Run run = run("status", "api", "--token", "t");
        assertThat(run.exit()).isEqualTo(Exits.OK);
        assertThat(run.out()).containsPattern(
                "(?m)^decided  NOT_SERVED for \\d+ s: actuator serves d-1 \\(epoch 2\\), not the last decision$")
                .contains("last decision  SWITCHOVER primary -> secondary (epoch 2, d-2)");
        assertThat(run.out().lines()).as("every line for people within 120 columns")
                .allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(120));

        api.answer("GET /groups", 200, "[" + notServed + "]");
        assertThat(run("status").out()).containsPattern("(?m)^GROUP .* DECIDED VS SERVED$")
                .containsPattern(
                        "(?m)^api\\s+secondary\\s+HEALTHY\\s+PINNED\\s+2\\s+CONVERGING epoch 2\\s+NOT_SERVED \\d+ s$");
        for (String format : List.of("json", "yaml")) {
            assertThat(run("status", "api", "-o", format).out()).as("-o " + format).contains("decidedVsServed")
                    .contains("NOT_SERVED").contains("longer than 60 s");
        }
    }

    static String checked(String state, String decided, int epoch, String detail) {
        return checked(state, decided, epoch, detail, "secondary");
    }

    /** The group's view with its decided-vs-served check, and its recent decisions d-3 (to secondary) and {@code decided}. */
    static String checked(String state, String decided, int epoch, String detail, String decidedTarget) {
        return "{\"group\":\"api\",\"epoch\":" + epoch + ",\"decidedVsServed\":{\"state\":\"" + state
                + "\",\"decided\":\""
                + decided + "\",\"decidedEpoch\":" + epoch + ",\"decidedAt\":\"2026-11-23T10:00:00Z\",\"served\":\""
                + decided
                + "\",\"servedEpoch\":" + epoch + ",\"detail\":\"" + detail + "\"},\"recentDecisions\":["
                + "{\"decisionId\":\"" + decided + "\",\"epoch\":" + epoch + ",\"toTarget\":\"" + decidedTarget + "\"},"
                + "{\"decisionId\":\"d-3\",\"epoch\":3,\"toTarget\":\"secondary\"}]}";
    }

    static final String FORCED = """
            {"commandId":"c-1","status":"applied","message":"forced to secondary","decisionIds":["d-3"],
             "group":{"activeTarget":"secondary","epoch":3,"automation":"PINNED"}}""";

    /**
     * A write's --wait follows the decision it made to the actuator's report, as the decision-service checks it: an
     * instance that has not seen the write yet (an older decision) is asked again; served is 0, refused or superseded
     * 12, no end in time 8.
     */
    @Test
    void aWriteWaitsForItsDecisionToBeServedRefusedOrSuperseded() {
        api.answer("POST /groups/api/force", 200, FORCED);
        api.answerInTurn("GET /groups/api", 200, checked("SERVED", "d-2", 2, "an older decision, served"),
                checked("AWAITING_REPORT", "d-3", 3, "no report yet"), checked("ACTUATING", "d-3", 3, "CONVERGING"),
                checked("SERVED", "d-3", 3, "served"));
        Run served = run("force", "api", "secondary", "-r", "db failover", "--wait=30s");
        assertThat(served.exit()).as(served.err()).isEqualTo(Exits.OK);
        assertThat(served.out()).contains("applied: forced to secondary")
                .contains("served: SERVED (decision d-3, epoch 3)");
        assertThat(api.requests.stream().filter(r -> r.method().equals("GET")).count()).as("asked until served")
                .isEqualTo(4);

        api.answerInTurn("GET /groups/api", 200,
                checked("NOT_SERVED", "d-3", 3, "BLOCKED: safety rule gate refused it"));
        Run refused = run("force", "api", "secondary", "-r", "db failover", "--wait");
        assertThat(refused.exit()).isEqualTo(Exits.NOT_SERVED);
        assertThat(refused.out()).contains("not served: NOT_SERVED").contains("safety rule gate refused it");

        // a new owner re-issued the move to the same target under a higher epoch: followed, not "superseded"
        api.answerInTurn("GET /groups/api", 200, checked("ACTUATING", "d-4", 4, "CONVERGING"),
                checked("SERVED", "d-4", 4, "served"));
        Run followed = run("force", "api", "secondary", "-r", "db failover", "--wait=30s");
        assertThat(followed.exit()).as(followed.out()).isEqualTo(Exits.OK);
        assertThat(followed.out())
                .contains("followed: decision d-4 (epoch 4) takes d-3's place, to the same target secondary")
                .contains("served: SERVED (decision d-4, epoch 4)");

        api.answerInTurn("GET /groups/api", 200, checked("ACTUATING", "d-4", 4, "CONVERGING", "primary"));
        Run superseded = run("force", "api", "secondary", "-r", "db failover", "--wait=30s");
        assertThat(superseded.exit()).isEqualTo(Exits.NOT_SERVED);
        assertThat(superseded.out()).contains("superseded: the latest decision is d-4, not d-3");

        api.answerInTurn("GET /groups/api", 200, checked("ACTUATING", "d-3", 3, "CONVERGING"));
        Run late = run("force", "api", "secondary", "-r", "db failover", "--wait=2s");
        assertThat(late.exit()).isEqualTo(Exits.TIMEOUT);
        assertThat(late.err()).contains("decision d-3 not served within 2 s: ACTUATING (decision d-3, epoch 3)");

        api.answer("POST /groups/api/pause", 200, "{\"status\":\"applied\",\"message\":\"paused\",\"decisionIds\":[]}");
        Run nothing = run("pause", "api", "-r", "maintenance", "--wait");
        assertThat(nothing.exit()).isEqualTo(Exits.OK);
        assertThat(nothing.out()).contains("nothing to wait for: this write made no decision");
    }

    @Test
    void aWriteSendsItsReasonFieldsAndAnIdempotencyKeyAndPrintsWhatTheOwnerDid() {
        api.answer("POST /groups/api/switchover", 200, """
                {"commandId":"c-1","status":"applied","message":"switchover to secondary started","decisionIds":["d-2"],
                 "group":{"activeTarget":"secondary","epoch":2,"automation":"PINNED"}}""");
        Run run = run("switchover", "start", "api", "secondary", "--reason", "patching us-east-1", "--until",
                "2026-11-24T06:00:00Z",
                "--idempotency-key", "k-1");
        assertThat(run.exit()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("applied: switchover to secondary started").contains("decision d-2")
                .contains("active secondary at epoch 2, automation PINNED");
        FakeApi.Request sent = api.requests.get(0);
        assertThat(sent.body()).contains("\"reason\":\"patching us-east-1\"").contains("\"target\":\"secondary\"")
                .contains("\"until\":\"2026-11-24T06:00:00Z\"");
        assertThat(sent.header("Idempotency-Key")).isEqualTo("k-1");
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");

        api.answer("POST /groups/api/switchover/abort", 200,
                "{\"status\":\"applied\",\"message\":\"switchover aborted\"}");
        assertThat(run("switchover", "abort", "api", "--reason", "postponed").exit()).isEqualTo(Exits.OK);
        assertThat(api.requests.get(1).header("Idempotency-Key")).as("a fresh key per run").isNotBlank()
                .isNotEqualTo("k-1");
        api.answer("POST /groups/api/drills/end", 200, "{\"status\":\"applied\",\"message\":\"drill ended\"}");
        assertThat(run("drill", "end", "api", "-r", "done").out()).contains("applied: drill ended");

        // the consent a drill on a group with database nodes needs: it moves the database one way (ADR 0020)
        api.answer("POST /groups/api/drills", 200, "{\"status\":\"applied\",\"message\":\"drill started\"}");
        assertThat(run("drill", "start", "api", "-r", "quarterly", "--promote-database").exit()).isEqualTo(Exits.OK);
        assertThat(api.requests.get(3).body()).contains("\"promoteDatabase\":true");
        assertThat(run("drill", "start", "api", "-r", "quarterly").exit()).isEqualTo(Exits.OK);
        assertThat(api.requests.get(4).body()).doesNotContain("promoteDatabase");
    }

    @Test
    void aRefusalExitsWith3AndPrintsTheServersFieldAndMessage() {
        api.answer("POST /groups/api/pin", 409, "{\"status\":409,\"error\":\"conflict\",\"field\":\"target\","
                + "\"message\":\"target secondary is UNHEALTHY, not HEALTHY; use force (break glass) to pin it anyway\"}");
        Run run = run("pin", "api", "secondary", "--reason", "r");
        assertThat(run.exit()).isEqualTo(Exits.REFUSED);
        assertThat(run.err().strip())
                .isEqualTo("failoverctl: refused (409 conflict): target: target secondary is UNHEALTHY, "
                        + "not HEALTHY; use force (break glass) to pin it anyway");
        assertThat(run.out()).isEmpty();

        api.answer("POST /groups/api/pause", 403, "");
        Run forbidden = run("pause", "api", "--reason", "r");
        assertThat(forbidden.exit()).isEqualTo(Exits.REFUSED);
        assertThat(forbidden.err()).contains("403").contains("writes need failover-operator");
    }

    @Test
    void anUnreachableOrUnreadyServerExitsWith4() throws IOException {
        api.answer("GET /groups/api", 503,
                "{\"status\":503,\"error\":\"unavailable\",\"message\":\"the state of group api is "
                        + "not loaded yet; retry in a few seconds\"}");
        Run unready = run("status", "api");
        assertThat(unready.exit()).isEqualTo(Exits.UNREACHABLE);
        assertThat(unready.err()).contains("(503)").contains("not loaded yet");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run away = FailoverCtlTest.runAt("http://127.0.0.1:" + closed, "status");
        assertThat(away.exit()).isEqualTo(Exits.UNREACHABLE);
        assertThat(away.err()).contains("connection refused");
    }

    @Test
    void anAcceptedButUnconfirmedWriteExitsWith5AndSaysHowToCheck() {
        api.answer("POST /groups/api/resume", 202,
                "{\"commandId\":\"c-9\",\"status\":\"pending\",\"message\":\"sent to the owner\"}");
        Run run = run("resume", "api", "--reason", "r", "--idempotency-key", "k-9");
        assertThat(run.exit()).isEqualTo(Exits.PENDING);
        assertThat(run.out()).contains("pending: sent to the owner").contains("k-9").contains("failoverctl status api");
    }

    @Test
    void usageErrorsExitWith2BeforeAnythingIsSent() {
        assertThat(run("pin", "api", "secondary").exit()).as("no reason").isEqualTo(Exits.USAGE);
        assertThat(run("status", "--timeout", "soon").exit()).as("bad duration").isEqualTo(Exits.USAGE);
        assertThat(run("frobnicate").exit()).isEqualTo(Exits.USAGE);
        assertThat(run("status", "--url", "ftp://x").exit()).as("not http").isEqualTo(Exits.USAGE);
        assertThat(api.requests).isEmpty();
    }

    @Test
    void aTokenFileWinsOverTheTokenOption(@TempDir Path dir) throws IOException {
        api.answer("GET /groups", 200, "[]");
        Path file = dir.resolve("token");
        Files.writeString(file, "from-file\n");
        assertThat(run("status", "--token", "from-option", "--token-file", file.toString()).exit()).isZero();
        assertThat(api.requests.get(0).header("Authorization")).isEqualTo("Bearer from-file");
        assertThat(run("status", "--token-file", dir.resolve("missing").toString()).exit()).isEqualTo(Exits.USAGE);
    }

    @Test
    void explainShowsTheRulesThresholdsAndEachLocationsResultsWithTheirOffsets() {
        api.answer("GET /groups/api/decisions/d-1/explanation", 200,
                """
                {"group":"api","decisionId":"d-1","at":"2026-11-23T10:00:05Z","outcome":"SWITCHED","kind":"FAILOVER",
                 "fromTarget":"primary","toTarget":"secondary","summary":"primary UNHEALTHY at 2 of 3 locations (quorum 2)",
                 "rules":[{"rule":"hold","result":"PASSED","detail":"automation runs"},
                          {"rule":"active-health","result":"FIRED","detail":"primary is UNHEALTHY"}],
                 "thresholds":{"failuresToDown":3,"quorum":2},
                 "targets":[{"target":"primary","health":"UNHEALTHY","margin":"1 location fewer DOWN and it would have held",
                   "locations":[{"location":"loc-a","verdict":"DOWN","consecutiveFailures":3,"consecutiveSuccesses":0,
                     "margin":"3 successes to UP","results":[{"startedAt":"2026-11-23T10:00:03Z","outcome":"DOWN","partition":1,"offset":42}]}]}]}""");
        Run run = run("explain", "api", "d-1");
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("decision d-1 of api at 2026-11-23T10:00:05Z: SWITCHED FAILOVER primary -> secondary")
                .containsPattern("active-health\\s+FIRED\\s+primary is UNHEALTHY")
                .contains("thresholds  failuresToDown=3 quorum=2")
                .contains("target primary: UNHEALTHY - 1 location fewer DOWN and it would have held")
                .containsPattern("loc-a\\s+DOWN\\s+3\\s+0\\s+DOWN 10:00:03@1:42\\s+3 successes to UP");
        api.answer("GET /groups/api/explanation", 200,
                "{\"group\":\"api\",\"outcome\":\"HELD\",\"holdReason\":\"DWELL_TIME\"}");
        assertThat(run("explain", "api").out()).startsWith("now of api").contains("HELD (held: DWELL_TIME)");
    }

    @Test
    void historyListsDecisionsAndActions() {
        api.answer("GET /groups/api/history", 200,
                """
                {"decisions":[{"decisionId":"d-1","epoch":1,"kind":"FAILOVER","fromTarget":"primary","toTarget":"secondary",
                  "issuedAt":"2026-11-23T10:00:05Z","principal":"automation","reason":"primary UNHEALTHY"}],
                 "actions":[{"at":"2026-11-23T10:01:00Z","principal":"alice","action":"pause","reason":"deploying"}]}""");
        assertThat(run("history", "api").out())
                .containsPattern(
                        "2026-11-23T10:00:05Z\\s+FAILOVER\\s+primary\\s+secondary\\s+1\\s+automation\\s+d-1\\s+primary UNHEALTHY")
                .containsPattern("alice\\s+pause\\s+deploying");
    }

    @Test
    void watchRefreshesTheGivenNumberOfTimes() {
        api.answer("GET /groups/api", 200, GROUP);
        Run run = run("watch", "api", "--count", "2", "--interval", "10ms");
        assertThat(run.exit()).isZero();
        assertThat(api.requests).hasSize(2);
        assertThat(run.out()).doesNotContain("\033[2J").as("no terminal here: no screen clearing");
        Run yaml = run("watch", "api", "--count", "2", "--interval", "10ms", "-o", "yaml");
        assertThat(yaml.out().split("---\n", -1)).as("one YAML document per refresh").hasSize(3);
    }

    @Test
    void completionCoversEveryCommand() {
        Run run = run("completion");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("complete -F").contains("switchover").contains("explain")
                .contains("--token-file");
    }

    static Run runAt(String url, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + url);
        int exit = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
