package dev.failover.decision.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.signing.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The API's edge: which tokens are accepted (audience, age, namespaced roles) and what bad input gets — always a 4xx
 * naming the field, never a 5xx, never parser or broker internals. Every request here is refused before it reaches
 * Kafka, so none of them changes the group.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class ApiBoundaryTest {

    static final String OPERATOR = ApiTokens.operator("alice");

    @TestHTTPResource("/groups/api/pause")
    URI pause;

    static Stream<Arguments> refusedTokens() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                Arguments.of("issued for another application (audience)",
                        ApiTokens.claims("alice", GroupsResource.OPERATOR).audience("billing-service").sign(), 401),
                Arguments.of("without an audience",
                        io.smallrye.jwt.build.Jwt.upn("alice").issuer(ApiTokens.ISSUER)
                                .groups(GroupsResource.OPERATOR).expiresIn(600).sign(),
                        401),
                Arguments.of("older than the maximum age, though not expired",
                        ApiTokens.claims("alice", GroupsResource.OPERATOR).issuedAt(now - 2 * 3600)
                                .expiresAt(now + 3600)
                                .sign(),
                        401),
                Arguments.of("from another issuer",
                        ApiTokens.claims("alice", GroupsResource.OPERATOR).issuer("someone-else").sign(), 401),
                Arguments.of("with the old, generic role name operator", ApiTokens.withRoles("alice", "operator"), 403),
                Arguments.of("with the old, generic role name viewer", ApiTokens.withRoles("alice", "viewer"), 403));
    }

    @ParameterizedTest(name = "a token {0} is refused")
    @MethodSource("refusedTokens")
    void tokensThatAreNotForThisApiAreRefused(String name, String token, int status) {
        given().auth().oauth2(token).get("/groups").then().statusCode(status);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"reason\":\"r\"}").post("/groups/api/pause")
                .then().statusCode(status);
    }

    @Test
    void aValidTokenOfEachRoleIsAccepted() {
        given().auth().oauth2(ApiTokens.viewer("victor")).get("/groups").then().statusCode(200);
        given().auth().oauth2(OPERATOR).get("/groups").then().statusCode(200);
        long now = Instant.now().getEpochSecond();
        given().auth()
                .oauth2(ApiTokens.claims("alice", GroupsResource.VIEWER).issuedAt(now - 1800).expiresAt(now + 600)
                        .sign())
                .get("/groups").then().statusCode(200); // within the maximum age
    }

    /** Before the limit, a well-formed 1 MB reason was answered 503 with the broker's size limit in the body. */
    @Test
    void aBodyOverTheLimitIs413AndNeverReachesKafka() throws Exception {
        String body = "{\"reason\":\"" + "x".repeat(1024 * 1024) + "\"}";
        // Expect: 100-continue, as curl sends for a large body: the refusal comes before the body is sent, so the
        // client never writes into a connection the server has closed
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(pause).expectContinue(true)
                        .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("status of a 1 MiB body").isEqualTo(413);
        assertThat(answer.body()).as("413 body").doesNotContain("max.request", "serialized");
        String justOver = "{\"reason\":\"" + "x".repeat(256 * 1024) + "\"}";
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(justOver).post("/groups/api/pause").then()
                .statusCode(413);
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("pause", "{\"reason\":\"" + "x".repeat(InputLimits.MAX_REASON + 1) + "\"}", 422, "reason",
                        "at most 500 characters"),
                Arguments.of("pause", "{\"reason\":\"" + "\uD83D\uDE00".repeat(InputLimits.MAX_REASON + 1) + "\"}", 422,
                        "reason", "at most 500 characters"),
                Arguments.of("pause", "{\"reason\":\"bell\\u0007\"}", 422, "reason", "control characters"),
                Arguments.of("pin", "{\"target\":\"" + "t".repeat(5000) + "\",\"reason\":\"r\"}", 422, "target",
                        "at most 100"),
                Arguments.of("pin", "{\"target\":\"primary\",\"until\":\"" + "9".repeat(5000) + "\",\"reason\":\"r\"}",
                        422,
                        "until", "at most 100"),
                Arguments.of("force",
                        "{\"target\":\"secondary\",\"reason\":\"" + "y".repeat(InputLimits.MAX_REASON + 1) + "\"}",
                        422, "reason", "at most 500"),
                Arguments.of("drills", "{\"reason\":\"r\",\"durationMinutes\":\"soon\"}", 400, "durationMinutes",
                        "a number"),
                Arguments.of("drills", "{\"reason\":\"r\",\"durationMinutes\":1e400}", 400, "durationMinutes",
                        "out of range"),
                Arguments.of("drills", "{\"reason\":\"r\",\"durationMinutes\":99999999999999999999}", 400,
                        "durationMinutes",
                        "out of range"),
                Arguments.of("pause", "{\"reason\":[\"a\",\"b\"]}", 400, "reason", "a string"),
                Arguments.of("pause", "{\"reason\":", 400, "body", "not valid JSON"),
                Arguments.of("pause", "[1,2]", 400, "body", "a JSON object"));
    }

    @ParameterizedTest(name = "{0} with {3} wrong: {2}")
    @MethodSource("badBodies")
    void badInputIsA4xxNamingTheField(String action, String body, int status, String field, String message) {
        String answer = given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(body)
                .post("/groups/api/" + action)
                .then().statusCode(status).body("field", equalTo(field)).body("message", containsString(message))
                .body("message", not(containsString("jackson"))).extract().asString();
        assertThat(answer.length()).as("error body length (the bad value is not echoed back)").isLessThan(1000);
    }

    @Test
    void aCallerNameTooLongToRecordIsRefused() {
        String token = ApiTokens.claims("n".repeat(InputLimits.MAX_PRINCIPAL + 1), GroupsResource.OPERATOR).sign();
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"reason\":\"r\"}").post("/groups/api/pause")
                .then()
                .statusCode(403).body("field", equalTo("token.upn")).body("message", containsString("at most 256"))
                .body("message.length()", lessThan(1000));
    }
}
