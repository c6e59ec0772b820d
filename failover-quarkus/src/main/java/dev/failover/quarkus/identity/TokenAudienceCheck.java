package dev.failover.quarkus.identity;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.failover.contract.identity.BearerCaller;
import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * A bearer token must be for this API ({@link BearerCaller}: {@code aud}, or Cognito's {@code client_id}), checked after
 * smallrye-jwt verified its signature, issuer and age; the caller is named by the configured claim when there is one.
 * A token for another application is refused as unauthenticated (401). Settings checked at start.
 * <p>
 * The settings are read by their keys: each service with an API declares {@code failover.identity.*} in its own
 * configuration, with its own default audience (its name at the identity provider), so that the key is documented and
 * checked where the service's other settings are, and one check serves every such service.
 */
@Startup
@ApplicationScoped
public class TokenAudienceCheck implements SecurityIdentityAugmentor {

    private final BearerCaller check;

    @Inject
    TokenAudienceCheck(@ConfigProperty(name = "failover.identity.audience-claim") String audienceClaim,
            @ConfigProperty(name = "failover.identity.audience") String audience,
            @ConfigProperty(name = "failover.identity.name-claim") Optional<String> nameClaim) {
        this.check = BearerCaller.configured(audienceClaim, audience, nameClaim);
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity); // no token, or another mechanism's caller
        }
        BearerCaller.Verdict verdict = check.check(token::getClaim);
        if (verdict instanceof BearerCaller.Refused refused) {
            return Uni.createFrom().failure(new AuthenticationFailedException(refused.why()));
        }
        return Uni.createFrom().item(((BearerCaller.Accepted) verdict).name()
                .map(name -> (SecurityIdentity) QuarkusSecurityIdentity.builder(identity)
                        .setPrincipal(new QuarkusPrincipal(name))
                        .build())
                .orElse(identity));
    }
}
