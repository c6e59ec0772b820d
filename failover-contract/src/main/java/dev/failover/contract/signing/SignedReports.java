package dev.failover.contract.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Topics;

/**
 * The signature of a switch's report: the decision-service signs the report's JSON with the key it signs
 * decisions with (ADR 0009), and anyone holding its public key verifies it offline ({@code failoverctl report verify}).
 * What is signed is the report as compact JSON in the order of its fields, under the group as key and {@value #CONTEXT}
 * in place of a topic, so that a report's signature can never pass for a record's, nor a record's for a report's.
 */
public final class SignedReports {

    /** Where a topic would be in the signed bytes ({@link SignedBytes}): no topic has this name. */
    public static final String CONTEXT = "failover.report";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignedReports() {
    }

    /** A signature: the key's id and the 64 bytes, base64. */
    public record Signature(String keyId, String value) {
    }

    /** The bytes that are signed of {@code report}: compact JSON, its fields in the order they are in. */
    public static String canonical(JsonNode report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that does not write", e);
        }
    }

    public static Signature sign(RecordSigner signer, String group, JsonNode report) {
        return new Signature(signer.keyId(), Base64.getEncoder().encodeToString(signer.sign(CONTEXT, group,
                canonical(report))));
    }

    /** Whether {@code signature} is a trusted key's over {@code report} of {@code group}, and which key's. */
    public static Verification verify(TrustedKeys trusted, String group, JsonNode report, Signature signature) {
        byte[] value;
        try {
            value = Base64.getDecoder().decode(signature.value() == null ? "" : signature.value());
        } catch (IllegalArgumentException e) {
            return Verification.malformed("the signature is not base64");
        }
        byte[] keyId = signature.keyId() == null ? null : signature.keyId().getBytes(StandardCharsets.UTF_8);
        return trusted.verify(CONTEXT, group, canonical(report), name -> name.equals(Topics.SIGNATURE_HEADER)
                ? List.of(value)
                : name.equals(Topics.SIGNATURE_KEY_ID_HEADER) && keyId != null ? List.of(keyId) : List.of());
    }
}
