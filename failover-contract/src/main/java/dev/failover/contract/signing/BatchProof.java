package dev.failover.contract.signing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Merkle tree of a signed batch of records (ADR 0029) and one record's proof of membership: its place, the batch's
 * size and the sibling hashes from its leaf up to the root. Leaves and inner nodes are hashed apart, as RFC 6962 does
 * (SHA-256 of {@code 0x00 || the record's signed bytes}, of {@code 0x01 || left || right}), so no inner node can pass for
 * a record. A level with an odd count promotes its last node unchanged.
 * <p>
 * Encoded in the {@code failover-batch-proof} header as the place and the size (4 bytes each, big-endian), then the
 * siblings, 32 bytes each, leaf first. Which levels have a sibling follows from the place and the size alone, so a proof
 * with one sibling too many or too few is malformed.
 */
final class BatchProof {

    static final int HASH_LENGTH = 32;
    /** The most records one batch may hold: far above a tick's state records, and it keeps proofs short. */
    static final int MAX_SIZE = 1 << 20;
    static final byte[] DOMAIN = "dev.failover.signed-batch.v1\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte LEAF = 0;
    private static final byte NODE = 1;

    private BatchProof() {
    }

    /** The leaf hash of the record {@code key}/{@code value} on {@code topic}: what a batch signature covers of it. */
    static byte[] leaf(String topic, String key, String value) {
        MessageDigest sha = sha256();
        sha.update(LEAF);
        sha.update(SignedBytes.of(topic, key, value));
        return sha.digest();
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update(NODE);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** The tree over these leaves, level by level: the leaves first, the root alone last. */
    static List<byte[][]> levels(List<byte[]> leaves) {
        if (leaves.isEmpty() || leaves.size() > MAX_SIZE) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX_SIZE + " records, not " + leaves.size());
        }
        List<byte[][]> levels = new ArrayList<>();
        byte[][] level = leaves.toArray(byte[][]::new);
        levels.add(level);
        while (level.length > 1) {
            byte[][] up = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < level.length; i += 2) {
                up[i / 2] = i + 1 < level.length ? node(level[i], level[i + 1]) : level[i];
            }
            levels.add(up);
            level = up;
        }
        return levels;
    }

    static byte[] root(List<byte[][]> levels) {
        return levels.get(levels.size() - 1)[0];
    }

    /** The bytes a batch's Ed25519 signature covers: a prefix of its own, so it means nothing as a record's, and the root. */
    static byte[] signedRoot(byte[] root) {
        byte[] signed = new byte[DOMAIN.length + root.length];
        System.arraycopy(DOMAIN, 0, signed, 0, DOMAIN.length);
        System.arraycopy(root, 0, signed, DOMAIN.length, root.length);
        return signed;
    }

    /** The encoded proof of the leaf at {@code index}. */
    static byte[] encode(List<byte[][]> levels, int index) {
        List<byte[]> siblings = new ArrayList<>();
        int at = index;
        for (int l = 0; l < levels.size() - 1; l++) {
            byte[][] level = levels.get(l);
            if (at % 2 == 1) {
                siblings.add(level[at - 1]);
            } else if (at + 1 < level.length) {
                siblings.add(level[at + 1]);
            }
            at /= 2;
        }
        ByteBuffer out = ByteBuffer.allocate(8 + siblings.size() * HASH_LENGTH);
        out.putInt(index).putInt(levels.get(0).length);
        siblings.forEach(out::put);
        return out.array();
    }

    /**
     * The root that the encoded proof leads to from {@code leaf}; empty when the proof is malformed (a place outside the
     * size, a size out of range, not exactly the siblings the place and size call for).
     */
    static Optional<byte[]> rootOf(byte[] leaf, byte[] proof) {
        if (proof == null || proof.length < 8 || (proof.length - 8) % HASH_LENGTH != 0) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(proof);
        int index = in.getInt();
        int size = in.getInt();
        if (size < 1 || size > MAX_SIZE || index < 0 || index >= size) {
            return Optional.empty();
        }
        byte[] hash = leaf;
        int at = index;
        int width = size;
        while (width > 1) {
            if (at % 2 == 1) {
                if (in.remaining() < HASH_LENGTH) {
                    return Optional.empty();
                }
                hash = node(next(in), hash);
            } else if (at + 1 < width) {
                if (in.remaining() < HASH_LENGTH) {
                    return Optional.empty();
                }
                hash = node(hash, next(in));
            }
            at /= 2;
            width = (width + 1) / 2;
        }
        return in.hasRemaining() ? Optional.empty() : Optional.of(hash);
    }

    private static byte[] next(ByteBuffer in) {
        byte[] sibling = new byte[HASH_LENGTH];
        in.get(sibling);
        return sibling;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
