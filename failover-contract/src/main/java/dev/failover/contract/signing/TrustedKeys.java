package dev.failover.contract.signing;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.failover.contract.event.Topics;

/**
 * The public keys a verifier trusts, by key id. Rotation (ADR 0009): add the new key's {@code <key-id>.pub} to every
 * verifier, switch the signer to the new key id, remove the old file once no record signed with it is still to be read.
 */
public final class TrustedKeys {

    /** File name ending of a public key in a trusted-keys directory. */
    public static final String SUFFIX = ".pub";
    private static final int SIGNATURE_LENGTH = 64;

    private final Map<String, PublicKey> keys;

    public TrustedKeys(Map<String, PublicKey> keys) {
        keys.keySet().forEach(id -> {
            if (!KeyIds.isValid(id)) {
                throw new IllegalArgumentException("key id '" + id + "' must be " + KeyIds.RULE);
            }
        });
        this.keys = Map.copyOf(keys);
    }

    /**
     * Every {@code <key-id>.pub} file of the directory, an X.509 PEM Ed25519 public key each. Names starting with a dot
     * are passed over: a Kubernetes Secret volume keeps its real files in {@code ..data} and links the keys to them.
     *
     * @throws IOException              when the directory cannot be listed or a key file read
     * @throws IllegalArgumentException naming the file whose name or content is not a key
     */
    public static TrustedKeys fromDirectory(Path dir) throws IOException {
        Map<String, PublicKey> keys = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> {
                String name = f.getFileName().toString();
                return name.endsWith(SUFFIX) && !name.startsWith(".") && Files.isRegularFile(f);
            }).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String id = name.substring(0, name.length() - SUFFIX.length());
            if (!KeyIds.isValid(id)) {
                throw new IllegalArgumentException(
                        file + ": the key id (the name without " + SUFFIX + ") must be " + KeyIds.RULE);
            }
            try {
                keys.put(id, PemKeys.publicKey(Files.readString(file, StandardCharsets.US_ASCII)));
            } catch (PemKeys.InvalidKeyTextException | java.nio.charset.MalformedInputException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage());
            }
        }
        return new TrustedKeys(keys);
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Whether a public key of {@code other} is also one of these, under any key id. */
    public boolean sharesAKeyWith(TrustedKeys other) {
        return keys.values().stream().anyMatch(k -> other.keys.values().stream()
                .anyMatch(o -> java.util.Arrays.equals(k.getEncoded(), o.getEncoded())));
    }

    /**
     * Checks the signature headers of one record against its topic, key and value.
     *
     * @param headers the record's headers by name: every value of a name, in order (a name may repeat in Kafka)
     */
    public Verification verify(String topic, String key, String value, HeaderValues headers) {
        List<byte[]> signatures = headers.all(Topics.SIGNATURE_HEADER);
        List<byte[]> keyIds = headers.all(Topics.SIGNATURE_KEY_ID_HEADER);
        List<byte[]> batchSignatures = headers.all(Topics.BATCH_SIGNATURE_HEADER);
        if (signatures.isEmpty() && batchSignatures.isEmpty()) {
            return Verification.unsigned();
        }
        if (!signatures.isEmpty() && !batchSignatures.isEmpty()) {
            return Verification
                    .malformed("both a " + Topics.SIGNATURE_HEADER + " and a " + Topics.BATCH_SIGNATURE_HEADER
                            + " header");
        }
        boolean batch = !batchSignatures.isEmpty();
        String signatureHeader = batch ? Topics.BATCH_SIGNATURE_HEADER : Topics.SIGNATURE_HEADER;
        if (signatures.size() > 1 || batchSignatures.size() > 1 || keyIds.size() > 1) {
            return Verification.malformed("more than one " + signatureHeader + " or "
                    + Topics.SIGNATURE_KEY_ID_HEADER + " header");
        }
        if (keyIds.isEmpty()) {
            return Verification.malformed("a signature without a " + Topics.SIGNATURE_KEY_ID_HEADER + " header");
        }
        String keyId = utf8(keyIds.get(0));
        if (!KeyIds.isValid(keyId)) {
            return Verification.malformed("the " + Topics.SIGNATURE_KEY_ID_HEADER + " header is not a key id ("
                    + KeyIds.RULE + ")");
        }
        byte[] signature = batch ? batchSignatures.get(0) : signatures.get(0);
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            return Verification.malformed("the " + signatureHeader + " header is not " + SIGNATURE_LENGTH
                    + " bytes (an Ed25519 signature)");
        }
        PublicKey publicKey = keys.get(keyId);
        if (publicKey == null) {
            return Verification.unknownKey(keyId);
        }
        if (batch) {
            return verifyInBatch(keyId, publicKey, BatchProof.leaf(topic, key, value), signature,
                    headers.all(Topics.BATCH_PROOF_HEADER));
        }
        return verifies(publicKey, SignedBytes.of(topic, key, value), signature) ? Verification.valid(keyId)
                : Verification.badSignature(keyId);
    }

    /**
     * A batch-signed record (ADR 0029): its proof must lead from its leaf to a root the key signed. A root verified once
     * is remembered ({@link #VERIFIED_ROOTS} of them), so the records of one batch cost one Ed25519 verification between
     * them and a few SHA-256 hashes each.
     */
    private Verification verifyInBatch(String keyId, PublicKey publicKey, byte[] leaf, byte[] signature,
            List<byte[]> proofs) {
        if (proofs.size() != 1) {
            return Verification.malformed("a " + Topics.BATCH_SIGNATURE_HEADER + " needs exactly one "
                    + Topics.BATCH_PROOF_HEADER + " header, found " + proofs.size());
        }
        var root = BatchProof.rootOf(leaf, proofs.get(0));
        if (root.isEmpty()) {
            return Verification.malformed("the " + Topics.BATCH_PROOF_HEADER + " header is not a proof of a place in a "
                    + "batch (place, size, and the sibling hashes they call for)");
        }
        VerifiedRoot verified = new VerifiedRoot(keyId, java.nio.ByteBuffer.wrap(root.get()),
                java.nio.ByteBuffer.wrap(signature.clone()));
        synchronized (verifiedRoots) {
            if (verifiedRoots.get(verified) != null) { // get, not containsKey: a hit keeps the root among the recent
                return Verification.valid(keyId);
            }
        }
        if (!verifies(publicKey, BatchProof.signedRoot(root.get()), signature)) {
            return Verification.badSignature(keyId);
        }
        synchronized (verifiedRoots) {
            verifiedRoots.put(verified, Boolean.TRUE);
        }
        return Verification.valid(keyId);
    }

    /** A batch root that a trusted key's signature was seen to verify. */
    private record VerifiedRoot(String keyId, java.nio.ByteBuffer root, java.nio.ByteBuffer signature) {
    }

    /** How many verified batch roots are remembered: a few seconds of batches at a region's scale, a few hundred KiB. */
    static final int VERIFIED_ROOTS = 4_096;

    private final Map<VerifiedRoot, Boolean> verifiedRoots = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<VerifiedRoot, Boolean> eldest) {
            return size() > VERIFIED_ROOTS;
        }
    };

    /** By {@link Ed25519} (ADR 0032), each key converted once and kept. */
    private boolean verifies(PublicKey key, byte[] signed, byte[] signature) {
        return Ed25519.verifies(verifying.computeIfAbsent(key, Ed25519::publicKey), signed, signature);
    }

    private final Map<PublicKey, org.bouncycastle.crypto.params.Ed25519PublicKeyParameters> verifying = new java.util.concurrent.ConcurrentHashMap<>();

    private static String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A record's header values by name, as Kafka's {@code Headers.headers(name)} gives them. */
    @FunctionalInterface
    public interface HeaderValues {
        List<byte[]> all(String name);

        /** One value per name, as {@link RecordSigner#headers} makes them. */
        static HeaderValues of(Map<String, byte[]> headers) {
            return name -> headers.containsKey(name) ? List.of(headers.get(name)) : List.of();
        }
    }
}
