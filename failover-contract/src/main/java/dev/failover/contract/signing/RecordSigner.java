package dev.failover.contract.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.failover.contract.event.Topics;

/**
 * Signs Kafka records with one Ed25519 private key under its key id (ADR 0009). Thread-safe: each signature uses its own
 * {@link Signature} object.
 */
public final class RecordSigner {

    private final String keyId;
    private final PrivateKey privateKey;

    public RecordSigner(String keyId, PrivateKey privateKey) {
        if (!KeyIds.isValid(keyId)) {
            throw new IllegalArgumentException("key id must be " + KeyIds.RULE);
        }
        if (!PemKeys.ALGORITHM.equals(privateKey.getAlgorithm()) && !"EdDSA".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key: " + privateKey.getAlgorithm());
        }
        this.keyId = keyId;
        this.privateKey = privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The raw 64-byte signature of the record {@code key}/{@code value} on {@code topic}. */
    public byte[] sign(String topic, String key, String value) {
        try {
            Signature signature = Signature.getInstance(PemKeys.ALGORITHM);
            signature.initSign(privateKey);
            signature.update(SignedBytes.of(topic, key, value));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The headers to send with the record, by name ({@link Topics#SIGNATURE_KEY_ID_HEADER}, {@link Topics#SIGNATURE_HEADER}). */
    public Map<String, byte[]> headers(String topic, String key, String value) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(Topics.SIGNATURE_KEY_ID_HEADER, keyId.getBytes(StandardCharsets.UTF_8));
        headers.put(Topics.SIGNATURE_HEADER, sign(topic, key, value));
        return headers;
    }
}
