package dev.failover.decision.identity;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the {@code x-amzn-oidc-data} header when an Application Load Balancer is configured and hands it to
 * {@link AlbIdentityProvider}; without one, or without the header, it stays out of the way and the bearer token
 * counts. Asked before the bearer mechanism: a request the load balancer signed in is judged by its header.
 */
@ApplicationScoped
public class AlbAuthenticationMechanism implements HttpAuthenticationMechanism {

    private final AlbIdentityProvider provider;

    @Inject
    AlbAuthenticationMechanism(AlbIdentityProvider provider) {
        this.provider = provider;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = context.request().getHeader(AlbOidcData.HEADER);
        if (token == null || !provider.enabled()) {
            return Uni.createFrom().nullItem();
        }
        if (context.request().getHeader("Authorization") != null) {
            // the load balancer passes bearer requests unauthenticated and signs in only the others: a request with
            // both has a header its client wrote; refused before any key is fetched for it
            return Uni.createFrom().failure(new AuthenticationFailedException(
                    "x-amzn-oidc-data next to an Authorization header: not from the load balancer"));
        }
        return identities.authenticate(new AlbTokenRequest(token));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem(); // the bearer mechanism's challenge
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(AlbTokenRequest.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
