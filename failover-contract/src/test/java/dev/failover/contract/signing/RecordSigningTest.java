package dev.failover.contract.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification.Outcome;

/** Signing and verification of records, table-driven: what a verifier answers for each way a record can be wrong. */
class RecordSigningTest {

    static final KeyPair CURRENT = generate();
    static final KeyPair NEXT = generate();
    static final KeyPair STRANGER = generate();
    static final RecordSigner SIGNER = new RecordSigner("key-2025", CURRENT.getPrivate());
    static final TrustedKeys TRUSTED = new TrustedKeys(Map.of("key-2025", CURRENT.getPublic()));

    static final String TOPIC = Topics.DECISIONS;
    static final String KEY = "api";
    static final String VALUE = "{\"schemaVersion\":1,\"group\":\"api\",\"epoch\":1,\"reason\":\"région\"}";

    /** A record as it arrives: topic, key, value and headers, each of which a test may have changed after signing. */
    record Arrived(String topic, String key, String value, Map<String, List<byte[]>> headers) {
        Verification verifiedBy(TrustedKeys trusted) {
            return trusted.verify(topic, key, value, name -> headers.getOrDefault(name, List.of()));
        }
    }

    static Arrived signedBy(RecordSigner signer) {
        Map<String, List<byte[]>> headers = new LinkedHashMap<>();
        signer.headers(TOPIC, KEY, VALUE).forEach((name, value) -> headers.put(name, List.of(value)));
        return new Arrived(TOPIC, KEY, VALUE, headers);
    }

    static UnaryOperator<Arrived> header(String name, byte[]... values) {
        return r -> {
            Map<String, List<byte[]>> headers = new HashMap<>(r.headers());
            if (values.length == 0) {
                headers.remove(name);
            } else {
                headers.put(name, List.of(values));
            }
            return new Arrived(r.topic(), r.key(), r.value(), headers);
        };
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> records() {
        byte[] otherSignature = SIGNER.sign(TOPIC, "other-group", VALUE);
        byte[] strangerSignature = new RecordSigner("key-2025", STRANGER.getPrivate()).sign(TOPIC, KEY, VALUE);
        return Stream.of(
                Arguments.of("as signed", UnaryOperator.<Arrived>identity(), Outcome.VALID),
                Arguments.of("value changed by one character",
                        (UnaryOperator<Arrived>) r -> new Arrived(r.topic(), r.key(),
                                r.value().replace("\"epoch\":1", "\"epoch\":2"), r.headers()),
                        Outcome.BAD_SIGNATURE),
                Arguments.of("value with a space added", (UnaryOperator<Arrived>) r -> new Arrived(r.topic(), r.key(),
                        r.value() + " ", r.headers()), Outcome.BAD_SIGNATURE),
                Arguments.of("another group's key", (UnaryOperator<Arrived>) r -> new Arrived(r.topic(), "other-group",
                        r.value(), r.headers()), Outcome.BAD_SIGNATURE),
                Arguments.of("no key",
                        (UnaryOperator<Arrived>) r -> new Arrived(r.topic(), null, r.value(), r.headers()),
                        Outcome.BAD_SIGNATURE),
                Arguments.of("another topic",
                        (UnaryOperator<Arrived>) r -> new Arrived(Topics.COMMANDS, r.key(), r.value(),
                                r.headers()),
                        Outcome.BAD_SIGNATURE),
                Arguments.of("topic and key split elsewhere", (UnaryOperator<Arrived>) r -> new Arrived(TOPIC + "a",
                        "pi", r.value(), r.headers()), Outcome.BAD_SIGNATURE),
                Arguments.of("another record's signature", header(Topics.SIGNATURE_HEADER, otherSignature),
                        Outcome.BAD_SIGNATURE),
                Arguments.of("wrong key under the trusted id", header(Topics.SIGNATURE_HEADER, strangerSignature),
                        Outcome.BAD_SIGNATURE),
                Arguments.of("64 zero bytes", header(Topics.SIGNATURE_HEADER, new byte[64]), Outcome.BAD_SIGNATURE),
                Arguments.of("unknown key id", header(Topics.SIGNATURE_KEY_ID_HEADER, utf8("key-2019")),
                        Outcome.UNKNOWN_KEY),
                Arguments.of("no headers", (UnaryOperator<Arrived>) r -> header(Topics.SIGNATURE_KEY_ID_HEADER)
                        .apply(header(Topics.SIGNATURE_HEADER).apply(r)),
                        Outcome.UNSIGNED),
                Arguments.of("key id without signature", header(Topics.SIGNATURE_HEADER), Outcome.UNSIGNED),
                Arguments.of("signature without key id", header(Topics.SIGNATURE_KEY_ID_HEADER), Outcome.MALFORMED),
                Arguments.of("two signatures", header(Topics.SIGNATURE_HEADER, SIGNER.sign(TOPIC, KEY, VALUE),
                        strangerSignature), Outcome.MALFORMED),
                Arguments.of("two key ids", header(Topics.SIGNATURE_KEY_ID_HEADER, utf8("key-2025"), utf8("key-2019")),
                        Outcome.MALFORMED),
                Arguments.of("signature too short", header(Topics.SIGNATURE_HEADER, new byte[63]), Outcome.MALFORMED),
                Arguments.of("signature as base64 text", header(Topics.SIGNATURE_HEADER,
                        utf8(Base64.getEncoder().encodeToString(SIGNER.sign(TOPIC, KEY, VALUE)))), Outcome.MALFORMED),
                Arguments.of("key id not a key id", header(Topics.SIGNATURE_KEY_ID_HEADER, utf8("../etc/passwd")),
                        Outcome.MALFORMED),
                Arguments.of("key id not UTF-8", header(Topics.SIGNATURE_KEY_ID_HEADER, new byte[] { (byte) 0xC3 }),
                        Outcome.MALFORMED));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("records")
    void aVerifierAnswersWhatBecameOfTheRecord(String name, UnaryOperator<Arrived> change, Outcome expected) {
        Verification verification = change.apply(signedBy(SIGNER)).verifiedBy(TRUSTED);
        assertThat(verification.outcome()).as(name + ": " + verification.describe()).isEqualTo(expected);
        if (expected == Outcome.VALID) {
            assertThat(verification).isEqualTo(Verification.valid("key-2025"));
        }
    }

    @Test
    void anUnknownKeyIdIsNamedAndAnInvalidOneIsNot() {
        assertThat(header(Topics.SIGNATURE_KEY_ID_HEADER, utf8("key-2019")).apply(signedBy(SIGNER)).verifiedBy(TRUSTED)
                .describe()).isEqualTo("UNKNOWN_KEY: key id 'key-2019' is not trusted");
        assertThat(header(Topics.SIGNATURE_KEY_ID_HEADER, utf8("<script>")).apply(signedBy(SIGNER)).verifiedBy(TRUSTED)
                .describe()).doesNotContain("<script>");
    }

    @Test
    void rotationTrustsBothKeysWhileTheSignerMovesAndTheOldOneIsRefusedOnceRemoved() {
        RecordSigner next = new RecordSigner("key-2026", NEXT.getPrivate());
        TrustedKeys during = new TrustedKeys(Map.of("key-2025", CURRENT.getPublic(), "key-2026", NEXT.getPublic()));
        TrustedKeys after = new TrustedKeys(Map.of("key-2026", NEXT.getPublic()));

        assertThat(signedBy(next).verifiedBy(TRUSTED)).as("before: the new key is not trusted yet")
                .isEqualTo(Verification.unknownKey("key-2026"));
        assertThat(signedBy(SIGNER).verifiedBy(during)).as("during: the old key's records still in Kafka")
                .isEqualTo(Verification.valid("key-2025"));
        assertThat(signedBy(next).verifiedBy(during)).as("during: the switched signer")
                .isEqualTo(Verification.valid("key-2026"));
        assertThat(signedBy(next).verifiedBy(after)).isEqualTo(Verification.valid("key-2026"));
        assertThat(signedBy(SIGNER).verifiedBy(after)).as("after: the removed key")
                .isEqualTo(Verification.unknownKey("key-2025"));
        Arrived underSwappedIds = header(Topics.SIGNATURE_KEY_ID_HEADER, utf8("key-2026")).apply(signedBy(SIGNER));
        assertThat(underSwappedIds.verifiedBy(during)).as("the old key's signature under the new id")
                .isEqualTo(Verification.badSignature("key-2026"));
    }

    @Test
    void keysWrittenByOpensslAreReadAndTheirSignaturesInteroperate() throws Exception {
        var privateKey = PemKeys.privateKey(resource("TEST-ONLY-openssl-ed25519.key"));
        var publicKey = PemKeys.publicKey(resource("TEST-ONLY-openssl-ed25519.pub"));
        // made with: openssl pkeyutl -sign -rawin -inkey TEST-ONLY-openssl-ed25519.key -in <(echo -n hello)
        byte[] opensslSignature = Base64.getDecoder().decode(
                "xtgQTPNg+iS5fKSyUyc/PizgQQmgNGCMpTkcMG/QU7unzEw2nsmPJ+x+8GVw4Xk5TxwJXYw2H1ySjSpRrARXAA==");
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(utf8("hello"));
        assertThat(verifier.verify(opensslSignature)).as("openssl's signature verifies with the JDK").isTrue();

        RecordSigner signer = new RecordSigner("openssl-made", privateKey);
        assertThat(signedBy(signer).verifiedBy(new TrustedKeys(Map.of("openssl-made", publicKey))))
                .isEqualTo(Verification.valid("openssl-made"));
        assertThat(PemKeys.publicKey(PemKeys.pem(publicKey))).isEqualTo(publicKey);
        assertThat(PemKeys.privateKey(PemKeys.pem(CURRENT.getPrivate())).getEncoded())
                .isEqualTo(CURRENT.getPrivate().getEncoded());
    }

    @Test
    void keyTextThatIsNotAKeyIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> PemKeys.privateKey(PemKeys.pem(CURRENT.getPublic())))
                .isInstanceOf(PemKeys.InvalidKeyTextException.class).hasMessageContaining("PKCS#8");
        assertThatThrownBy(() -> PemKeys.publicKey("-----BEGIN PUBLIC KEY-----\nc2VjcmV0\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(PemKeys.InvalidKeyTextException.class).message().doesNotContain("c2VjcmV0");
    }

    @TempDir
    Path dir;

    @Test
    void aTrustedKeysDirectoryIsReadAsASecretVolumeLaysItOut() throws IOException {
        Path data = Files.createDirectories(dir.resolve("..2025_01_01_00_00_00.1"));
        Files.writeString(data.resolve("key-2025.pub"), PemKeys.pem(CURRENT.getPublic()));
        Files.writeString(data.resolve("key-2026.pub"), PemKeys.pem(NEXT.getPublic()));
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(dir.resolve("key-2025.pub"), Path.of("..data/key-2025.pub"));
        Files.createSymbolicLink(dir.resolve("key-2026.pub"), Path.of("..data/key-2026.pub"));
        Files.writeString(dir.resolve("README"), "not a key");

        TrustedKeys keys = TrustedKeys.fromDirectory(dir);
        assertThat(keys.keyIds()).containsExactlyInAnyOrder("key-2025", "key-2026");
        assertThat(signedBy(SIGNER).verifiedBy(keys)).isEqualTo(Verification.valid("key-2025"));
    }

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of("nothing set", null, null, false, null,
                        List.of(SigningKeysResolver.TRUSTED_KEYS_DIR + ": required",
                                SigningKeysResolver.KEY_ID + ": required",
                                SigningKeysResolver.PRIVATE_KEY_FILE + ": required")),
                Arguments.of("all good", "key-2025", "current.key", false, "trusted", List.of()),
                Arguments.of("key id not trusted", "key-2026", "current.key", false, "trusted",
                        List.of(SigningKeysResolver.KEY_ID + ": 'key-2026' is not in")),
                Arguments.of("trusted key is another key's", "key-2025", "next.key", false, "trusted",
                        List.of(SigningKeysResolver.KEY_ID + ": the trusted public key key-2025.pub does not match")),
                Arguments.of("key id invalid", "key 2025", "current.key", false, "trusted",
                        List.of(SigningKeysResolver.KEY_ID + ": 'key 2025' must be")),
                Arguments.of("private key file missing", "key-2025", "absent.key", false, "trusted",
                        List.of(SigningKeysResolver.PRIVATE_KEY_FILE + ": cannot read")),
                Arguments.of("private key file holds a public key", "key-2025", "trusted/key-2025.pub", false,
                        "trusted",
                        List.of(SigningKeysResolver.PRIVATE_KEY_FILE + ": not an Ed25519 private key")),
                Arguments.of("file and env both", "key-2025", "current.key", true, "trusted",
                        List.of(SigningKeysResolver.PRIVATE_KEY_FILE + ": set either it or")),
                Arguments.of("env only", "key-2025", null, true, "trusted", List.of()),
                Arguments.of("trusted dir absent", "key-2025", "current.key", false, "absent",
                        List.of(SigningKeysResolver.TRUSTED_KEYS_DIR + ": '")),
                Arguments.of("trusted dir empty", "key-2025", "current.key", false, "empty",
                        List.of(SigningKeysResolver.TRUSTED_KEYS_DIR + ": '")),
                Arguments.of("trusted key file not a key", "key-2025", "current.key", false, "broken",
                        List.of(SigningKeysResolver.TRUSTED_KEYS_DIR + ": ")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void everySigningSettingProblemNamesItsKey(String name, String keyId, String privateKeyFile, boolean privateKeyEnv,
            String trustedDir, List<String> expected) throws IOException {
        Files.writeString(dir.resolve("current.key"), PemKeys.pem(CURRENT.getPrivate()));
        Files.writeString(dir.resolve("next.key"), PemKeys.pem(NEXT.getPrivate()));
        Files.createDirectories(dir.resolve("trusted"));
        Files.writeString(dir.resolve("trusted/key-2025.pub"), PemKeys.pem(CURRENT.getPublic()));
        Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("broken"));
        Files.writeString(dir.resolve("broken/key-2025.pub"), "garbage");

        SigningKeysResolver resolver = new SigningKeysResolver(SigningKeysResolver.PREFIX);
        TrustedKeys trusted = resolver.trustedKeys(java.util.Optional.ofNullable(trustedDir).map(dir::resolve));
        RecordSigner signer = resolver.signer(new SettingsValues(java.util.Optional.ofNullable(keyId),
                java.util.Optional.ofNullable(privateKeyFile).map(dir::resolve),
                privateKeyEnv ? java.util.Optional.of(PemKeys.pem(CURRENT.getPrivate())) : java.util.Optional.empty(),
                java.util.Optional.ofNullable(trustedDir).map(dir::resolve)), trusted);

        List<String> problems = new ArrayList<>(resolver.problems().stream().map(Object::toString).toList());
        assertThat(problems).as(name).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(problems.get(i)).as(name).startsWith(expected.get(i));
        }
        List<String> keyTexts = List.of(base64Body(PemKeys.pem(CURRENT.getPrivate())),
                base64Body(PemKeys.pem(NEXT.getPrivate())),
                base64Body(PemKeys.pem(CURRENT.getPublic())));
        assertThat(problems).as("never the key text").noneMatch(p -> keyTexts.stream().anyMatch(p::contains));
        if (expected.isEmpty()) {
            assertThat(signer).isNotNull();
            assertThat(signedBy(signer).verifiedBy(trusted)).isEqualTo(Verification.valid("key-2025"));
        } else {
            assertThat(signer).as(name).isNull();
        }
    }

    private String resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/signing/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static String base64Body(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    }

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
