package dev.failover.actuator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.golden.GoldenFile;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.openapi.OpenApiCoverage;
import dev.failover.testkit.openapi.OpenApiCoverage.Expected;
import dev.failover.testkit.openapi.OpenApiCoverage.Operation;
import dev.failover.testkit.signing.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The actuator serves an OpenAPI document (/q/openapi) with every endpoint, the schema of each success body, every
 * status an endpoint answers (the errors' body naming the field: ApiError), and one bearer scheme.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithTestResource(DemoBackendsResource.class)
class OpenApiDocumentTest {

    /** 401 (no or a bad token) and 403 (a role it lacks) answer without a body; the rest with ApiError. */
    static Expected expected(Integer... statuses) {
        Set<Integer> all = new java.util.TreeSet<>(Set.of(statuses));
        all.add(401);
        all.add(403);
        Set<Integer> withBody = new java.util.TreeSet<>(all);
        withBody.removeIf(s -> s < 400 || s == 401 || s == 403);
        return new Expected(all, withBody);
    }

    static Map<Operation, Expected> expectedOperations() {
        Map<Operation, Expected> expected = new LinkedHashMap<>();
        expected.put(new Operation("GET", "/groups"), expected(200));
        expected.put(new Operation("GET", "/groups/{id}"), expected(200, 404));
        expected.put(new Operation("GET", "/groups/{id}/providers"), expected(200, 404));
        expected.put(new Operation("POST", "/groups/{id}/retry"), expected(202, 400, 404, 409, 422));
        expected.put(new Operation("POST", "/groups/{id}/region-switch/approve"),
                expected(200, 400, 404, 409, 422, 503));
        expected.put(new Operation("GET", "/groups/{id}/targets/{target}/start-check"), expected(200, 404, 409, 503));
        expected.put(new Operation("GET", "/actuations"), expected(200, 422));
        expected.put(new Operation("GET", "/permissions"), expected(200));
        return expected;
    }

    static JsonNode document() throws Exception {
        return new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    @Test
    void everyEndpointOfTheResourcesIsDocumented() throws Exception {
        Set<Operation> resources = OpenApiCoverage.operations(GroupsResource.class, ActuationsResource.class,
                PermissionsResource.class);
        assertThat(OpenApiCoverage.operations(document())).as("endpoints in /q/openapi").isEqualTo(resources);
        assertThat(expectedOperations().keySet()).as("endpoints this test checks")
                .containsExactlyInAnyOrderElementsOf(resources);
    }

    /**
     * The document a client generates from is committed, docs/openapi/actuator-service.json, and the served one may not
     * drift from it unseen: a change of the API shows in review as a change of that file (rewrite it with
     * -Dgolden.write=true).
     */
    @Test
    void theServedDocumentIsTheCommittedOne() throws Exception {
        GoldenFile.assertMatches(java.nio.file.Path.of("../docs/openapi/actuator-service.json"), document(),
                GoldenFile.rewriting(),
                "the OpenAPI document the actuator-service serves at /q/openapi");
    }

    @Test
    void everyEndpointDocumentsItsBodiesErrorsAndSecurity() throws Exception {
        assertThat(OpenApiCoverage.problems(document(), "ApiError", expectedOperations())).as("what /q/openapi lacks")
                .isEmpty();
    }

    @Test
    void anErrorNamesTheFieldAtFault() {
        given().auth().oauth2(ApiTokens.viewer()).get("/groups/no-such-group").then().statusCode(404)
                .body("field", org.hamcrest.Matchers.equalTo("group"))
                .body("error", org.hamcrest.Matchers.equalTo("not-found"));
        given().auth().oauth2(ApiTokens.viewer()).get("/actuations?limit=0").then().statusCode(422)
                .body("field", org.hamcrest.Matchers.equalTo("limit"));
    }
}
