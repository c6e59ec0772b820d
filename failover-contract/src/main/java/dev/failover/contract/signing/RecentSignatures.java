package dev.failover.contract.signing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signatures this process made lately, each with a SHA-256 digest of the bytes it covers: a service that reads its
 * own records back (the decision-service reads every state record it publishes) recognises one it signed by comparing a
 * digest instead of verifying an Ed25519 signature again. A record is recognised only when its signature is one made
 * here and its topic, key and value are exactly the ones signed: a forger who copies a signature onto other bytes is
 * not, and goes through the full check. Bounded: the oldest are forgotten first, after which their records are checked
 * in full again. Thread-safe.
 * <p>
 * In the region benchmark (docs/benchmarks.md, "A region's groups failing over together") the state directory's
 * verification of the records the same process had just signed was a fifth of the decision-service's CPU while 1,000
 * groups failed over.
 */
public final class RecentSignatures {

    private final Map<ByteBuffer, byte[]> digests;

    /** @param capacity how many signatures are remembered */
    public RecentSignatures(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.digests = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** This process signed the record {@code key}/{@code value} of {@code topic} with {@code signature}. */
    public void signed(String topic, String key, String value, byte[] signature) {
        byte[] digest = digest(topic, key, value);
        synchronized (digests) {
            digests.put(ByteBuffer.wrap(signature.clone()), digest);
        }
    }

    /** Whether this process signed exactly this record with exactly this signature, and remembers it still. */
    public boolean signedHere(String topic, String key, String value, byte[] signature) {
        if (signature == null) {
            return false;
        }
        byte[] expected;
        synchronized (digests) {
            expected = digests.get(ByteBuffer.wrap(signature));
        }
        return expected != null && MessageDigest.isEqual(expected, digest(topic, key, value));
    }

    /**
     * This process signed a batch (ADR 0029) with {@code signature}; {@code key}/{@code value} is one of its records and
     * {@code proof} that record's proof: the batch's root is remembered under the signature.
     */
    public void signedBatch(String topic, String key, String value, byte[] signature, byte[] proof) {
        byte[] root = BatchProof.rootOf(BatchProof.leaf(topic, key, value), proof)
                .orElseThrow(() -> new IllegalArgumentException("not a proof of a place in a batch"));
        synchronized (digests) {
            digests.put(ByteBuffer.wrap(signature.clone()), root);
        }
    }

    /**
     * Whether this process signed a batch with exactly this signature, and {@code proof} leads from this record to its
     * root: the record is one of the batch, unchanged, without verifying the signature again.
     */
    public boolean signedHereInBatch(String topic, String key, String value, byte[] signature, byte[] proof) {
        if (signature == null || proof == null) {
            return false;
        }
        byte[] expected;
        synchronized (digests) {
            expected = digests.get(ByteBuffer.wrap(signature));
        }
        return expected != null && BatchProof.rootOf(BatchProof.leaf(topic, key, value), proof)
                .map(root -> MessageDigest.isEqual(expected, root)).orElse(false);
    }

    private static byte[] digest(String topic, String key, String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(SignedBytes.of(topic, key, value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
