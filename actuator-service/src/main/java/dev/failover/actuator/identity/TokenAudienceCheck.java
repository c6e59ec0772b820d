package dev.failover.actuator.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.failover.contract.identity.BearerCaller;
import dev.failover.actuator.config.ActuatorConfig;

/**
 * A bearer token must be for this API ({@link BearerCaller}: {@code aud}, or Cognito's {@code client_id}), checked after
 * smallrye-jwt verified its signature, issuer and age; the caller is named by the configured claim when there is one.
 * A token for another application is refused as unauthenticated (401). Settings checked at start.
 */
@Startup
@ApplicationScoped
public class TokenAudienceCheck implements SecurityIdentityAugmentor {

    private final BearerCaller check;

    @Inject
    TokenAudienceCheck(ActuatorConfig config) {
        this.check = BearerCaller.configured(config.identity().audienceClaim(), config.identity().audience(),
                config.identity().nameClaim());
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
                .map(name -> (SecurityIdentity) QuarkusSecurityIdentity.builder(identity).setPrincipal(new QuarkusPrincipal(name))
                        .build())
                .orElse(identity));
    }
}
