package dev.failover.contract.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The Ed25519 signatures of ADR 0009, made and checked by Bouncy Castle (ADR 0032): the very bytes the JDK's provider
 * makes (RFC 8032 signatures are deterministic), so records signed by earlier releases, or by any other Ed25519
 * implementation, verify, and ours verify for them.
 */
class Ed25519Test {

    static final HexFormat HEX = HexFormat.of();

    /** RFC 8032, section 7.1, TEST 2: a one-byte message. */
    static final String RFC_SECRET = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    static final String RFC_PUBLIC = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    static final String RFC_MESSAGE = "72";
    static final String RFC_SIGNATURE = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    static PrivateKey rfcPrivateKey() throws Exception {
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(
                HEX.parseHex("302e020100300506032b657004220420" + RFC_SECRET)));
    }

    static PublicKey rfcPublicKey() throws Exception {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                HEX.parseHex("302a300506032b6570032100" + RFC_PUBLIC)));
    }

    @Test
    void theRfcsTestVectorIsSignedAndVerified() throws Exception {
        byte[] message = HEX.parseHex(RFC_MESSAGE);
        assertThat(HEX.formatHex(Ed25519.sign(Ed25519.privateKey(rfcPrivateKey()), message))).isEqualTo(RFC_SIGNATURE);
        assertThat(Ed25519.verifies(Ed25519.publicKey(rfcPublicKey()), message, HEX.parseHex(RFC_SIGNATURE))).isTrue();
    }

    @Test
    void signaturesAreTheJdksBytesAndEachVerifiesTheOthers() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] message = "{\"group\":\"api\",\"epoch\":7,\"reason\":\"région\"}".getBytes(StandardCharsets.UTF_8);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(pair.getPrivate());
        jdk.update(message);
        byte[] byJdk = jdk.sign();

        byte[] ours = Ed25519.sign(Ed25519.privateKey(pair.getPrivate()), message);
        assertThat(ours).isEqualTo(byJdk);
        assertThat(Ed25519.verifies(Ed25519.publicKey(pair.getPublic()), message, byJdk)).isTrue();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(pair.getPublic());
        verifier.update(message);
        assertThat(verifier.verify(ours)).as("ours, verified by the JDK").isTrue();
    }

    @Test
    void aWrongOrMalformedSignatureDoesNotVerifyAndThrowsNothing() throws Exception {
        var key = Ed25519.publicKey(rfcPublicKey());
        byte[] message = HEX.parseHex(RFC_MESSAGE);
        byte[] signature = HEX.parseHex(RFC_SIGNATURE);
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;
        assertThat(Ed25519.verifies(key, message, flipped)).isFalse();
        assertThat(Ed25519.verifies(key, HEX.parseHex("73"), signature)).as("another message").isFalse();
        assertThat(Ed25519.verifies(key, message, java.util.Arrays.copyOf(signature, 63))).as("63 bytes").isFalse();
        assertThat(Ed25519.verifies(key, message, java.util.Arrays.copyOf(signature, 65))).as("65 bytes").isFalse();
        assertThat(Ed25519.verifies(key, message, new byte[0])).isFalse();
        assertThat(Ed25519.verifies(key, message, null)).isFalse();
    }

    @Test
    void aKeyOfAnotherAlgorithmIsRefusedByName() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThatThrownBy(() -> Ed25519.privateKey(ec.getPrivate())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an Ed25519 key");
        assertThatThrownBy(() -> Ed25519.publicKey(ec.getPublic())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an Ed25519 key");
    }
}
