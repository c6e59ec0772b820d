package dev.failover.decision.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code x-amzn-oidc-data} headers shaped as an Application Load Balancer writes them (AWS, "Authenticate users using
 * an Application Load Balancer": the header's fields alg, kid, signer, iss, client, exp; the user's claims from the
 * identity provider's userinfo in the payload; ES256; every part base64url <em>with</em> its padding), signed with a
 * P-256 key of the test's own. Test code.
 */
final class AlbTokens {

    static final String REGION = "eu-west-1";
    static final String SIGNER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/failover/50dc6c495c0c9188";
    static final String OTHER_SIGNER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/9f0c2b1d7e6a5c43";
    static final String KID = "3f8b5c1e-2a4d-4c6b-9e7f-0a1b2c3d4e5f";
    static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";
    static final String CLIENT = "4kcp1hr6qlm0c2j2gd8bmm4t7";
    static final String ROLES_CLAIM = "custom:failover_roles";
    static final ObjectMapper JSON = new ObjectMapper();

    private AlbTokens() {
    }

    static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header fields the load balancer writes, expiring in two minutes. */
    static Map<String, Object> header(Instant now) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("kid", KID);
        header.put("alg", "ES256");
        header.put("iss", ISSUER);
        header.put("client", CLIENT);
        header.put("signer", SIGNER);
        header.put("exp", now.getEpochSecond() + 120);
        return header;
    }

    /** Cognito's userinfo for a user: sub, email, username, and the roles in a custom attribute (one string). */
    static Map<String, Object> payload(String email, String roles, Instant now) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sub", "7a1c3e5f-9b2d-4f6a-8c0e-1d3f5a7b9c2e");
        payload.put("email_verified", "true");
        payload.put(ROLES_CLAIM, roles);
        payload.put("email", email);
        payload.put("username", "7a1c3e5f-9b2d-4f6a-8c0e-1d3f5a7b9c2e");
        payload.put("exp", now.getEpochSecond() + 120);
        payload.put("iss", ISSUER);
        return payload;
    }

    static String sign(Map<String, Object> header, Map<String, Object> payload, KeyPair key) {
        String signed = part(json(header)) + "." + part(json(payload));
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initSign(key.getPrivate());
            ecdsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + part(ecdsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64url with padding, as the load balancer writes it. */
    static String part(byte[] bytes) {
        return Base64.getUrlEncoder().encodeToString(bytes);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
