package dev.failover.decision.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestProbeResults;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The override API with real signed tokens, against the real broker: every write goes through Kafka to the owner. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class OverrideApiTest {

    static final String OPERATOR = ApiTokens.operator("alice");
    static final String VIEWER = ApiTokens.viewer("victor");

    /** The probe results of the test, sent while it runs. */
    TopicClient probes;
    ScheduledExecutorService prober;

    /**
     * Primary UP and secondary DOWN at all three locations, reported every 300 ms for as long as the test runs, as live
     * probes would: a switchover or a pin needs a success newer than the probe interval at a quorum of locations, and
     * results sent once went stale while a test took its steps on a loaded machine (a fresh clone's suite saw a
     * switchover refused "only 0 location(s) have a success newer than PT2S"). Waits until the view shows it.
     */
    @BeforeEach
    void primaryUpSecondaryDown() {
        probes = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
        prober = Executors.newSingleThreadScheduledExecutor();
        prober.scheduleAtFixedRate(() -> {
            Instant now = Instant.now();
            for (String location : TestTopology.LOCATIONS) {
                probes.send(Topics.PROBE_RESULTS, TestTopology.GROUP, EventCodec.instance()
                        .encode(TestProbeResults.up(TestTopology.GROUP, TestTopology.PRIMARY, location, now)));
                probes.send(Topics.PROBE_RESULTS, TestTopology.GROUP, EventCodec.instance().encode(ProbeResult
                        .of(TestTopology.GROUP, TestTopology.SECONDARY, "r", location, now, ProbeOutcome.DOWN)
                        .durationMillis(1L).failureReason(FailureReason.CONNECTION_REFUSED).build()));
            }
        }, 0, 300, TimeUnit.MILLISECONDS);
        await("GET /groups/api showing primary HEALTHY and secondary UNHEALTHY").atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    String health = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract()
                            .path("targets.collect { it.target + '=' + it.health }.join(',')");
                    assertThat(health).as("health per target").contains("primary=HEALTHY", "secondary=UNHEALTHY");
                });
    }

    /**
     * The probes stop; a pin or a pause a test left (it failed before its release) is taken back, so that the next
     * test does not fail for it.
     */
    @AfterEach
    void stopProbesAndRelease() throws InterruptedException {
        prober.shutdownNow();
        prober.awaitTermination(10, TimeUnit.SECONDS); // a send under way ends before its client closes
        probes.close();
        String automation = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract()
                .path("automation");
        if ("PINNED".equals(automation)) {
            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"test clean-up\"}")
                    .post("/groups/api/release").then().statusCode(200);
        } else if ("PAUSED".equals(automation)) {
            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"test clean-up\"}")
                    .post("/groups/api/resume").then().statusCode(200);
        }
    }

    /**
     * ADR 0025: a retry for the actuator that drives the group goes out on failover.decisions under the group's key,
     * signed like a decision and marked as a retry, with who asked and why; it needs an operator and a reason.
     */
    @Test
    void aRetryIsHandedToTheDrivingActuatorOnTheGroupsPartitionSignedAndMarked() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            String retryId = given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                    .body("{\"reason\":\"the IAM policy was fixed\"}").post("/groups/api/retry").then().statusCode(202)
                    .body("status", equalTo("sent")).body("message", containsString("GET /groups/api")).extract()
                    .path("retryId");
            var record = decisions.await(r -> r.value().contains(retryId), Duration.ofSeconds(30));
            assertThat(record.key()).isEqualTo(TestTopology.GROUP);
            assertThat(TopicClient.header(record, Topics.RECORD_HEADER)).isEqualTo(ActuatorRetry.RECORD);
            assertThat(TopicClient.header(record, Topics.SIGNATURE_KEY_ID_HEADER))
                    .isEqualTo(TestSigningKeys.shared().signer().keyId());
            ActuatorRetry retry = EventCodec.instance().decode(record.value(), ActuatorRetry.class);
            assertThat(retry.principal()).isEqualTo("alice");
            assertThat(retry.reason()).isEqualTo("the IAM policy was fixed");
        }
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body("{\"reason\":\"r\"}").post("/groups/api/retry")
                .then().statusCode(403);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{}").post("/groups/api/retry")
                .then().statusCode(422).body("field", equalTo("reason"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"r\"}")
                .post("/groups/nope/retry")
                .then().statusCode(404).body("field", equalTo("group"));
    }

    @Test
    void readsNeedAValidTokenWithAViewerOrOperatorRole() {
        given().get("/groups").then().statusCode(401);
        given().auth().oauth2("not-a-token").get("/groups").then().statusCode(401);
        given().auth().oauth2(ApiTokens.withRoles("mallory", "guest")).get("/groups").then().statusCode(403);
        given().auth().oauth2(VIEWER).get("/groups").then().statusCode(200).body("group", hasItem("api"));
        given().auth().oauth2(OPERATOR).get("/groups/api/history").then().statusCode(200);
        given().auth().oauth2(VIEWER).get("/groups/nope").then().statusCode(404).body("field", equalTo("group"));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("failover_decision_quorum_lost"))
                // the only instance decides every group
                .body(containsString("failover_decision_group_owned{group=\"api\"} 1.0"));
    }

    /** What the instance says about itself at start (the shared PlaneInfoReport), under this service's name. */
    @Test
    void thePlaneInfoNamesThisService() {
        given().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*\nfailover_build_info\\{[^}]*service=\"decision-service\"[^}]*} 1\\.0\n.*"))
                .body(matchesPattern(
                        "(?s).*\nfailover_topology_info\\{[^}]*service=\"decision-service\"[^}]*} 1\\.0\n.*"));
    }

    @Test
    void writesNeedTheOperatorRole() {
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body("{\"reason\":\"r\"}").post("/groups/api/pause")
                .then().statusCode(403);
        given().contentType(ContentType.JSON).body("{\"reason\":\"r\"}").post("/groups/api/pause").then()
                .statusCode(401);
    }

    @Test
    void badInputGetsAPreciseError() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"r\"}")
                .post("/groups/nope/pause")
                .then().statusCode(404);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"target\":\"mars\",\"reason\":\"r\"}")
                .post("/groups/api/pin").then().statusCode(422).body("field", equalTo("target"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"until\":\"tomorrow\",\"reason\":\"r\"}")
                .post("/groups/api/pin").then().statusCode(422).body("field", equalTo("until"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"until\":\"2001-01-01T00:00:00Z\",\"reason\":\"r\"}")
                .post("/groups/api/pin").then().statusCode(422).body("field", equalTo("until"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"target\":\"primary\"}")
                .post("/groups/api/pin").then().statusCode(422).body("field", equalTo("reason"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"r\",\"durationMinutes\":0}")
                .post("/groups/api/drills").then().statusCode(422).body("field", equalTo("durationMinutes"));
    }

    @Test
    void pinningAnUnhealthyTargetIsAConflictThatForceOverrides() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"secondary\",\"reason\":\"db migration\"}")
                .post("/groups/api/pin").then().statusCode(409)
                .body("message", containsString("secondary is UNHEALTHY"));

        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS)) {
            // put traffic on the primary first (whatever earlier tests left), then break glass to the broken secondary
            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                    .body("{\"target\":\"primary\",\"reason\":\"known good\"}")
                    .post("/groups/api/force").then().statusCode(200).body("status", equalTo("applied"));
            String decisionId = given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                    .body("{\"target\":\"secondary\",\"reason\":\"probes are wrong, checked by hand\"}")
                    .post("/groups/api/force").then().statusCode(200).body("status", equalTo("applied"))
                    .body("group.activeTarget", equalTo("secondary")).extract().path("decisionIds[0]");
            Decision forced = EventCodec.instance().decode(decisions.await(r -> r.value().contains(decisionId),
                    Duration.ofSeconds(30)).value(), Decision.class);
            assertThat(forced.kind()).isEqualTo(DecisionKind.FORCE);
            assertThat(forced.principal()).isEqualTo("alice");
            assertThat(forced.reason()).contains("probes are wrong");
        }
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"done\"}")
                .post("/groups/api/release").then().statusCode(200);
        given().auth().oauth2(VIEWER).get("/groups/api/history").then().statusCode(200)
                .body("actions.principal", hasItem("alice"))
                .body("actions.reason", hasItem("probes are wrong, checked by hand"));
    }

    /**
     * A planned switchover through the API: refused to the UNHEALTHY secondary and to the active target, applied to the
     * HEALTHY primary (a SWITCHOVER decision, pinned, remembering where it came from), and its abort refused while the
     * target it would return to is UNHEALTHY.
     */
    @Test
    void aSwitchoverGoesOnlyToAHealthyTargetAndItsAbortOnlyBackToOne() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"reason\":\"setup\"}")
                .post("/groups/api/force").then().statusCode(200);
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body("{\"target\":\"secondary\",\"reason\":\"r\"}")
                .post("/groups/api/switchover").then().statusCode(403);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"r\"}")
                .post("/groups/api/switchover").then().statusCode(422).body("field", equalTo("target"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"target\":\"primary\",\"reason\":\"r\"}")
                .post("/groups/api/switchover").then().statusCode(422)
                .body("message", containsString("already active"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"secondary\",\"reason\":\"r\"}")
                .post("/groups/api/switchover").then().statusCode(409)
                .body("message", containsString("secondary is UNHEALTHY, not HEALTHY"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"r\"}")
                .post("/groups/api/switchover/abort").then().statusCode(409)
                .body("message", containsString("use release"));

        // traffic on the broken secondary by break glass; a planned switchover takes it back to the HEALTHY primary
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"secondary\",\"reason\":\"setup\"}")
                .post("/groups/api/force").then().statusCode(200);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"reason\":\"patching us-west-2\"}")
                .post("/groups/api/switchover").then().statusCode(200).body("status", equalTo("applied"))
                .body("group.activeTarget", equalTo("primary")).body("group.automation", equalTo("PINNED"))
                .body("group.pin.switchedFrom", equalTo("secondary"))
                .body("group.recentDecisions.kind", hasItem("SWITCHOVER"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"postponed\"}")
                .post("/groups/api/switchover/abort").then().statusCode(409)
                .body("message", containsString("secondary, which is UNHEALTHY"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"staying on the primary\"}")
                .post("/groups/api/release").then().statusCode(200);
    }

    /**
     * The "why" through the API: the group's last evaluation with the rules and each location's results, which came
     * through Kafka and so carry their partition and offset; a forced decision's explanation names the operator.
     */
    /**
     * A switch's report through the API, signed with the decision-service's key over its compact JSON;
     * the trusted public keys verify it, a changed report does not; its explanation replays through POST /replay.
     */
    @Test
    void aSwitchsReportIsSignedWithTheDecisionKeyAndItsEvidenceReplays() throws Exception {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"reason\":\"setup\"}")
                .post("/groups/api/force").then().statusCode(200);
        String decisionId = given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"secondary\",\"reason\":\"report me\"}").post("/groups/api/force").then()
                .statusCode(200).extract().path("decisionIds[0]");
        given().get("/groups/api/decisions/" + decisionId + "/report").then().statusCode(401);
        String body = given().auth().oauth2(VIEWER).get("/groups/api/decisions/" + decisionId + "/report").then()
                .statusCode(200).extract().asString();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode document = json.readTree(body);
        com.fasterxml.jackson.databind.JsonNode report = document.path("report");
        assertThat(report.path("decision").path("decisionId").asText()).isEqualTo(decisionId);
        assertThat(report.path("decision").path("kind").asText()).isEqualTo("FORCE");
        assertThat(report.path("explanation").path("rules").path(0).path("detail").asText()).contains("report me");
        assertThat(report.path("stages").isObject()).isTrue();
        dev.failover.contract.signing.SignedReports.Signature signature = new dev.failover.contract.signing.SignedReports.Signature(
                document.path("signature").path("keyId").asText(), document.path("signature").path("value").asText());
        assertThat(signature.keyId()).isEqualTo(dev.failover.testkit.signing.TestSigningKeys.SIGNER_KEY_ID);
        dev.failover.contract.signing.TrustedKeys trusted = dev.failover.testkit.signing.TestSigningKeys.shared()
                .trustedKeys();
        assertThat(dev.failover.contract.signing.SignedReports.verify(trusted, "api", report, signature).isValid())
                .isTrue();
        ((com.fasterxml.jackson.databind.node.ObjectNode) report.path("decision")).put("toTarget", "primary");
        assertThat(dev.failover.contract.signing.SignedReports.verify(trusted, "api", report, signature).outcome())
                .isEqualTo(dev.failover.contract.signing.Verification.Outcome.BAD_SIGNATURE);

        // the explanation replays through a fresh core (an operator's force: the rules alone do not make it)
        String explanation = json.writeValueAsString(json.readTree(body).path("report").path("explanation"));
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body(explanation).post("/groups/api/replay").then()
                .statusCode(200).body("group", equalTo("api")).body("rules.rule", hasItem("hold"));
        given().auth().oauth2(VIEWER).contentType(ContentType.JSON).body(explanation.replace("\"group\":\"api\"",
                "\"group\":\"other\"")).post("/groups/api/replay").then().statusCode(422)
                .body("field", equalTo("group"));
        given().auth().oauth2(VIEWER).get("/groups/api/decisions/no-such-decision/report").then().statusCode(404)
                .body("field", equalTo("decisionId"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"reported\"}")
                .post("/groups/api/release").then().statusCode(200);
    }

    @Test
    void explanationsNameTheRulesTheEvidenceWithItsKafkaPositionsAndTheOperator() {
        given().get("/groups/api/explanation").then().statusCode(401);
        given().auth().oauth2(VIEWER).get("/groups/api/explanation").then().statusCode(200)
                .body("group", equalTo("api")).body("rules.rule", hasItem("active-health"))
                .body("thresholds.quorum", equalTo(2))
                .body("targets.find { it.target == 'primary' }.locations[0].results[0].offset", notNullValue())
                .body("targets.find { it.target == 'primary' }.locations[0].results[0].partition", notNullValue());
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"reason\":\"setup\"}")
                .post("/groups/api/force").then().statusCode(200);
        String decisionId = given().auth().oauth2(OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"secondary\",\"reason\":\"explain me\"}").post("/groups/api/force").then()
                .statusCode(200).extract().path("decisionIds[0]");
        given().auth().oauth2(VIEWER).get("/groups/api/decisions/" + decisionId + "/explanation").then().statusCode(200)
                .body("outcome", equalTo("SWITCHED")).body("kind", equalTo("FORCE"))
                .body("fromTarget", equalTo("primary"))
                .body("rules[0].rule", equalTo("operator")).body("rules[0].detail", containsString("explain me"))
                .body("rules[1].detail", containsString("secondary is UNHEALTHY (break glass: health not required)"));
        given().auth().oauth2(VIEWER).get("/groups/api/decisions/no-such-decision/explanation").then().statusCode(404)
                .body("field", equalTo("decisionId"));
        given().auth().oauth2(VIEWER).get("/groups/nope/explanation").then().statusCode(404).body("field",
                equalTo("group"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"explained\"}")
                .post("/groups/api/release").then().statusCode(200);
    }

    @Test
    void pauseAndResumeAreRecordedWithTheCaller() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"change window\"}")
                .post("/groups/api/pause").then().statusCode(200);
        given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).body("automation", equalTo("PAUSED"))
                .body("pause.principal", equalTo("alice"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"window over\"}")
                .post("/groups/api/resume").then().statusCode(200);
        given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).body("automation", equalTo("RUNNING"));
    }

    @Test
    void aDrillNeedsEveryTargetHealthy() {
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"monthly\"}")
                .post("/groups/api/drills").then().statusCode(409)
                .body("message", containsString("every target is HEALTHY"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyActsOnceAndGetsTheFirstOutcome() {
        String reason = "retried " + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        var first = given().auth().oauth2(OPERATOR).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"reason\":\"" + reason + "\"}").post("/groups/api/pause").then().statusCode(200)
                .body("status", equalTo("applied")).extract();
        var retry = given().auth().oauth2(OPERATOR).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"reason\":\"" + reason + "\"}").post("/groups/api/pause").then().statusCode(200)
                .body("status", equalTo("applied")).extract();
        assertThat(retry.<String>path("commandId")).as("command id of the retry").isEqualTo(first.path("commandId"));
        assertThat(retry.<String>path("message")).as("outcome of the retry").isEqualTo(first.path("message"));

        // the owner has seen the retry's command (and not acted on it) once it counts a repeat
        await("the owner counting the retried PAUSE as a repeat").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(given().get("/q/metrics").then()
                        .statusCode(200).extract().asString()).as("metrics")
                        .contains("failover_decision_commands_total{result=\"REPEATED\",type=\"PAUSE\"}"));
        List<String> reasons = given().auth().oauth2(VIEWER).get("/groups/api/history").then().statusCode(200).extract()
                .path("actions.reason");
        assertThat(reasons).as("audit entries of the retried pause").filteredOn(reason::equals).hasSize(1);

        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"retry test over\"}")
                .post("/groups/api/resume").then().statusCode(200);
    }

    /** Seen: pause with K1, then pin with K1, answered 200 "applied" with the pause's id and no pin made. */
    @Test
    void anIdempotencyKeyReusedForAnotherCommandIsRefusedNamingTheHeaderAndTheFirstCommand() {
        String key = UUID.randomUUID().toString();
        String firstId = given().auth().oauth2(OPERATOR).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"reason\":\"first use of the key\"}").post("/groups/api/pause").then().statusCode(200)
                .body("status", equalTo("applied")).extract().path("commandId");

        var reused = given().auth().oauth2(OPERATOR).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"target\":\"primary\",\"reason\":\"second use of the key\"}").post("/groups/api/pin").then()
                .extract();
        assertThat(reused.statusCode()).as("status of a pin sent with the key of a pause: " + reused.asString())
                .isEqualTo(422);
        assertThat(reused.<String>path("field")).as("field").isEqualTo("Idempotency-Key");
        assertThat(reused.<String>path("message")).as("message").contains("Idempotency-Key", "PAUSE", "PIN");
        given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).body("automation", equalTo("PAUSED"));

        // the same command again with that key is still the retry of the first: its first outcome
        given().auth().oauth2(OPERATOR).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"reason\":\"first use of the key, edited reason\"}").post("/groups/api/pause").then()
                .statusCode(200)
                .body("status", equalTo("applied")).body("commandId", equalTo(firstId));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"reason\":\"reuse test over\"}")
                .post("/groups/api/resume").then().statusCode(200);
    }

    @Test
    void aBadIdempotencyKeyIsRefusedNamingTheHeader() {
        for (String bad : new String[] { "two words", "k".repeat(256), "quote\"inside" }) {
            given().auth().oauth2(OPERATOR).header("Idempotency-Key", bad).contentType(ContentType.JSON)
                    .body("{\"reason\":\"r\"}").post("/groups/api/resume").then().statusCode(400)
                    .body("field", equalTo("Idempotency-Key")).body("message", containsString("Idempotency-Key"));
        }
    }

    /** As after an offset reset: a command issued an hour ago is read again from failover.commands. */
    @Test
    void anOldCommandReplayedFromTheTopicIsExpiredAndNotApplied() {
        String reason = "replayed " + UUID.randomUUID();
        String before = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract()
                .path("activeTarget");
        String forceTo = TestTopology.PRIMARY.equals(before) ? TestTopology.SECONDARY : TestTopology.PRIMARY;
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            client.sendSigned(Topics.COMMANDS, TestTopology.GROUP, EventCodec.instance().encode(new OperatorCommand(1,
                    UUID.randomUUID().toString(), TestTopology.GROUP, CommandType.FORCE, forceTo, null, null, reason,
                    "mallory",
                    Instant.now().minus(Duration.ofHours(1)))), TestSigningKeys.shared().signer());
        }
        await("the replayed FORCE rejected as EXPIRED in the audit").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    List<String> expired = given().auth().oauth2(VIEWER).get("/groups/api/history").then()
                            .statusCode(200)
                            .extract().path("actions.findAll { it.reason.contains('" + reason + "') }.action");
                    assertThat(expired).as("audit actions naming the replayed command")
                            .containsExactly("rejected EXPIRED: Force");
                });
        var view = given().auth().oauth2(VIEWER).get("/groups/api").then().statusCode(200).extract();
        assertThat(view.<String>path("activeTarget")).as("active target after the replay").isEqualTo(before);
        assertThat(view.<List<String>>path("recentDecisions.reason")).as("reasons of recent decisions")
                .noneMatch(r -> r.contains(reason));
        assertThat(view.<String>path("pin.principal")).as("pin holder").isNotEqualTo("mallory");
    }

    @Test
    void theApiIsDocumented() {
        given().get("/q/openapi?format=json").then().statusCode(200).body(containsString("/groups/{group}/pin"))
                .body(containsString("bearer"));
    }
}
