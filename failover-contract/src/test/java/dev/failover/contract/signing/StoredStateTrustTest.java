package dev.failover.contract.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust.Verdict;
import dev.failover.contract.signing.Verification.Outcome;

/** What a restore may trust of a stored state record (ADR 0009, stored state). */
class StoredStateTrustTest {

    static final KeyPair ACTUATOR = generate();
    static final KeyPair STRANGER = generate();
    static final TrustedKeys ACTUATORS = new TrustedKeys(Map.of("actuator-us-east-1", ACTUATOR.getPublic()));
    static final String TOPIC = Topics.ACTUATOR_DESIRED;
    static final String VALUE = "{\"schemaVersion\":1,\"step\":0}";

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(PemKeys.ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static TrustedKeys.HeaderValues signedBy(String keyId, KeyPair pair, String topic) {
        return TrustedKeys.HeaderValues.of(new RecordSigner(keyId, pair.getPrivate()).headers(topic, "api", VALUE));
    }

    @Test
    void onlyATrustedSignatureIsRestoredAndNoSignatureOnlyUnderAcceptUnsigned() {
        record Case(String name, TrustedKeys.HeaderValues headers, Verdict strict, Verdict upgrading, Outcome outcome) {
        }
        TrustedKeys.HeaderValues none = name -> List.of();
        for (Case c : List.of(
                new Case("signed by an actuator key", signedBy("actuator-us-east-1", ACTUATOR, TOPIC), Verdict.TRUSTED,
                        Verdict.TRUSTED, Outcome.VALID),
                new Case("no signature (the previous release)", none, Verdict.REFUSED, Verdict.ACCEPTED_UNSIGNED,
                        Outcome.UNSIGNED),
                new Case("signed by a stranger", signedBy("stranger", STRANGER, TOPIC), Verdict.REFUSED,
                        Verdict.REFUSED,
                        Outcome.UNKNOWN_KEY),
                new Case("a trusted key id, another key", signedBy("actuator-us-east-1", STRANGER, TOPIC),
                        Verdict.REFUSED,
                        Verdict.REFUSED, Outcome.BAD_SIGNATURE),
                new Case("signed for another topic", signedBy("actuator-us-east-1", ACTUATOR, Topics.DECISION_STATE),
                        Verdict.REFUSED, Verdict.REFUSED, Outcome.BAD_SIGNATURE))) {
            var strict = new StoredStateTrust(ACTUATORS, false).check(TOPIC, "api", VALUE, c.headers());
            var upgrading = new StoredStateTrust(ACTUATORS, true).check(TOPIC, "api", VALUE, c.headers());
            assertThat(strict.verdict()).as(c.name() + ", strict").isEqualTo(c.strict());
            assertThat(upgrading.verdict()).as(c.name() + ", accept-unsigned").isEqualTo(c.upgrading());
            assertThat(strict.verification().outcome()).as(c.name() + ", outcome").isEqualTo(c.outcome());
        }
    }

    @Test
    void noEpochAbove2To53OrBelowZeroIsTrusted() {
        assertThat(StoredStateTrust.epochProblem(0)).isEmpty();
        assertThat(StoredStateTrust.epochProblem(1L << 53)).isEmpty();
        assertThat(StoredStateTrust.epochProblem((1L << 53) + 1)).get().asString()
                .contains("epoch 9007199254740993 is outside 0 to 2^53", "overflow");
        assertThat(StoredStateTrust.epochProblem(Long.MAX_VALUE)).isPresent();
        assertThat(StoredStateTrust.epochProblem(-1)).isPresent();
    }

    @Test
    void theStateSigningSettingsAreNamedUnderTheirPrefix() {
        SigningKeysResolver resolver = new SigningKeysResolver(SigningKeysResolver.STATE_PREFIX);
        assertThat(resolver.trustedKeys(Optional.empty())).isNull();
        assertThat(resolver.signer(new SettingsValues(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), ACTUATORS)).isNull();
        assertThat(resolver.problems()).extracting(SigningKeysResolver.Problem::key).containsExactly(
                "failover.state-signing.trusted-keys-dir", "failover.state-signing.key-id",
                "failover.state-signing.private-key-file");
        assertThat(resolver.problems().get(2).message()).contains("env FAILOVER_STATE_SIGNING_PRIVATE_KEY");
    }

    @Test
    void twoKeySetsShareAKeyWhateverItsId() {
        TrustedKeys decisionKeys = new TrustedKeys(Map.of("decision-1", STRANGER.getPublic()));
        assertThat(ACTUATORS.sharesAKeyWith(decisionKeys)).isFalse();
        assertThat(ACTUATORS.sharesAKeyWith(new TrustedKeys(Map.of("renamed", ACTUATOR.getPublic())))).isTrue();
    }
}
