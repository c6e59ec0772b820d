package dev.failover.decision.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Verifies the {@code x-amzn-oidc-data} header an AWS Application Load Balancer with an {@code authenticate-oidc} (or
 * {@code authenticate-cognito}) action adds to every request it forwards: a JWT signed by the load balancer (ES256),
 * whose header names the signing key ({@code kid}), the load balancer ({@code signer}, its ARN), the identity provider
 * ({@code iss}), the app client ({@code client}) and the expiry ({@code exp}), and whose payload holds the user's
 * claims from the provider's userinfo endpoint. Its parts are base64url <em>with</em> padding, which most JWT
 * libraries refuse; the signature covers them as sent.
 * <p>
 * A caller who reaches the pod without the load balancer can send the header too, so nothing in it is believed before
 * the signer is one of ours and the signature verifies with the key the load balancer's region publishes for that
 * {@code kid} (fetched only once the signer is known, so a forged header cannot make this service fetch from anywhere
 * else). Then the issuer and the app client must be ours (another application behind the same load balancer has its
 * own), and the token unexpired.
 */
public final class AlbOidcData {

    /** The header the load balancer sets. */
    public static final String HEADER = "x-amzn-oidc-data";

    static final Pattern KID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    static final Pattern SIGNER = Pattern
            .compile("arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\\d{12}:loadbalancer/app/.+");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAME_CLAIMS = List.of("preferred_username", "email", "sub");

    /**
     * What a token must show, and where its roles and name are.
     *
     * @param signerArns  the load balancers whose tokens are believed
     * @param clientId    the app client the load balancer signs users in with
     * @param issuer      the identity provider's issuer
     * @param groupsClaim the payload claim with the caller's roles: a list, or one string of roles separated by commas
     *                    or spaces (a Cognito custom attribute)
     * @param nameClaim   the payload claim with the caller's name; without one: preferred_username, email, then sub
     */
    public record Settings(Set<String> signerArns, String clientId, String issuer, String groupsClaim,
            Optional<String> nameClaim) {

        public Settings {
            signerArns = Set.copyOf(signerArns);
            for (String arn : signerArns) {
                if (!SIGNER.matcher(arn).matches()) {
                    throw new IllegalArgumentException("not the ARN of an Application Load Balancer: " + arn);
                }
            }
        }
    }

    /** The caller a verified token names. */
    public record Caller(String name, Set<String> roles) {
    }

    /** A token's verdict: the caller, or why it was refused (never the token itself). */
    public sealed interface Verdict {
    }

    /** A token this service believes. */
    public record Verified(Caller caller) implements Verdict {
    }

    /** A token refused, and why. */
    public record Refused(String why) implements Verdict {
    }

    /** The public keys the load balancers sign with, per region and key id. */
    public interface Keys {
        /** @throws IOException if the key cannot be had now (not found, unreachable, not a key) */
        PublicKey key(String region, String kid) throws IOException;
    }

    private final Settings settings;
    private final Keys keys;
    private final Clock clock;

    public AlbOidcData(Settings settings, Keys keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    public Verdict verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return new Refused("not a signed JWT (three dot-separated parts)");
        }
        JsonNode header;
        JsonNode payload;
        byte[] signature;
        try {
            header = JSON.readTree(decode(parts[0]));
            payload = JSON.readTree(decode(parts[1]));
            signature = decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            return new Refused("not base64url-encoded JSON");
        }
        if (header == null || !header.isObject() || payload == null || !payload.isObject()) {
            return new Refused("header or payload is not a JSON object");
        }
        if (!"ES256".equals(header.path("alg").asText())) {
            return new Refused("algorithm is not ES256");
        }
        String signer = header.path("signer").asText();
        if (!settings.signerArns().contains(signer)) {
            return new Refused("signed by a load balancer that is not trusted (signer)");
        }
        String kid = header.path("kid").asText();
        if (!KID.matcher(kid).matches()) {
            return new Refused("key id is not a key id (kid)");
        }
        var region = SIGNER.matcher(signer);
        region.matches();
        PublicKey key;
        try {
            key = keys.key(region.group(1), kid);
        } catch (IOException e) {
            return new Refused("the load balancer's key " + kid + " cannot be had: " + e.getMessage());
        }
        if (!verifies(key, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature)) {
            return new Refused("signature does not verify");
        }
        if (!settings.issuer().equals(header.path("iss").asText())) {
            return new Refused("issued by another identity provider (iss)");
        }
        if (!settings.clientId().equals(header.path("client").asText())) {
            return new Refused("signed in for another app client (client)");
        }
        JsonNode exp = header.path("exp");
        if (!exp.canConvertToLong() || exp.asLong() <= clock.instant().getEpochSecond()) {
            return new Refused("expired, or without an expiry (exp)");
        }
        Optional<String> name = name(payload);
        if (name.isEmpty()) {
            return new Refused("names no caller (" + settings.nameClaim().map(List::of).orElse(NAME_CLAIMS) + ")");
        }
        return new Verified(new Caller(name.get(), roles(payload.path(settings.groupsClaim()))));
    }

    private Optional<String> name(JsonNode payload) {
        for (String claim : settings.nameClaim().map(List::of).orElse(NAME_CLAIMS)) {
            JsonNode value = payload.path(claim);
            if (value.isTextual() && !value.asText().isBlank()) {
                return Optional.of(value.asText());
            }
        }
        return Optional.empty();
    }

    private static Set<String> roles(JsonNode claim) {
        List<String> roles = new ArrayList<>();
        if (claim.isArray()) {
            claim.forEach(r -> {
                if (r.isTextual()) {
                    roles.add(r.asText());
                }
            });
        } else if (claim.isTextual()) {
            roles.addAll(List.of(claim.asText().strip().split("[,\\s]+")));
        }
        roles.removeIf(String::isEmpty);
        return Set.copyOf(new LinkedHashSet<>(roles));
    }

    /** Base64url with or without the padding the load balancer adds. */
    private static byte[] decode(String part) {
        return Base64.getUrlDecoder().decode(part);
    }

    /** ES256: ECDSA over P-256 with SHA-256, the signature as R and S of 32 bytes each (RFC 7518, 3.4). */
    private static boolean verifies(PublicKey key, byte[] signed, byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initVerify(key);
            ecdsa.update(signed);
            return ecdsa.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // not an EC key, or not one of this curve
        }
    }
}
