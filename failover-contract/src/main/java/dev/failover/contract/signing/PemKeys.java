package dev.failover.contract.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys as PEM text, as {@code openssl genpkey -algorithm ed25519} (PKCS#8 private key) and
 * {@code openssl pkey -pubout} (X.509 SubjectPublicKeyInfo) write them. Read with the JDK's own Ed25519 provider.
 */
public final class PemKeys {

    public static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private PemKeys() {
    }

    /** @throws InvalidKeyTextException saying what is wrong, never showing the key */
    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(body(pem, PRIVATE)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidKeyTextException(
                    "not an Ed25519 private key in PKCS#8 PEM (-----BEGIN " + PRIVATE + "-----)");
        }
    }

    /** @throws InvalidKeyTextException saying what is wrong */
    public static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(body(pem, PUBLIC)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidKeyTextException(
                    "not an Ed25519 public key in X.509 PEM (-----BEGIN " + PUBLIC + "-----)");
        }
    }

    /**
     * An elliptic-curve public key in X.509 PEM, as an AWS load balancer publishes the key that signs its
     * {@code x-amzn-oidc-data} tokens.
     *
     * @throws InvalidKeyTextException saying what is wrong
     */
    public static PublicKey ecPublicKey(String pem) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(body(pem, PUBLIC)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidKeyTextException("not an EC public key in X.509 PEM (-----BEGIN " + PUBLIC + "-----)");
        }
    }

    public static String pem(PrivateKey key) {
        return pem(PRIVATE, key.getEncoded());
    }

    public static String pem(PublicKey key) {
        return pem(PUBLIC, key.getEncoded());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] body(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + label + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to).strip());
    }

    /** Key text that is not the expected PEM key; the message never contains the text itself. */
    public static final class InvalidKeyTextException extends RuntimeException {
        InvalidKeyTextException(String message) {
            super(message);
        }
    }
}
