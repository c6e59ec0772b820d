package dev.failover.contract.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.failover.contract.event.Topics;

/**
 * Reads the signing settings every service shares ({@code failover.signing.*}) into a signer and a trusted-key set,
 * collecting every problem with the key to fix, so that a service's config resolver reports them with its own and
 * refuses to start. Nothing here has a default: a service that signs or verifies cannot run without keys.
 */
public final class SigningKeysResolver {

    /** The settings of the signing key of decisions and commands (the decision-service's) and of those who trust it. */
    public static final String PREFIX = "failover.signing";
    /**
     * The settings of the actuators' own key, which signs their stored desired states, and of the actuator keys they
     * trust to restore from (ADR 0009, stored state): the same four settings under this prefix.
     */
    public static final String STATE_PREFIX = "failover.state-signing";
    public static final String KEY_ID = PREFIX + ".key-id";
    public static final String PRIVATE_KEY_FILE = PREFIX + ".private-key-file";
    public static final String PRIVATE_KEY = PREFIX + ".private-key";
    public static final String TRUSTED_KEYS_DIR = PREFIX + ".trusted-keys-dir";

    private final String keyIdKey;
    private final String privateKeyFileKey;
    private final String privateKeyKey;
    private final String trustedKeysDirKey;
    private final String privateKeyEnv;

    /**
     * The four settings under {@code prefix}: {@value #PREFIX} for the decision-service's key, {@value #STATE_PREFIX} for
     * an actuator's; problems are named by those keys.
     */
    public SigningKeysResolver(String prefix) {
        keyIdKey = prefix + ".key-id";
        privateKeyFileKey = prefix + ".private-key-file";
        privateKeyKey = prefix + ".private-key";
        trustedKeysDirKey = prefix + ".trusted-keys-dir";
        privateKeyEnv = privateKeyKey.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** One problem of the signing settings. */
    public record Problem(String key, String message) {
        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    private final List<Problem> problems = new ArrayList<>();

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** The keys of {@code failover.signing.trusted-keys-dir}; null when there is a problem. */
    public TrustedKeys trustedKeys(Optional<Path> dir) {
        if (dir.isEmpty()) {
            return problem(trustedKeysDirKey, "required: a directory of <key-id>" + TrustedKeys.SUFFIX
                    + " Ed25519 public keys (PEM) whose signatures this service accepts");
        }
        if (!Files.isDirectory(dir.get())) {
            return problem(trustedKeysDirKey, "'" + dir.get() + "' is not a directory");
        }
        try {
            TrustedKeys keys = TrustedKeys.fromDirectory(dir.get());
            if (keys.isEmpty()) {
                return problem(trustedKeysDirKey,
                        "'" + dir.get() + "' holds no <key-id>" + TrustedKeys.SUFFIX + " file");
            }
            return keys;
        } catch (IOException e) {
            return problem(trustedKeysDirKey, "cannot read '" + dir.get() + "': " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return problem(trustedKeysDirKey, e.getMessage());
        }
    }

    /**
     * The signer of {@code settings}' {@code key-id} with the private key of its {@code private-key-file} or
     * {@code private-key} (exactly one), checked against {@code trusted}: its key id must be trusted and the trusted
     * public key must verify what the private key signs, or this service's own records would be refused. Null when there
     * is a problem.
     */
    public RecordSigner signer(SigningKeySettings settings, TrustedKeys trusted) {
        String id = settings.keyId().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (id == null) {
            problem(keyIdKey, "required: the id of the signing key, the name of its public key in the verifiers' "
                    + "trusted-keys directories without " + TrustedKeys.SUFFIX);
        } else if (!KeyIds.isValid(id)) {
            problem(keyIdKey, "'" + id + "' must be " + KeyIds.RULE);
            id = null;
        }
        PrivateKey privateKey = privateKey(settings.privateKeyFile(), settings.privateKey().filter(s -> !s.isBlank()));
        if (id == null || privateKey == null || trusted == null) {
            return null;
        }
        if (!trusted.keyIds().contains(id)) {
            return problem(keyIdKey,
                    "'" + id + "' is not in " + trustedKeysDirKey + " (" + String.join(", ", trusted.keyIds())
                            + "): this service would refuse its own records; add " + id + TrustedKeys.SUFFIX
                            + " there");
        }
        RecordSigner signer = new RecordSigner(id, privateKey);
        String value = "start-up check";
        Verification check = trusted.verify(Topics.COMMANDS, id, value,
                TrustedKeys.HeaderValues.of(signer.headers(Topics.COMMANDS, id, value)));
        if (!check.isValid()) {
            return problem(keyIdKey,
                    "the trusted public key " + id + TrustedKeys.SUFFIX + " does not match the private key ("
                            + check.describe() + ")");
        }
        return signer;
    }

    private PrivateKey privateKey(Optional<Path> file, Optional<String> pem) {
        if (file.isPresent() && pem.isPresent()) {
            return problem(privateKeyFileKey,
                    "set either it or " + privateKeyKey + " (env " + privateKeyEnv + "), not both");
        }
        if (file.isEmpty() && pem.isEmpty()) {
            return problem(privateKeyFileKey, "required (or " + privateKeyKey + ", env " + privateKeyEnv + "): the "
                    + "Ed25519 private key in PKCS#8 PEM, as openssl genpkey -algorithm ed25519 writes it");
        }
        String key = privateKeyKey;
        String text;
        if (file.isPresent()) {
            key = privateKeyFileKey;
            try {
                text = Files.readString(file.get(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return problem(key, "cannot read '" + file.get() + "': " + e.getClass().getSimpleName());
            }
        } else {
            text = pem.get();
        }
        try {
            return PemKeys.privateKey(text);
        } catch (PemKeys.InvalidKeyTextException e) {
            return problem(key, e.getMessage());
        }
    }

    private <T> T problem(String key, String message) {
        problems.add(new Problem(key, message));
        return null;
    }
}
