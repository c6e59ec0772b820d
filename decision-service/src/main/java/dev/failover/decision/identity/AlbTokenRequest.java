package dev.failover.decision.identity;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The {@code x-amzn-oidc-data} header of one request, to be verified by {@link AlbIdentityProvider}. */
public final class AlbTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    AlbTokenRequest(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }
}
