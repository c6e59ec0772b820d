package dev.failover.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.SignedReports;
import dev.failover.ctl.exit.Exits;
import picocli.CommandLine;

/**
 * {@code failoverctl report} and {@code report verify}: a report signed with a real Ed25519 key verifies
 * offline; a changed one, or one signed by a key not trusted, is refused; an automatic decision's evidence is replayed by
 * the decision-service (a stand-in here; the real one in {@code SwitchReportApiTest}) and its rule path compared.
 */
class ReportCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RULES = "[{\"rule\":\"hold\",\"result\":\"PASSED\",\"detail\":\"automation runs\"},"
            + "{\"rule\":\"active-health\",\"result\":\"FIRED\",\"detail\":\"primary UNHEALTHY\"},"
            + "{\"rule\":\"destination\",\"result\":\"PASSED\",\"detail\":\"secondary eligible\"}]";
    static final String REPORT = """
            {"schemaVersion":1,"group":"api",
             "decision":{"schemaVersion":1,"decisionId":"d-1","group":"api","epoch":7,"kind":"FAILOVER","fromTarget":"primary",
               "toTarget":"secondary","reason":"primary down from 2 of 3 locations","issuedAt":"2026-11-28T10:00:05Z",
               "mode":"LIVE","principal":"automation"},
             "stages":{"failureToDecided":2000,"decidedToServed":600,"servedToObserved":1400,"failureToObserved":4000,
               "decidedToComplete":900},
             "explanation":{"group":"api","decisionId":"d-1","at":"2026-11-28T10:00:05Z","outcome":"SWITCHED","kind":"FAILOVER",
               "fromTarget":"primary","toTarget":"secondary","summary":"primary UNHEALTHY: failing over","rules":%s,
               "targets":[{"target":"primary","health":"UNHEALTHY","locations":[{"location":"loc-a","verdict":"DOWN",
                 "consecutiveFailures":3,"consecutiveSuccesses":0,"results":[{"startedAt":"2026-11-28T10:00:03Z",
                 "durationMillis":5,"outcome":"DOWN","failureReason":"CONNECTION_REFUSED","partition":0,"offset":41}]}]}]},
             "actuations":[{"at":"2026-11-28T10:00:05.400Z","decisionId":"d-1","epoch":7,"step":"DATABASE","status":"SUCCEEDED",
                 "provider":"postgres","detail":"promoted; loss exposure 0.2 s"},
               {"at":"2026-11-28T10:00:05.600Z","decisionId":"d-1","epoch":7,"step":"DNS_SWITCH","status":"SUCCEEDED",
                 "provider":"rfc2136","detail":"api.example.test A 192.0.2.20"}],
             "database":[{"at":"2026-11-28T10:00:05.400Z","decisionId":"d-1","epoch":7,"step":"DATABASE","status":"SUCCEEDED",
                 "provider":"postgres","detail":"promoted; loss exposure 0.2 s"}],
             "observed":{"decisionId":"d-1","kind":"FAILOVER","target":"secondary","failedAt":"2026-11-28T10:00:03Z",
               "decidedAt":"2026-11-28T10:00:05Z","servedAt":"2026-11-28T10:00:05.600Z",
               "observedAt":{"loc-b":"2026-11-28T10:00:06Z","loc-a":"2026-11-28T10:00:07Z"},
               "quorumAt":"2026-11-28T10:00:07Z","need":2,"of":3},
             "generatedAt":"2026-11-28T10:05:00Z","generatedBy":"decider-1"}""".formatted(RULES);

    @TempDir
    Path dir;
    final FakeApi api = new FakeApi();
    RecordSigner signer;
    Path trusted;

    @BeforeEach
    void keys() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        signer = new RecordSigner("decision-1", pair.getPrivate());
        trusted = Files.createDirectories(dir.resolve("trusted"));
        Files.writeString(trusted.resolve("decision-1.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
    }

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

    String signed(String reportJson) throws Exception {
        JsonNode report = JSON.readTree(reportJson);
        SignedReports.Signature signature = SignedReports.sign(signer, "api", report);
        ObjectNode document = JSON.createObjectNode();
        document.set("report", report);
        document.set("signature", JSON.valueToTree(signature));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document); // as -o json writes it: indented
    }

    @Test
    void aSignedReportVerifiesOfflineAndAChangedOneIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("report.json"), signed(REPORT));
        Run ok = run("report", "verify", file.toString(), "--trusted-keys", trusted.toString(), "--no-replay");
        assertThat(ok.exit()).as(ok.err()).isEqualTo(Exits.OK);
        assertThat(ok.out())
                .contains("signature valid (key decision-1): group api, decision d-1 FAILOVER primary -> secondary");
        assertThat(api.requests).isEmpty();

        // the loss exposure edited after the fact
        Path tampered = Files.writeString(dir.resolve("tampered.json"), Files.readString(file)
                .replace("loss exposure 0.2 s", "loss exposure 0.0 s"));
        Run refused = run("report", "verify", tampered.toString(), "--trusted-keys", trusted.toString(), "--no-replay");
        assertThat(refused.exit()).isEqualTo(Exits.REPORT_REFUSED);
        assertThat(refused.err()).contains("refused, the signature does not verify: BAD_SIGNATURE");

        Path otherKeys = Files.createDirectories(dir.resolve("other"));
        Run unknown = run("report", "verify", file.toString(), "--trusted-keys", otherKeys.toString(), "--no-replay");
        assertThat(unknown.exit()).isEqualTo(Exits.REPORT_REFUSED);
        assertThat(unknown.err()).contains("UNKNOWN_KEY");
    }

    @Test
    void anAutomaticDecisionIsReplayedAndItsRulePathCompared() throws Exception {
        Path file = Files.writeString(dir.resolve("report.json"), signed(REPORT));
        api.answer("POST /groups/api/replay", 200, "{\"group\":\"api\",\"outcome\":\"SWITCHED\",\"kind\":\"FAILOVER\","
                + "\"toTarget\":\"secondary\",\"rules\":" + RULES + "}");
        Run same = run("report", "verify", file.toString(), "--trusted-keys", trusted.toString());
        assertThat(same.exit()).as(same.err()).isEqualTo(Exits.OK);
        assertThat(same.out()).contains("replayed: the recorded evidence (1 results, with their Kafka offsets) decides "
                + "FAILOVER to secondary again, by the same rule path [hold PASSED, active-health FIRED, destination PASSED]");
        // what was sent to be replayed is the signed explanation itself
        assertThat(JSON.readTree(api.requests.get(0).body())).isEqualTo(JSON.readTree(Files.readString(file))
                .path("report").path("explanation"));

        api.answer("POST /groups/api/replay", 200, "{\"group\":\"api\",\"outcome\":\"HELD\",\"rules\":"
                + RULES.replace("\"FIRED\"", "\"HELD\"") + "}");
        Run other = run("report", "verify", file.toString(), "--trusted-keys", trusted.toString());
        assertThat(other.exit()).isEqualTo(Exits.REPORT_REFUSED);
        assertThat(other.err()).contains("the replay of the recorded evidence decides otherwise: HELD");
    }

    @Test
    void anOperatorsDecisionIsNotReplayed() throws Exception {
        Path file = Files.writeString(dir.resolve("report.json"),
                signed(REPORT.replace("\"kind\":\"FAILOVER\",\"fromTarget\"",
                        "\"kind\":\"SWITCHOVER\",\"fromTarget\"")
                        .replace("\"principal\":\"automation\"", "\"principal\":\"alice\"")));
        Run run = run("report", "verify", file.toString(), "--trusted-keys", trusted.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("not replayed: SWITCHOVER is alice's decision, not the rules'");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void theReportOfTheLatestDecisionIsMarkdownWithItsStagesAndATimeline() throws Exception {
        api.answer("GET /groups/api", 200, "{\"group\":\"api\",\"recentDecisions\":[{\"decisionId\":\"d-1\"}]}");
        api.answer("GET /groups/api/decisions/d-1/report", 200, signed(REPORT));
        Run run = run("report", "api");
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("# Failover report: group api, decision d-1",
                "| failure → decided (detection) | 2.000 s |",
                "| **failure → observed: the failover as clients see it** | 4.000 s |",
                "| data loss exposure (RPO) | DATABASE SUCCEEDED: promoted; loss exposure 0.2 s |",
                "```mermaid\ngantt", "  section clients",
                "| hold | PASSED | automation runs |",
                "| primary | UNHEALTHY | DOWN (3 failed, 0 ok; 1 results) |",
                "| loc-b | 2026-11-28T10:00:06Z | 1.000 s |");
        assertThat(run.out()).as("a switch of one provider has no providers' table").doesNotContain("## Providers");
        assertThat(run.out()).as("nor one no provider's server observed").doesNotContain("| provider | every server",
                "provider servers");
        Run json = run("report", "api", "d-1", "-o", "json");
        assertThat(JSON.readTree(json.out()).path("signature").path("keyId").asText()).isEqualTo("decision-1");
    }

    @Test
    void aSwitchOfSeveralProvidersHasARowPerLane() throws Exception {
        String lanes = "\"lanes\":[{\"lane\":\"r53\",\"kind\":\"route53\",\"state\":\"SERVED\","
                + "\"decidedToServed\":2300,\"results\":3},{\"lane\":\"knot\",\"kind\":\"rfc2136\","
                + "\"state\":\"CONVERGING\",\"results\":31}],";
        api.answer("GET /groups/api/decisions/d-1/report", 200, signed(REPORT.replace("\"observed\":", lanes
                + "\"observed\":")));
        Run run = run("report", "api", "d-1");
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("## Providers\n\n| provider | kind | end state | decided → served | results |\n"
                + "|---|---|---|---|---|\n| r53 | route53 | SERVED | 2.300 s | 3 |\n| knot | rfc2136 | CONVERGING | - | 31 |\n");
    }

    @Test
    void aSwitchObservedByProvidersServersHasARowPerProvider() throws Exception {
        api.answer("GET /groups/api/decisions/d-1/report", 200, signed(REPORT.replace("\"need\":2,\"of\":3}",
                "\"need\":2,\"of\":3,\"providers\":{\"bind\":\"2026-11-28T10:00:06.500Z\",\"knot\":null}}")));
        Run run = run("report", "api", "d-1");
        assertThat(run.exit()).as(run.err()).isEqualTo(Exits.OK);
        assertThat(run.out()).contains("| provider | every server answers secondary since | after the decision |\n"
                + "|---|---|---|\n| bind | 2026-11-28T10:00:06.500Z | 1.500 s |\n| knot | not yet | - |\n",
                "  section provider servers\n  bind servers : ");
    }
}
