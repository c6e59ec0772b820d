package dev.failover.contract.identity;

import java.util.Collection;
import java.util.Objects;

/**
 * Whom an API token must be issued for, and in which claim it says so. Most identity providers name the API in
 * {@code aud} (a string or a list); Amazon Cognito's access tokens carry no {@code aud} and name the app client in
 * {@code client_id} instead (and cannot be given an {@code aud}: Cognito does not let a trigger set it). A token that
 * names another application, or none, is refused, so that a token shown to one API cannot be replayed at another.
 *
 * @param claim    the claim that names the token's audience
 * @param expected the value that claim must hold (or, for {@code aud} as a list, contain)
 */
public record TokenAudience(Claim claim, String expected) {

    /** The claim an identity provider names the audience in. */
    public enum Claim {
        /** RFC 7519 {@code aud}: a string or a list of strings. */
        AUD("aud"),
        /** Cognito access tokens: {@code client_id}, one string. */
        CLIENT_ID("client_id");

        private final String name;

        Claim(String name) {
            this.name = name;
        }

        /** The claim's name in the token. */
        public String claimName() {
            return name;
        }
    }

    /**
     * The audience a configuration names.
     *
     * @param claimName {@code aud} or {@code client_id}
     * @throws IllegalArgumentException saying which claims are known, or that the audience is blank
     */
    public static TokenAudience of(String claimName, String expected) {
        for (Claim claim : Claim.values()) {
            if (claim.claimName().equals(claimName)) {
                return new TokenAudience(claim, expected);
            }
        }
        throw new IllegalArgumentException("the audience claim must be aud or client_id, not " + claimName);
    }

    public TokenAudience {
        Objects.requireNonNull(claim, "claim");
        if (expected == null || expected.isBlank()) {
            throw new IllegalArgumentException("the expected audience must not be blank");
        }
    }

    /**
     * Whether a token whose {@link #claim()} holds this value is for this API.
     *
     * @param value the claim's value as the token parser gives it: a string, a collection of strings, or null (absent)
     */
    public boolean accepts(Object value) {
        if (value instanceof CharSequence single) {
            return expected.equals(single.toString());
        }
        if (value instanceof Collection<?> many && claim == Claim.AUD) {
            return many.stream().anyMatch(v -> v instanceof CharSequence s && expected.equals(s.toString()));
        }
        return false; // absent, or a list where the claim is a single string, or anything else
    }
}
