package dev.failover.decision.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the operator page (ADR 0019) needs of the service: its files, open and under a strict Content-Security-Policy;
 * the session read, by role; and the groups' ETags, so that polling costs a 304 while nothing changes. The page itself
 * runs in a real browser in system-tests (OperatorPageIT).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class OperatorPageTest {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Test
    void thePageIsServedWithoutATokenUnderAStrictPolicy() {
        for (String file : new String[] { "/ui/", "/ui/ui.js", "/ui/ui.css", "/ui/favicon.svg" }) {
            given().get(file).then().statusCode(200).header("Content-Security-Policy", CSP)
                    .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer")
                    .header("Cache-Control", "no-store");
        }
        String html = given().get("/ui/").then().statusCode(200).contentType(containsString("text/html")).extract()
                .asString();
        assertThat(html).as("the page's shell").contains("<script src=\"ui.js\" defer></script>")
                .doesNotContain("<script>").doesNotContain(" onclick=").doesNotContain("style=");
        given().get("/groups").then().statusCode(401); // the data still needs a token
    }

    @Test
    void theSessionSaysWhoAsksWhetherTheyMayActAndWhereEachViewComesFrom() {
        given().get("/ui/api/session").then().statusCode(401);
        given().auth().oauth2(ApiTokens.viewer("victor")).get("/ui/api/session").then().statusCode(200)
                .body("principal", equalTo("victor")).body("operator", equalTo(false))
                .body("instance", not(equalTo(""))).body("serverTime", not(equalTo(null)))
                .body("groups.group", hasItem(TestTopology.GROUP));
        given().auth().oauth2(ApiTokens.operator("olga")).get("/ui/api/session").then().statusCode(200)
                .body("principal", equalTo("olga")).body("operator", equalTo(true));
        await("the group owned by the only instance").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth().oauth2(ApiTokens.viewer("victor")).get("/ui/api/session").then()
                        .body("groups.find { it.group == 'api' }.owned", equalTo(true)));
        await("the instance's contact with the test broker").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth().oauth2(ApiTokens.viewer("victor")).get("/ui/api/session").then()
                        .body("kafka.state", equalTo("REACHABLE")).body("kafka.since", not(equalTo(null)))
                        .body("kafka.error", equalTo(null)));
    }

    @Test
    void anUnchangedListIsA304ForItsETag() {
        String token = ApiTokens.viewer("victor");
        String tag = awaitNotModified("/groups", token);
        assertThat(tag).as("ETag of GET /groups").matches("\"[0-9a-f]{32}\"");
        given().auth().oauth2(token).header("If-None-Match", "\"0000\"").get("/groups").then().statusCode(200)
                .header("ETag", matchesPattern("\"[0-9a-f]{32}\"")).body("group", hasItem(TestTopology.GROUP));
        awaitNotModified("/groups/api", token);
    }

    /**
     * Asks for {@code path}, then again with If-None-Match and the ETag it answered, until that second answer is a 304
     * carrying the same ETag, and returns the ETag. The view moves while probe results or decisions arrive, so the second
     * answer may be a 200: then only with another ETag (the view changed in between), or the test fails at once.
     */
    static String awaitNotModified(String path, String token) {
        AtomicReference<String> tag = new AtomicReference<>();
        await("a 304 for the ETag of GET " + path).atMost(Duration.ofSeconds(30)).until(() -> {
            String current = given().auth().oauth2(token).get(path).then().statusCode(200).extract().header("ETag");
            var again = given().auth().oauth2(token).header("If-None-Match", current).get(path).then().extract();
            if (again.statusCode() == 304) {
                assertThat(again.header("ETag")).as("the ETag of the 304 for " + current).isEqualTo(current);
                tag.set(current);
                return true;
            }
            assertThat(again.statusCode()).as("GET " + path + " with If-None-Match " + current).isEqualTo(200);
            assertThat(again.header("ETag")).as("a 200 for If-None-Match " + current + ": only for a view that moved")
                    .isNotEqualTo(current);
            return false;
        });
        return tag.get();
    }
}
