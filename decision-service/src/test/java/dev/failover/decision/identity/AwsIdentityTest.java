package dev.failover.decision.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.signing.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Signing in on AWS, through the packaged security stack: Cognito access tokens as bearer tokens (no {@code aud}, the
 * app client in {@code client_id}, roles in {@code cognito:groups}, the user in {@code username}), and an Application
 * Load Balancer's {@code x-amzn-oidc-data} header, verified with the key its region publishes. Every refusal here comes
 * before Kafka.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
@WithTestResource(AwsIdentityResource.class)
class AwsIdentityTest {

    static final String OPERATOR = "failover-operator";
    static final String VIEWER = "failover-viewer";

    /** An access token as Cognito issues it (its claims as the Cognito developer guide lists them), signed by the test key. */
    static JwtClaimsBuilder cognitoAccessToken(String username, String clientId, String... groups) {
        long now = Instant.now().getEpochSecond();
        return Jwt.claims(Map.of("origin_jti", UUID.randomUUID().toString(), "event_id", UUID.randomUUID().toString(),
                "token_use", "access", "scope", "openid email", "auth_time", now, "version", 2,
                "jti", UUID.randomUUID().toString(), "username", username))
                .subject("7a1c3e5f-9b2d-4f6a-8c0e-1d3f5a7b9c2e").issuer(AlbTokens.ISSUER).claim("client_id", clientId)
                .claim("cognito:groups", List.of(groups)).issuedAt(now).expiresAt(now + 3600);
    }

    static String albHeader(String email, String roles) {
        Instant now = Instant.now();
        return AlbTokens.sign(AlbTokens.header(now), AlbTokens.payload(email, roles, now), AwsIdentityResource.ALB);
    }

    @Test
    void aCognitoAccessTokenSignsInByItsClientIdWithItsGroupsAndUsername() {
        given().auth().oauth2(cognitoAccessToken("alice", AlbTokens.CLIENT, OPERATOR).sign())
                .get("/ui/api/session").then().statusCode(200).body("principal", equalTo("alice"))
                .body("operator", equalTo(true));
        given().auth().oauth2(cognitoAccessToken("victor", AlbTokens.CLIENT, VIEWER).sign())
                .get("/ui/api/session").then().statusCode(200).body("principal", equalTo("victor"))
                .body("operator", equalTo(false));
    }

    @Test
    void aCognitoTokenOfAnotherAppClientOrWithoutOneIsRefused() {
        given().auth().oauth2(cognitoAccessToken("alice", "another-app-client", OPERATOR).sign())
                .get("/groups").then().statusCode(401);
        long now = Instant.now().getEpochSecond();
        given().auth()
                .oauth2(Jwt.claims().issuer(AlbTokens.ISSUER).audience(AlbTokens.CLIENT).claim("username", "alice")
                        .claim("cognito:groups", List.of(OPERATOR)).issuedAt(now).expiresAt(now + 600).sign())
                .get("/groups").then().statusCode(401); // an aud is not a client_id
        given().auth().oauth2(cognitoAccessToken("", AlbTokens.CLIENT, OPERATOR).sign())
                .get("/groups").then().statusCode(401); // names no user
    }

    @Test
    void theLoadBalancersHeaderSignsInWithTheRolesOfItsCustomAttribute() {
        given().header(AlbOidcData.HEADER, albHeader("victor@example.com", "failover-viewer")).get("/ui/api/session")
                .then().statusCode(200).body("principal", equalTo("victor@example.com"))
                .body("operator", equalTo(false));
        given().header(AlbOidcData.HEADER, albHeader("alice@example.com", "failover-viewer,failover-operator"))
                .get("/ui/api/session").then().statusCode(200).body("principal", equalTo("alice@example.com"))
                .body("operator", equalTo(true));
        // a viewer's write is refused by role, before Kafka
        given().header(AlbOidcData.HEADER, albHeader("victor@example.com", "failover-viewer"))
                .contentType(ContentType.JSON)
                .body("{\"reason\":\"r\"}").post("/groups/api/pause").then().statusCode(403);
        assertThat(AwsIdentityResource.FETCHED).as("keys fetched from the signer's region, by key id, once")
                .containsExactly("/" + AlbTokens.REGION + "/" + AlbTokens.KID);
    }

    @Test
    void aForgedHeaderIsRefusedEvenWithAValidBearerToken() {
        Instant now = Instant.now();
        String forged = AlbTokens.sign(AlbTokens.header(now),
                AlbTokens.payload("mallory@example.com", "failover-operator",
                        now),
                AlbTokens.keyPair());
        given().header(AlbOidcData.HEADER, forged).get("/groups").then().statusCode(401);
        Map<String, Object> otherAlb = AlbTokens.header(now);
        otherAlb.put("signer", AlbTokens.OTHER_SIGNER);
        given().header(AlbOidcData.HEADER, AlbTokens.sign(otherAlb, AlbTokens.payload("mallory@example.com",
                "failover-operator", now), AwsIdentityResource.ALB)).get("/groups").then().statusCode(401);
        given().header(AlbOidcData.HEADER, forged)
                .auth().oauth2(cognitoAccessToken("alice", AlbTokens.CLIENT, OPERATOR).sign())
                .get("/groups").then().statusCode(401); // the header is judged, not passed over for the bearer token
    }
}
