package dev.failover.actuator.rest;

import java.time.Duration;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Bearer tokens for the actuator's API, signed with the test key (src/test/resources/privateKey.pem) and carrying what
 * application.properties requires: the issuer, the actuator's audience, an "iat" within the maximum age.
 */
public final class ApiTokens {

    public static final String ISSUER = "failover";
    public static final String AUDIENCE = "failover-actuator-service";

    private ApiTokens() {
    }

    public static String operator() {
        return withRoles("alice", "failover-operator");
    }

    public static String viewer() {
        return withRoles("bob", "failover-viewer");
    }

    public static String withRoles(String name, String... roles) {
        return claims(name, roles).sign();
    }

    /** A valid token's claims, for tests that change one of them. */
    public static JwtClaimsBuilder claims(String name, String... roles) {
        return Jwt.upn(name).issuer(ISSUER).audience(AUDIENCE).groups(Set.of(roles)).expiresIn(Duration.ofMinutes(10));
    }
}
