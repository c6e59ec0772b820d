package dev.failover.quarkus.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** The check on a verified token's audience and the caller it names, as each service's API runs it. */
class TokenAudienceCheckTest {

    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("for this API: the library's name stands", "aud", Optional.empty(),
                        Map.of("aud", Set.of("failover-actuator-service")), "upn-of-the-token"),
                Arguments.of("for this API, named by the configured claim", "aud", Optional.of("username"),
                        Map.of("aud", Set.of("failover-actuator-service"), "username", "alice"), "alice"),
                Arguments.of("Cognito: the app client in client_id", "client_id", Optional.empty(),
                        Map.of("client_id", "failover-actuator-service"), "upn-of-the-token"),
                Arguments.of("for another API", "aud", Optional.empty(),
                        Map.of("aud", Set.of("failover-decision-service")), "refused: the token is not for this API"),
                Arguments.of("naming no caller in the configured claim", "aud", Optional.of("username"),
                        Map.of("aud", Set.of("failover-actuator-service")),
                        "refused: the token names no caller in username"));
    }

    /** {@code outcome}: the caller's name, or "refused: " and why, as unauthenticated. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void aTokenIsTakenOnlyForThisApi(String what, String audienceClaim, Optional<String> nameClaim,
            Map<String, Object> claims, String outcome) {
        TokenAudienceCheck check = new TokenAudienceCheck(audienceClaim, "failover-actuator-service", nameClaim);
        SecurityIdentity bearer = QuarkusSecurityIdentity.builder().setPrincipal(token(claims)).build();

        if (outcome.startsWith("refused: ")) {
            assertThatThrownBy(() -> check.augment(bearer, null).await().indefinitely())
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining(outcome.substring(9));
        } else {
            assertThat(check.augment(bearer, null).await().indefinitely().getPrincipal().getName()).isEqualTo(outcome);
        }
    }

    @Test
    void aCallerWithoutATokenIsLeftAsItIs() {
        TokenAudienceCheck check = new TokenAudienceCheck("aud", "failover-actuator-service", Optional.empty());
        SecurityIdentity anonymous = QuarkusSecurityIdentity.builder().setAnonymous(true).build();
        SecurityIdentity otherMechanism = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("alb-user"))
                .build();

        assertThat(check.augment(anonymous, null).await().indefinitely()).isSameAs(anonymous);
        assertThat(check.augment(otherMechanism, null).await().indefinitely()).isSameAs(otherMechanism);
    }

    @Test
    void aWrongSettingStopsTheStartNamingIt() {
        assertThatThrownBy(() -> new TokenAudienceCheck("azp", "failover-actuator-service", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failover.identity.audience-claim");
    }

    private static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "upn-of-the-token";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }
}
