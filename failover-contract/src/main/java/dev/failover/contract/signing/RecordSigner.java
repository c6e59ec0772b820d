package dev.failover.contract.signing;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Topics;

/**
 * Signs Kafka records with one Ed25519 private key under its key id (ADR 0009), by {@link Ed25519} (ADR 0032).
 * Thread-safe.
 */
public final class RecordSigner {

    private final String keyId;
    private final org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters privateKey;

    public RecordSigner(String keyId, PrivateKey privateKey) {
        if (!KeyIds.isValid(keyId)) {
            throw new IllegalArgumentException("key id must be " + KeyIds.RULE);
        }
        if (!PemKeys.ALGORITHM.equals(privateKey.getAlgorithm()) && !"EdDSA".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key: " + privateKey.getAlgorithm());
        }
        this.keyId = keyId;
        this.privateKey = Ed25519.privateKey(privateKey);
    }

    public String keyId() {
        return keyId;
    }

    /** The raw 64-byte signature of the record {@code key}/{@code value} on {@code topic}. */
    public byte[] sign(String topic, String key, String value) {
        return sign(SignedBytes.of(topic, key, value));
    }

    private byte[] sign(byte[] bytes) {
        return Ed25519.sign(privateKey, bytes);
    }

    /** A record to sign as one of a batch. */
    public record Entry(String key, String value) {
    }

    /**
     * The headers of each of these records of {@code topic}, in order, signed together by one Ed25519 signature of their
     * Merkle root (ADR 0029): {@link Topics#SIGNATURE_KEY_ID_HEADER}, {@link Topics#BATCH_SIGNATURE_HEADER} and the
     * record's own {@link Topics#BATCH_PROOF_HEADER}. Each record stands alone: a verifier needs it and its headers
     * only, so a compacted topic that keeps one record of a batch keeps it verifiable.
     */
    public List<Map<String, byte[]>> batchHeaders(String topic, List<Entry> records) {
        List<byte[][]> levels = BatchProof
                .levels(records.stream().map(r -> BatchProof.leaf(topic, r.key(), r.value())).toList());
        byte[] signature = sign(BatchProof.signedRoot(BatchProof.root(levels)));
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        List<Map<String, byte[]>> headers = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Map<String, byte[]> one = new LinkedHashMap<>();
            one.put(Topics.SIGNATURE_KEY_ID_HEADER, id);
            one.put(Topics.BATCH_SIGNATURE_HEADER, signature);
            one.put(Topics.BATCH_PROOF_HEADER, BatchProof.encode(levels, i));
            headers.add(one);
        }
        return headers;
    }

    /** The headers to send with the record, by name ({@link Topics#SIGNATURE_KEY_ID_HEADER}, {@link Topics#SIGNATURE_HEADER}). */
    public Map<String, byte[]> headers(String topic, String key, String value) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(Topics.SIGNATURE_KEY_ID_HEADER, keyId.getBytes(StandardCharsets.UTF_8));
        headers.put(Topics.SIGNATURE_HEADER, sign(topic, key, value));
        return headers;
    }
}
