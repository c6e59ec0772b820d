package dev.failover.contract.signing;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The four settings of a signing key and of the keys trusted beside it, as each service that signs reads them under its
 * own prefix ({@value SigningKeysResolver#PREFIX}, {@value SigningKeysResolver#STATE_PREFIX}; ADR 0009): a service's
 * configuration group extends this, each method read as its name in kebab case ({@code key-id},
 * {@code private-key-file}, {@code private-key}, {@code trusted-keys-dir}), its environment variable the whole key in
 * capitals with underscores (e.g. {@code FAILOVER_SIGNING_KEY_ID}, {@code FAILOVER_STATE_SIGNING_KEY_ID}).
 * {@link SigningKeysResolver} of the same prefix checks them, naming each problem by its key.
 */
public interface SigningKeySettings {

    /**
     * Id of the signing key, sent with every signed record: the name, without {@code .pub}, of its public key in every
     * verifier's trusted-keys directory, this service's included. Changing it (with the private key) is how a rotation
     * switches the signer.
     */
    Optional<String> keyId();

    /**
     * The Ed25519 private key, PKCS#8 PEM as {@code openssl genpkey -algorithm ed25519} writes it, e.g. a file of a
     * Kubernetes Secret volume. Exactly one of this and {@code private-key}.
     */
    Optional<Path> privateKeyFile();

    /** The same private key as PEM text, e.g. from a Secret as env. */
    Optional<String> privateKey();

    /**
     * Directory of the trusted public keys, one {@code <key-id>.pub} (X.509 PEM, {@code openssl pkey -pubout}) each; a
     * mounted Secret volume fits. Must hold this service's own key.
     */
    Optional<Path> trustedKeysDir();
}
