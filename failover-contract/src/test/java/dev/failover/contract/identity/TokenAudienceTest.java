package dev.failover.contract.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TokenAudienceTest {

    static final TokenAudience AUD = new TokenAudience(TokenAudience.Claim.AUD, "failover-decision-service");
    static final TokenAudience COGNITO = new TokenAudience(TokenAudience.Claim.CLIENT_ID, "4kcp1hr6qlm0c2j2gd8bmm4t7");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(AUD, "failover-decision-service", true),
                Arguments.of(AUD, Set.of("billing", "failover-decision-service"), true),
                Arguments.of(AUD, List.of("billing"), false),
                Arguments.of(AUD, "failover-actuator-service", false),
                Arguments.of(AUD, null, false),
                Arguments.of(AUD, "", false),
                Arguments.of(AUD, 42, false),
                Arguments.of(COGNITO, "4kcp1hr6qlm0c2j2gd8bmm4t7", true),
                Arguments.of(COGNITO, "another-app-client", false),
                Arguments.of(COGNITO, List.of("4kcp1hr6qlm0c2j2gd8bmm4t7"), false), // client_id is one string
                Arguments.of(COGNITO, null, false));
    }

    @ParameterizedTest(name = "{0} with {1}: {2}")
    @MethodSource("cases")
    void aTokenIsForThisApiOnlyIfItsClaimNamesIt(TokenAudience audience, Object value, boolean accepted) {
        assertThat(audience.accepts(value)).isEqualTo(accepted);
    }

    @Test
    void aConfigurationNamesAKnownClaim() {
        assertThat(TokenAudience.of("client_id", "c").claim()).isEqualTo(TokenAudience.Claim.CLIENT_ID);
        assertThatThrownBy(() -> TokenAudience.of("azp", "c")).hasMessageContaining("aud or client_id, not azp");
    }

    @Test
    void aCognitoAccessTokenIsForThisApiByItsClientIdAndNamesItsUser() {
        BearerCaller cognito = BearerCaller.configured("client_id", "4kcp1hr6qlm0c2j2gd8bmm4t7",
                java.util.Optional.of("username"));
        java.util.Map<String, Object> token = java.util.Map.of("client_id", "4kcp1hr6qlm0c2j2gd8bmm4t7", "username",
                "alice",
                "sub", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        assertThat(cognito.check(token::get)).isEqualTo(new BearerCaller.Accepted(java.util.Optional.of("alice")));
        assertThat(cognito.check(java.util.Map.<String, Object>of("client_id", "4kcp1hr6qlm0c2j2gd8bmm4t7")::get))
                .isInstanceOf(BearerCaller.Refused.class);
        assertThat(cognito
                .check(java.util.Map.<String, Object>of("aud", "4kcp1hr6qlm0c2j2gd8bmm4t7", "username", "a")::get))
                .isInstanceOf(BearerCaller.Refused.class);
        assertThatThrownBy(() -> BearerCaller.configured("aud ", "x", java.util.Optional.empty()))
                .hasMessageContaining("failover.identity.audience-claim");
    }

    @Test
    void aBlankExpectedAudienceIsRefused() {
        assertThatThrownBy(() -> new TokenAudience(TokenAudience.Claim.AUD, " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
