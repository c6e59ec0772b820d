package dev.failover.contract.identity;

import java.util.Optional;
import java.util.function.Function;

/**
 * What an API asks of a bearer token once its signature, issuer and age are verified: that it is for this API
 * ({@link TokenAudience}), and, when a name claim is configured, the caller's name from it (Cognito access tokens name
 * the user in {@code username}, not in any claim a JWT library takes the name from).
 *
 * @param audience  whom the token must be for
 * @param nameClaim the claim with the caller's name, or none (the library's name stands)
 */
public record BearerCaller(TokenAudience audience, Optional<String> nameClaim) {

    /** The verdict on one token. */
    public sealed interface Verdict {
    }

    /** For this API; the caller's name when a name claim is configured. */
    public record Accepted(Optional<String> name) implements Verdict {
    }

    /** Not for this API, or naming no caller, and why. */
    public record Refused(String why) implements Verdict {
    }

    /**
     * The configured check, the setting that is wrong named in the message.
     *
     * @throws IllegalArgumentException naming the setting
     */
    public static BearerCaller configured(String audienceClaim, String audience, Optional<String> nameClaim) {
        try {
            return new BearerCaller(TokenAudience.of(audienceClaim, audience), nameClaim.filter(c -> !c.isBlank()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("failover.identity.audience-claim (FAILOVER_JWT_AUDIENCE_CLAIM) or "
                    + "failover.identity.audience (FAILOVER_JWT_AUDIENCE): " + e.getMessage(), e);
        }
    }

    /** @param claims a verified token's claim by name (null when absent) */
    public Verdict check(Function<String, Object> claims) {
        if (!audience.accepts(claims.apply(audience.claim().claimName()))) {
            return new Refused("the token is not for this API: its " + audience.claim().claimName() + " does not name "
                    + audience.expected());
        }
        if (nameClaim.isEmpty()) {
            return new Accepted(Optional.empty());
        }
        Object name = claims.apply(nameClaim.get());
        if (!(name instanceof CharSequence text) || text.toString().isBlank()) {
            return new Refused("the token names no caller in " + nameClaim.get());
        }
        return new Accepted(Optional.of(text.toString()));
    }
}
