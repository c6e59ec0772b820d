package dev.failover.actuator.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The actuator's API is behind the decision-service's JWT identity (same key, issuer, token age and namespaced roles,
 * its own audience): viewer to read, operator to ask a group to be tried again; health and metrics stay open.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithTestResource(DemoBackendsResource.class)
class ActuatorApiSecurityTest {

    static final String RETRY = "/groups/" + TestTopology.GROUP + "/retry";

    /** The group is driven by this instance (it has a decision), so a retry by an operator is accepted. */
    static boolean decided;

    @BeforeEach
    void aDecisionForTheGroup() {
        if (decided) {
            return;
        }
        decided = true;
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers())) {
            Decision decision = new Decision(1, UUID.randomUUID().toString(), TestTopology.GROUP, 7L,
                    DecisionKind.FAILOVER,
                    TestTopology.PRIMARY, TestTopology.SECONDARY, "test", List.of(), Instant.now(), DecisionMode.LIVE,
                    Decision.AUTOMATION);
            client.sendSigned(Topics.DECISIONS, TestTopology.GROUP, EventCodec.instance().encode(decision),
                    TestSigningKeys.shared().signer());
        }
        await("the group driven here").atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .auth().oauth2(ApiTokens.viewer()).get("/groups/" + TestTopology.GROUP).then().statusCode(200)
                .body("desiredEpoch", equalTo(7)));
    }

    static Stream<Arguments> refusedRetries() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                Arguments.of("no token", null, 401),
                Arguments.of("a garbage token", "not.a.token", 401),
                Arguments.of("a token for the decision-service's API (audience)",
                        ApiTokens.claims("alice", "failover-operator").audience("failover-decision-service").sign(),
                        401),
                Arguments.of("a token from another issuer",
                        ApiTokens.claims("alice", "failover-operator").issuer("someone-else").sign(), 401),
                Arguments.of("a token older than the maximum age, though not expired",
                        ApiTokens.claims("alice", "failover-operator").issuedAt(now - 2 * 3600).expiresAt(now + 3600)
                                .sign(),
                        401),
                Arguments.of("a viewer's token", ApiTokens.viewer(), 403),
                Arguments.of("the generic role name operator", ApiTokens.withRoles("alice", "operator"), 403));
    }

    @ParameterizedTest(name = "a retry with {0} is refused")
    @MethodSource("refusedRetries")
    void aRetryNeedsAnOperatorsTokenForThisApi(String name, String token, int status) {
        (token == null ? given() : given().auth().oauth2(token)).post(RETRY).then().statusCode(status);
    }

    @Test
    void anOperatorMayRetry() {
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json")
                .body("{\"reason\": \"the TSIG key was fixed\"}").post(RETRY).then().statusCode(202);
    }

    /** A retry says why (recorded with who asked); without a reason it is refused naming the field. */
    @Test
    void aRetryWithoutAReasonIsRefusedNamingTheField() {
        given().auth().oauth2(ApiTokens.operator()).post(RETRY).then().statusCode(422)
                .body("field", org.hamcrest.Matchers.equalTo("reason"));
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json").body("{\"reason\": \"  \"}")
                .post(RETRY).then().statusCode(422).body("field", org.hamcrest.Matchers.equalTo("reason"));
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json")
                .body("{\"reason\": \"" + "x".repeat(501) + "\"}").post(RETRY).then().statusCode(422)
                .body("message", org.hamcrest.Matchers.containsString("longer than 500"));
    }

    @Test
    void readsNeedAViewerOrOperator() {
        for (String path : List.of("/groups", "/groups/" + TestTopology.GROUP, "/actuations", "/permissions")) {
            given().get(path).then().statusCode(401);
            given().auth().oauth2("garbage").get(path).then().statusCode(401);
            given().auth().oauth2(ApiTokens.withRoles("carol", "viewer")).get(path).then().statusCode(403);
            given().auth().oauth2(ApiTokens.viewer()).get(path).then().statusCode(200);
            given().auth().oauth2(ApiTokens.operator()).get(path).then().statusCode(200);
        }
    }

    /** A start-up guard's question needs a viewer's token; a target without a database node is a 404 naming it. */
    @Test
    void theStartCheckNeedsAViewerAndNamesATargetWithoutADatabase() {
        String path = "/groups/" + TestTopology.GROUP + "/targets/" + TestTopology.PRIMARY + "/start-check";
        given().get(path).then().statusCode(401);
        given().auth().oauth2(ApiTokens.withRoles("carol", "viewer")).get(path).then().statusCode(403);
        given().auth().oauth2(ApiTokens.viewer()).get(path).then().statusCode(404).body("field", equalTo("target"));
    }

    /**
     * An answer to a Region switch approval step needs an operator, a step and a reason (each named when missing); a
     * group that names no plan has nothing waiting: 409 saying so, and nothing is published.
     */
    @Test
    void aRegionSwitchApprovalNeedsAnOperatorAStepAndAReason() {
        String path = "/groups/" + TestTopology.GROUP + "/region-switch/approve";
        given().post(path).then().statusCode(401);
        given().auth().oauth2(ApiTokens.viewer()).contentType("application/json")
                .body("{\"step\": \"approve-database\", \"reason\": \"checked\"}").post(path).then().statusCode(403);
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json").body("{\"reason\": \"checked\"}")
                .post(path).then().statusCode(422).body("field", equalTo("step"));
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json")
                .body("{\"step\": \"approve-database\"}")
                .post(path).then().statusCode(422).body("field", equalTo("reason"));
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json").body("not json").post(path).then()
                .statusCode(422).body("field", equalTo("body"));
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json")
                .body("{\"step\": \"approve-database\", \"reason\": \"checked\"}").post(path).then().statusCode(409)
                .body("message", org.hamcrest.Matchers.containsString("names no Region switch plan"));
        given().auth().oauth2(ApiTokens.operator()).contentType("application/json")
                .body("{\"step\": \"x\", \"reason\": \"checked\"}").post("/groups/nope/region-switch/approve").then()
                .statusCode(404);
    }

    @Test
    void healthAndMetricsStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    /** What the instance says about itself at start (the shared PlaneInfoReport), under this service's name. */
    @Test
    void thePlaneInfoNamesThisService() {
        given().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*\nfailover_build_info\\{[^}]*service=\"actuator-service\"[^}]*} 1\\.0\n.*"))
                .body(matchesPattern(
                        "(?s).*\nfailover_topology_info\\{[^}]*service=\"actuator-service\"[^}]*} 1\\.0\n.*"));
    }
}
