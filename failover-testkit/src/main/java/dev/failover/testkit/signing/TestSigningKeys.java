package dev.failover.testkit.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.failover.contract.signing.PemKeys;
import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.SigningKeysResolver;
import dev.failover.contract.signing.TrustedKeys;

/**
 * Ed25519 key pairs made when a test JVM first needs them, written as PEM files the way a deployment mounts them: the
 * services sign with {@link #SIGNER_KEY_ID}; their trusted-keys directory holds it and {@link #ROTATED_KEY_ID}, as during
 * a key rotation (ADR 0009). A third key is trusted by no one. Test keys only: they exist for one JVM and are deleted
 * when it exits.
 */
public final class TestSigningKeys {

    public static final String SIGNER_KEY_ID = "test-signing-key-1";
    public static final String ROTATED_KEY_ID = "test-signing-key-2";
    public static final String UNTRUSTED_KEY_ID = "test-untrusted-key";
    /** The actuators' own key, which signs their stored desired states (ADR 0009, stored state). */
    public static final String ACTUATOR_KEY_ID = "test-actuator-key-1";

    private static TestSigningKeys shared;

    private final Path dir;
    private final RecordSigner signer;
    private final RecordSigner rotated;
    private final RecordSigner untrusted;
    private final RecordSigner actuator;

    private TestSigningKeys(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(trustedKeysDir());
        Files.createDirectories(actuatorTrustedKeysDir());
        signer = write(SIGNER_KEY_ID, true);
        rotated = write(ROTATED_KEY_ID, true);
        untrusted = write(UNTRUSTED_KEY_ID, false);
        actuator = write(ACTUATOR_KEY_ID, actuatorTrustedKeysDir());
    }

    /** The key pairs of this JVM, made on first use in a temporary directory removed at exit. */
    public static synchronized TestSigningKeys shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("failover-test-signing-");
                shared = new TestSigningKeys(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "test-signing-keys-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** The decision-service's settings: sign with {@link #SIGNER_KEY_ID}, trust it and {@link #ROTATED_KEY_ID}. */
    public Map<String, String> signerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(SigningKeysResolver.KEY_ID, SIGNER_KEY_ID);
        config.put(SigningKeysResolver.PRIVATE_KEY_FILE, privateKeyFile(SIGNER_KEY_ID).toString());
        config.putAll(trustConfig());
        config.putAll(actuatorResultsConfig());
        return config;
    }

    /**
     * A decision-service's settings when each instance signs with a key of its own (the region-loss test tells by the
     * key id which region a decision came from): sign with {@code keyId}, made and trusted on first use. Call it for
     * every instance before the actuators start, which read the trusted keys at start.
     */
    public synchronized Map<String, String> signerConfig(String keyId) {
        try {
            if (!Files.exists(privateKeyFile(keyId))) {
                write(keyId, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put(SigningKeysResolver.KEY_ID, keyId);
        config.put(SigningKeysResolver.PRIVATE_KEY_FILE, privateKeyFile(keyId).toString());
        config.putAll(trustConfig());
        config.putAll(actuatorResultsConfig());
        return config;
    }

    /**
     * The actuator's settings: trust {@link #SIGNER_KEY_ID} and {@link #ROTATED_KEY_ID} for decisions, and sign and
     * verify its stored desired states with {@link #ACTUATOR_KEY_ID}.
     */
    public Map<String, String> verifierConfig() {
        Map<String, String> config = new LinkedHashMap<>(trustConfig());
        String prefix = SigningKeysResolver.STATE_PREFIX;
        config.put(prefix + ".key-id", ACTUATOR_KEY_ID);
        config.put(prefix + ".private-key-file", privateKeyFile(ACTUATOR_KEY_ID).toString());
        config.put(prefix + ".trusted-keys-dir", actuatorTrustedKeysDir().toString());
        return config;
    }

    /** Trust {@link #SIGNER_KEY_ID} and {@link #ROTATED_KEY_ID}: what both services verify decisions and commands by. */
    public Map<String, String> trustConfig() {
        return Map.of(SigningKeysResolver.TRUSTED_KEYS_DIR, trustedKeysDir().toString());
    }

    /** The decision-service's trust in the actuators' results: {@link #ACTUATOR_KEY_ID} (ADR 0009). */
    public Map<String, String> actuatorResultsConfig() {
        return Map.of("failover.actuator-signing.trusted-keys-dir", actuatorTrustedKeysDir().toString());
    }

    /** The actuators' trusted keys of stored desired states: {@link #ACTUATOR_KEY_ID} only. */
    public Path actuatorTrustedKeysDir() {
        return dir.resolve("actuator-trusted");
    }

    public TrustedKeys actuatorTrustedKeys() {
        try {
            return TrustedKeys.fromDirectory(actuatorTrustedKeysDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs desired states as the actuators do. */
    public RecordSigner actuatorSigner() {
        return actuator;
    }

    /** Settings as the environment variables of a packaged service started as a process. */
    public static Map<String, String> asEnv(Map<String, String> config) {
        Map<String, String> env = new LinkedHashMap<>();
        config.forEach(
                (key, value) -> env.put(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'),
                        value));
        return env;
    }

    public Path trustedKeysDir() {
        return dir.resolve("trusted");
    }

    /** The trusted keys as the services read them from {@link #trustedKeysDir()}. */
    public TrustedKeys trustedKeys() {
        try {
            return TrustedKeys.fromDirectory(trustedKeysDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path privateKeyFile(String keyId) {
        return dir.resolve(keyId + ".key");
    }

    /** Signs as the services do. */
    public RecordSigner signer() {
        return signer;
    }

    /** Signs with the second trusted key, as a signer switched over in a rotation does. */
    public RecordSigner rotatedSigner() {
        return rotated;
    }

    /** Signs with a key no service trusts. */
    public RecordSigner untrustedSigner() {
        return untrusted;
    }

    private RecordSigner write(String keyId, boolean trusted) throws IOException {
        return write(keyId, trusted ? trustedKeysDir() : dir);
    }

    private RecordSigner write(String keyId, Path publicKeyDir) throws IOException {
        KeyPair pair = generate();
        Files.writeString(privateKeyFile(keyId), PemKeys.pem(pair.getPrivate()));
        Path publicKey = publicKeyDir.resolve(keyId + TrustedKeys.SUFFIX);
        Files.writeString(publicKey, PemKeys.pem(pair.getPublic()));
        return new RecordSigner(keyId, pair.getPrivate());
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(PemKeys.ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
