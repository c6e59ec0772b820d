package dev.failover.decision.rest;

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
 * The served OpenAPI document (/q/openapi) has every endpoint of the override API, the schema of each success
 * body, every status an endpoint answers (the errors' body naming the field: ApiError), and one bearer scheme.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class OpenApiDocumentTest {

    /** Every endpoint: no or a bad token (401, no body), a role it lacks or a caller name too long (403). */
    static final Set<Integer> ANY = Set.of(401, 403);
    /** A group in the path: unknown (404), or its state not loaded on this instance yet (503). */
    static final Set<Integer> GROUP = Set.of(404, 503);
    /**
     * A write: applied (200), pending on the owner (202), a body that is not JSON or a bad Idempotency-Key (400), a
     * conflict with the group's state or an expired command (409), a body over the size limit (413, no body), a field
     * invalid or a key reused (422), rate limited (429).
     */
    static final Set<Integer> WRITE = Set.of(200, 202, 400, 409, 413, 422, 429);

    static Expected read(Set<Integer> more) {
        return expected(union(Set.of(200), more));
    }

    static Expected expected(Set<Integer> statuses) {
        Set<Integer> all = union(ANY, statuses);
        Set<Integer> withBody = new java.util.TreeSet<>(all);
        withBody.removeIf(s -> s < 400 || s == 401 || s == 413);
        withBody.remove(403); // the role check answers without a body; only a too long caller name has one
        return new Expected(all, withBody);
    }

    @SafeVarargs
    static Set<Integer> union(Set<Integer>... sets) {
        Set<Integer> all = new java.util.TreeSet<>();
        for (Set<Integer> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    static Map<Operation, Expected> expectedOperations() {
        Map<Operation, Expected> expected = new LinkedHashMap<>();
        // the two the operator page polls answer 304 to an If-None-Match of the current ETag
        expected.put(new Operation("GET", "/groups"), read(Set.of(304)));
        expected.put(new Operation("GET", "/groups/{group}"), read(union(GROUP, Set.of(304))));
        expected.put(new Operation("GET", "/groups/{group}/history"), read(GROUP));
        expected.put(new Operation("GET", "/groups/{group}/explanation"), read(GROUP));
        expected.put(new Operation("GET", "/groups/{group}/decisions/{decisionId}/explanation"),
                read(union(GROUP, Set.of(422))));
        for (String write : new String[] { "pin", "release", "pause", "resume", "force", "drills", "drills/end",
                "switchover",
                "switchover/abort" }) {
            expected.put(new Operation("POST", "/groups/{group}/" + write), expected(union(WRITE, GROUP)));
        }
        // handed to the driving actuator through Kafka (ADR 0025): no owner to refuse or rate-limit it; 503 when Kafka did
        // not take it
        expected.put(new Operation("POST", "/groups/{group}/retry"),
                expected(union(Set.of(202, 400, 413, 422, 503), GROUP)));
        // a switch's signed report, and the replay of an explanation (a computation: no owner, nothing changed)
        expected.put(new Operation("GET", "/groups/{group}/decisions/{decisionId}/report"),
                read(union(GROUP, Set.of(422))));
        expected.put(new Operation("POST", "/groups/{group}/replay"),
                expected(union(Set.of(200, 400, 413, 422), GROUP)));
        expected.put(new Operation("GET", "/ui/api/session"), read(Set.of()));
        // a what-if over recorded history (ADR 0027; a computation: no group in the path, one at a time per instance)
        expected.put(new Operation("POST", "/whatif"), expected(Set.of(200, 400, 413, 422, 429, 503)));
        return expected;
    }

    static JsonNode document() throws Exception {
        return new ObjectMapper()
                .readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    @Test
    void everyEndpointOfTheResourcesIsDocumented() throws Exception {
        assertThat(OpenApiCoverage.operations(document())).as("endpoints in /q/openapi")
                .isEqualTo(
                        OpenApiCoverage.operations(GroupsResource.class, SessionResource.class, WhatIfResource.class));
        assertThat(expectedOperations().keySet()).as("endpoints this test checks")
                .containsExactlyInAnyOrderElementsOf(
                        OpenApiCoverage.operations(GroupsResource.class, SessionResource.class, WhatIfResource.class));
    }

    /**
     * The document a client generates from is committed, docs/openapi/decision-service.json, and the served one may
     * not drift from it unseen: a change of the API shows in review as a change of that file (rewrite it with
     * -Dgolden.write=true).
     */
    @Test
    void theServedDocumentIsTheCommittedOne() throws Exception {
        GoldenFile.assertMatches(java.nio.file.Path.of("../docs/openapi/decision-service.json"), document(),
                GoldenFile.rewriting(),
                "the OpenAPI document the decision-service serves at /q/openapi");
    }

    @Test
    void everyEndpointDocumentsItsBodiesErrorsAndSecurity() throws Exception {
        assertThat(OpenApiCoverage.problems(document(), "ApiError", expectedOperations())).as("what /q/openapi lacks")
                .isEmpty();
    }
}
