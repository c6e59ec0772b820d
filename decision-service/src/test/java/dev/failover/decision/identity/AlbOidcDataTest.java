package dev.failover.decision.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AlbOidcData} over headers shaped as the load balancer writes them ({@link AlbTokens}): what it believes, and
 * each way a header is refused, with the keys it asked for.
 */
class AlbOidcDataTest {

    static final Instant NOW = Instant.parse("2026-11-28T03:00:00Z");
    static final KeyPair ALB = AlbTokens.keyPair();
    static final KeyPair FORGER = AlbTokens.keyPair();
    static final AlbOidcData.Settings SETTINGS = new AlbOidcData.Settings(Set.of(AlbTokens.SIGNER), AlbTokens.CLIENT,
            AlbTokens.ISSUER, AlbTokens.ROLES_CLAIM, Optional.empty());

    final List<String> asked = new ArrayList<>();

    AlbOidcData verifier(AlbOidcData.Settings settings) {
        return new AlbOidcData(settings, (region, kid) -> {
            asked.add(region + "/" + kid);
            if (!kid.equals(AlbTokens.KID)) {
                throw new IOException("404");
            }
            return ALB.getPublic();
        }, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static String token(Function<Map<String, Object>, Map<String, Object>> header,
            Function<Map<String, Object>, Map<String, Object>> payload, KeyPair key) {
        return AlbTokens.sign(header.apply(AlbTokens.header(NOW)),
                payload.apply(AlbTokens.payload("alice@example.com", "failover-operator", NOW)), key);
    }

    static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return map;
    }

    @Test
    void aHeaderTheLoadBalancerSignedNamesTheCallerAndRoles() {
        String token = token(h -> h, p -> with(p, AlbTokens.ROLES_CLAIM, "failover-operator, failover-viewer"), ALB);
        assertThat(token.split("\\.")[2]).as("the signature part is padded, as the load balancer writes it")
                .endsWith("=");
        assertThat(verifier(SETTINGS).verify(token)).isEqualTo(new AlbOidcData.Verified(
                new AlbOidcData.Caller("alice@example.com", Set.of("failover-operator", "failover-viewer"))));
        assertThat(asked).containsExactly("eu-west-1/" + AlbTokens.KID);
    }

    @Test
    void rolesAsAListAndANamedClaimForTheName() {
        AlbOidcData.Settings keycloak = new AlbOidcData.Settings(Set.of(AlbTokens.SIGNER), AlbTokens.CLIENT,
                AlbTokens.ISSUER, "groups", Optional.of("preferred_username"));
        String token = token(h -> h, p -> with(with(p, "groups", List.of("failover-viewer", "billing")),
                "preferred_username", "alice"), ALB);
        assertThat(verifier(keycloak).verify(token)).isEqualTo(new AlbOidcData.Verified(
                new AlbOidcData.Caller("alice", Set.of("failover-viewer", "billing"))));
    }

    static Stream<Arguments> refused() {
        String good = token(h -> h, p -> p, ALB);
        String[] parts = good.split("\\.");
        String otherPayload = AlbTokens
                .part(AlbTokens.json(AlbTokens.payload("mallory@example.com", "failover-operator", NOW)));
        return Stream.of(
                Arguments.of("signed with another key", token(h -> h, p -> p, FORGER), "signature does not verify",
                        true),
                Arguments.of("its payload swapped after signing", parts[0] + "." + otherPayload + "." + parts[2],
                        "signature does not verify", true),
                Arguments.of("from a load balancer not ours",
                        token(h -> with(h, "signer", AlbTokens.OTHER_SIGNER), p -> p,
                                ALB),
                        "not trusted (signer)", false),
                Arguments.of("for another app client", token(h -> with(h, "client", "another-client"), p -> p, ALB),
                        "another app client", true),
                Arguments.of("from another identity provider",
                        token(h -> with(h, "iss", "https://evil.example"), p -> p,
                                ALB),
                        "another identity provider", true),
                Arguments.of("expired", token(h -> with(h, "exp", NOW.getEpochSecond()), p -> p, ALB), "expired", true),
                Arguments.of("without an expiry", token(h -> {
                    h.remove("exp");
                    return h;
                }, p -> p, ALB), "expired", true),
                Arguments.of("with algorithm none", token(h -> with(h, "alg", "none"), p -> p, ALB), "not ES256",
                        false),
                Arguments.of("with a key id that is a path", token(h -> with(h, "kid", "../../evil"), p -> p, ALB),
                        "key id", false),
                Arguments.of("with a key id the region does not publish",
                        token(h -> with(h, "kid", "00000000-0000-0000-0000-000000000000"),
                                p -> p, ALB),
                        "cannot be had", true),
                Arguments.of("naming no caller", token(h -> h, p -> {
                    p.remove("email");
                    p.remove("sub");
                    return p;
                }, ALB),
                        "names no caller", true),
                Arguments.of("with two parts", parts[0] + "." + parts[1], "three", false),
                Arguments.of("of bytes, not JSON",
                        Base64.getUrlEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8))
                                + "." + parts[1] + "." + parts[2],
                        "JSON", false));
    }

    @ParameterizedTest(name = "a header {0} is refused")
    @MethodSource("refused")
    void aHeaderIsBelievedOnlyWhenSignedByOurLoadBalancer(String name, String token, String why, boolean keyAsked) {
        AlbOidcData.Verdict verdict = verifier(SETTINGS).verify(token);
        assertThat(verdict).isInstanceOf(AlbOidcData.Refused.class);
        assertThat(((AlbOidcData.Refused) verdict).why()).contains(why);
        assertThat(asked.isEmpty()).as("no key fetched before the signer and key id are checked").isEqualTo(!keyAsked);
    }

    /** The identity settings with these signers (the rest as the Cognito recipe sets them). */
    static dev.failover.decision.config.DecisionServiceConfig.Identity identity(List<String> signers) {
        dev.failover.decision.config.DecisionServiceConfig.Alb alb = new dev.failover.decision.config.DecisionServiceConfig.Alb() {
            public Optional<List<String>> signerArns() {
                return Optional.of(signers);
            }

            public Optional<String> clientId() {
                return Optional.of(AlbTokens.CLIENT);
            }

            public Optional<String> groupsClaim() {
                return Optional.of(AlbTokens.ROLES_CLAIM);
            }

            public Optional<String> nameClaim() {
                return Optional.of("email");
            }

            public String keyUrl() {
                return "https://public-keys.auth.elb.{region}.amazonaws.com/{kid}";
            }
        };
        return new dev.failover.decision.config.DecisionServiceConfig.Identity() {
            public String issuer() {
                return AlbTokens.ISSUER;
            }

            public String audience() {
                return AlbTokens.CLIENT;
            }

            public String audienceClaim() {
                return "client_id";
            }

            public String groupsClaim() {
                return "cognito:groups";
            }

            public Optional<String> nameClaim() {
                return Optional.of("username");
            }

            public dev.failover.decision.config.DecisionServiceConfig.Alb alb() {
                return alb;
            }
        };
    }

    /** docs/deploy-eks.md, step 6: before the load balancer exists its ARN is "none", and the start must not stop. */
    @Test
    void noSignerYetLeavesTheHeaderIgnored() {
        Clock clock = Clock.systemUTC();
        assertThat(AlbIdentityProvider.verifier(identity(List.of("none")), clock)).isEmpty();
        assertThat(AlbIdentityProvider.verifier(identity(List.of(" ")), clock)).isEmpty();
        assertThat(AlbIdentityProvider.verifier(identity(List.of(AlbTokens.SIGNER)), clock)).isPresent();
        assertThatThrownBy(() -> AlbIdentityProvider.verifier(identity(List.of("arn:aws:iam::1:role/x")), clock))
                .hasMessageContaining("failover.identity.alb.signer-arns");
    }

    @Test
    void settingsNameWhatIsWrong() {
        assertThatThrownBy(() -> new AlbOidcData.Settings(Set.of("arn:aws:iam::123456789012:role/x"), "c", "i", "g",
                Optional.empty())).hasMessageContaining("not the ARN of an Application Load Balancer");
        assertThatThrownBy(() -> new RegionalAlbKeys("https://keys.example/{region}", Clock.systemUTC()))
                .hasMessageContaining("{kid}");
    }
}
