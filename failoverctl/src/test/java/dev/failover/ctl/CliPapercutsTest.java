package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.ctl.exit.Exits;
import picocli.CommandLine;

/**
 * The papercuts found driving failoverctl in a terminal, each shown on the command line as typed.
 */
class CliPapercutsTest {

    record Run(int exit, String out, String err) {
    }

    final FakeApi api = new FakeApi();

    @AfterEach
    void stop() {
        api.close();
    }

    static Run exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FailoverCtl.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void globalOptionsAreAcceptedBeforeTheVerb() {
        api.answer("GET /groups/api", 200, FailoverCtlTest.GROUP);
        Run run = exec("--url", api.url(), "--token", "t", "status", "api");
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("group api");
        assertThat(api.requests.get(0).header("Authorization")).isEqualTo("Bearer t");
        Run mixed = exec("-o", "json", "status", "--url", api.url(), "api");
        assertThat(mixed.exit()).as(mixed.err()).isEqualTo(Exits.OK);
        assertThat(mixed.out()).contains("\"group\" : \"api\"");
    }

    /** A script picks a field as with kubectl; a template not understood is a usage error naming it. */
    @Test
    void jsonpathOutputPicksFieldsAndABadTemplateIsAUsageError() {
        api.answer("GET /groups/api", 200, FailoverCtlTest.GROUP);
        Run run = exec("status", "api", "-o", "jsonpath={.activeTarget} {.targets[*].health}{\"\\n\"}", "--url",
                api.url());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).isEqualTo("secondary UNHEALTHY HEALTHY\n");
        Run bare = exec("status", "api", "-o", "jsonpath={.epoch}", "--url", api.url());
        assertThat(bare.out()).as("no newline of its own, as kubectl").isEqualTo("2");

        Run bad = exec("status", "api", "-o", "jsonpath={range .targets[*]}", "--url", api.url());
        assertThat(bad.exit()).isEqualTo(Exits.USAGE);
        assertThat(bad.err()).contains("range, filters and functions are not supported");
        Run unknown = exec("status", "api", "-o", "xml", "--url", api.url());
        assertThat(unknown.exit()).isEqualTo(Exits.USAGE);
        assertThat(unknown.err()).contains("one of table, json, yaml, jsonpath=TEMPLATE, was 'xml'");
    }

    @Test
    void yamlOutputIsTheServersAnswerAsYaml() {
        api.answer("GET /groups/api", 200, FailoverCtlTest.GROUP);
        Run run = exec("status", "api", "-o", "yaml", "--url", api.url());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("group: api").contains("switchedFrom: primary").contains("epoch: 2")
                .doesNotContain("{");
    }

    @Test
    void anUnresolvableHostIsReportedAsSuchNotAsARefusedConnection() {
        Run run = exec("status", "--url", "http://no-such-decision-service.invalid:8280");
        assertThat(run.exit()).isEqualTo(Exits.NAME_NOT_RESOLVED);
        assertThat(run.err()).contains("no-such-decision-service.invalid").contains("DNS")
                .doesNotContain("connection refused");
    }

    /**
     * A bearer token over plain http to another host can be read by anyone on the path and used to act as its holder.
     * It is refused (exit 2, nothing sent) unless --insecure-http says so; this machine's own address is fine (a
     * port-forward, the demo).
     */
    @Test
    void aTokenIsNotSentOverPlainHttpToAnotherHostUnlessAskedFor() {
        String remote = "http://no-such-decision-service.invalid:8280";
        Run refused = exec("status", "--url", remote, "--token", "secret-token");
        assertThat(refused.exit()).as(refused.err()).isEqualTo(Exits.USAGE);
        assertThat(refused.err()).contains("plain http", "no-such-decision-service.invalid", "--insecure-http")
                .doesNotContain("secret-token");
        Run insecure = exec("status", "--url", remote, "--token", "secret-token", "--insecure-http");
        assertThat(insecure.exit()).as("sent anyway, so the name is looked up: " + insecure.err())
                .isEqualTo(Exits.NAME_NOT_RESOLVED);
        Run noToken = exec("status", "--url", remote);
        assertThat(noToken.exit()).as("no token, nothing to leak: " + noToken.err()).isEqualTo(Exits.NAME_NOT_RESOLVED);
        api.answer("GET /groups/api", 200, FailoverCtlTest.GROUP);
        Run loopback = exec("--url", api.url(), "--token", "t", "status", "api");
        assertThat(loopback.exit()).as("this machine over http: " + loopback.err()).isEqualTo(Exits.OK);
    }

    /** An explanation as a decision with a long run of probe results has it: each location's results and margins. */
    static final String WIDE_EXPLANATION = """
            {"group":"checkout-api-eu","decisionId":"0f9c2d4e-7b1a-4c3e-9d2f-5a6b7c8d9e0f","at":"2026-11-23T10:00:05.123456Z",
             "outcome":"SWITCHED","kind":"FAILOVER","fromTarget":"primary-eu-central-1","toTarget":"secondary-eu-west-1",
             "summary":"primary-eu-central-1 UNHEALTHY at 3 of 3 locations (quorum 2); secondary-eu-west-1 HEALTHY at 3 of 3 locations; dwell time and switch budget allow the move",
             "rules":[{"rule":"active-health","result":"FIRED","detail":"primary-eu-central-1 is UNHEALTHY at loc-frankfurt-a, loc-dublin-b and loc-virginia-c, the quorum of 2 is reached with one location to spare"}],
             "thresholds":{"failuresToDown":3,"successesToUp":5,"quorum":2,"dwellTimeSeconds":300,"flapWindowSeconds":900,"flapMaxTransitions":4,"dailySwitchBudget":6},
             "targets":[{"target":"primary-eu-central-1","health":"UNHEALTHY","margin":"1 location fewer DOWN and it would have held",
               "locations":[{"location":"loc-frankfurt-a","verdict":"DOWN","consecutiveFailures":12,"consecutiveSuccesses":0,
                 "margin":"5 successes to UP, then the dwell time","results":[
                 {"startedAt":"2026-11-23T10:00:01Z","outcome":"DOWN","partition":11,"offset":104201},
                 {"startedAt":"2026-11-23T10:00:02Z","outcome":"DOWN","partition":11,"offset":104202},
                 {"startedAt":"2026-11-23T10:00:03Z","outcome":"DOWN","partition":11,"offset":104203},
                 {"startedAt":"2026-11-23T10:00:04Z","outcome":"DOWN","partition":11,"offset":104204},
                 {"startedAt":"2026-11-23T10:00:05Z","outcome":"DOWN","partition":11,"offset":104205},
                 {"startedAt":"2026-11-23T10:00:06Z","outcome":"DOWN","partition":11,"offset":104206},
                 {"startedAt":"2026-11-23T10:00:07Z","outcome":"DOWN","partition":11,"offset":104207},
                 {"startedAt":"2026-11-23T10:00:08Z","outcome":"DOWN","partition":11,"offset":104208}]}]}]}""";

    @Test
    void explainFitsIn120Columns() {
        api.answer("GET /groups/checkout-api-eu/decisions/d-1/explanation", 200, WIDE_EXPLANATION);
        Run run = exec("explain", "checkout-api-eu", "d-1", "--url", api.url());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(120));
        assertThat(run.out()).contains("DOWN 10:00:08@11:104208").contains("flapMaxTransitions=4")
                .contains("5 successes to UP, then the dwell time");
    }

    @Test
    void retryAsksWithoutCurl() {
        api.answer("POST /groups/api/retry", 202, "{\"retryId\":\"r-1\",\"status\":\"sent\"}");
        Run run = exec("retry", "api", "-r", "the TSIG key was fixed", "--url", api.url());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(api.requests).extracting(FakeApi.Request::path).containsExactly("/groups/api/retry");
        assertThat(api.requests.get(0).body()).as("the reason sent, audited with the retry")
                .contains("\"reason\":\"the TSIG key was fixed\"");
        assertThat(exec("retry", "api", "--url", api.url()).exit()).as("a retry without a reason")
                .isEqualTo(Exits.USAGE);
    }

    @Test
    void statusAndHistoryFitIn120ColumnsToo() {
        String reason = "patching the eu-central-1 database cluster after the storage incident of this morning, see INC-4711 "
                + "and the change CHG-0815 for the plan and the rollback";
        api.answer("GET /groups/api", 200,
                FailoverCtlTest.GROUP.replace("\"reason\":\"patching\"", "\"reason\":\"" + reason
                        + "\",\"until\":\"2026-11-24T06:00:00Z\"")
                        .replace("planned switchover by alice: patching", reason));
        api.answer("GET /groups/api/history", 200,
                """
                {"decisions":[{"decisionId":"0f9c2d4e-7b1a-4c3e-9d2f-5a6b7c8d9e0f","epoch":12,"kind":"SWITCHOVER",
                  "fromTarget":"primary-eu-central-1","toTarget":"secondary-eu-west-1","issuedAt":"2026-11-23T10:00:05.123456Z",
                  "principal":"alice@example.com","reason":"%s"}],
                 "actions":[{"at":"2026-11-23T10:01:00Z","principal":"alice@example.com","action":"switchover","reason":"%s"}]}"""
                        .formatted(reason, reason));
        for (String verb : new String[] { "status", "history" }) {
            Run run = exec(verb, "api", "--url", api.url());
            assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
            assertThat(run.out().lines()).as(verb)
                    .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(120));
            assertThat(run.out().replaceAll("\\s+", " ")).as(verb).contains(reason);
        }
    }

    @Test
    void helpFitsAndDocumentsEveryExitCodeAndTheGlobalOptionsOnEachVerb() {
        Run top = exec("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(120));
        for (int code : new int[] { 0, 2, 3, 4, 5, 6, 7, 8, 9, 10 }) {
            assertThat(top.out()).containsPattern("exit " + code + " +\\S");
        }
        assertThat(top.out()).contains("retry").contains("config");
        assertThat(exec("status", "--help").out()).contains("--context").contains("--token-file")
                .contains("table, json or yaml");
    }
}
