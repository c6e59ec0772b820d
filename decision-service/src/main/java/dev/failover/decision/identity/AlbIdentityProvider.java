package dev.failover.decision.identity;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.failover.decision.config.DecisionServiceConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The caller an Application Load Balancer signed in: {@link AlbOidcData} over the header, off the event loop (a key
 * not yet known is fetched). Its settings are checked once at start, naming the key that is wrong.
 */
@Startup
@ApplicationScoped
public class AlbIdentityProvider implements IdentityProvider<AlbTokenRequest> {

    private static final Logger LOG = Logger.getLogger(AlbIdentityProvider.class);

    /** The value that says no load balancer is trusted yet. */
    static final String NO_SIGNER = "none";

    private final Optional<AlbOidcData> verifier;

    @Inject
    AlbIdentityProvider(DecisionServiceConfig config) {
        this.verifier = verifier(config.identity(), Clock.systemUTC());
    }

    /** The verifier the configuration asks for, or none when no signer is listed. */
    static Optional<AlbOidcData> verifier(DecisionServiceConfig.Identity identity, Clock clock) {
        DecisionServiceConfig.Alb alb = identity.alb();
        // "none" (or blank) is the documented value before the load balancer exists (docs/deploy-eks.md, step 6)
        Set<String> signers = alb.signerArns().orElse(java.util.List.of()).stream().map(String::strip)
                .filter(a -> !a.isEmpty() && !a.equals(NO_SIGNER)).collect(java.util.stream.Collectors.toSet());
        if (signers.isEmpty()) {
            return Optional.empty();
        }
        String clientId = alb.clientId().filter(c -> !c.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "failover.identity.alb.client-id (FAILOVER_ALB_CLIENT_ID) is required with failover.identity.alb.signer-arns"));
        AlbOidcData.Settings settings;
        try {
            settings = new AlbOidcData.Settings(signers, clientId, identity.issuer(),
                    alb.groupsClaim().orElse(identity.groupsClaim()), alb.nameClaim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("failover.identity.alb.signer-arns: " + e.getMessage(), e);
        }
        RegionalAlbKeys keys;
        try {
            keys = new RegionalAlbKeys(alb.keyUrl(), clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("failover.identity.alb.key-url: " + e.getMessage(), e);
        }
        return Optional.of(new AlbOidcData(settings, keys, clock));
    }

    boolean enabled() {
        return verifier.isPresent();
    }

    @Override
    public Class<AlbTokenRequest> getRequestType() {
        return AlbTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(AlbTokenRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            AlbOidcData.Verdict verdict = verifier.orElseThrow().verify(request.token());
            if (verdict instanceof AlbOidcData.Verified verified) {
                return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(verified.caller().name()))
                        .addRoles(verified.caller().roles()).build();
            }
            String why = ((AlbOidcData.Refused) verdict).why();
            LOG.debugf("x-amzn-oidc-data refused: %s", why);
            throw new AuthenticationFailedException("x-amzn-oidc-data refused: " + why);
        });
    }
}
