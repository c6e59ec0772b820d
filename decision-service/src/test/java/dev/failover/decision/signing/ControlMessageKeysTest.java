package dev.failover.decision.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.contract.signing.Verification;
import dev.failover.testkit.signing.TestSigningKeys;

/**
 * A state record this service signed is known again when it is read back, without a second verification; every other
 * record, its own signature on other bytes included, gets the full check. Whichever way it is checked, the verdict is
 * the one the full check gives.
 */
class ControlMessageKeysTest {

    static final TestSigningKeys KEYS = TestSigningKeys.shared();
    static final String TOPIC = Topics.DECISION_STATE;
    static final String VALUE = "{\"snapshot\":{\"group\":\"checkout\",\"activeTarget\":\"primary\",\"epoch\":7}}";

    @Test
    void aRecordSignedHereIsTrustedAsTheFullCheckTrustsIt() {
        ControlMessageKeys keys = TestControlKeys.of(KEYS.signer(), KEYS.trustedKeys());
        Headers sent = keys.headers(TOPIC, "checkout", VALUE);

        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", VALUE, sent, Verification.Outcome.VALID);
    }

    @Test
    void itsOwnSignatureOnOtherBytesIsRefused() {
        ControlMessageKeys keys = TestControlKeys.of(KEYS.signer(), KEYS.trustedKeys());
        Headers sent = keys.headers(TOPIC, "checkout", VALUE);
        String forged = VALUE.replace("\"epoch\":7", "\"epoch\":9007199254740000");

        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", forged, sent, Verification.Outcome.BAD_SIGNATURE);
        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "payments", VALUE, sent, Verification.Outcome.BAD_SIGNATURE);
        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", VALUE,
                copy(sent, h -> h), Verification.Outcome.VALID); // the same bytes written again by anyone: genuine
    }

    @Test
    void aSignatureMadeHereUnderAnotherKeyIdIsCheckedInFull() {
        ControlMessageKeys keys = TestControlKeys.of(KEYS.signer(), KEYS.trustedKeys());
        Headers sent = keys.headers(TOPIC, "checkout", VALUE);
        Headers relabelled = copy(sent, h -> {
            h.remove(Topics.SIGNATURE_KEY_ID_HEADER);
            h.add(Topics.SIGNATURE_KEY_ID_HEADER, TestSigningKeys.ROTATED_KEY_ID.getBytes());
            return h;
        });

        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", VALUE, relabelled,
                Verification.Outcome.BAD_SIGNATURE);
    }

    @Test
    void whenItsOwnKeyIsNotTrustedItsRecordsAreRefusedAsBefore() {
        TrustedKeys othersOnly = new TrustedKeys(Map.of());
        ControlMessageKeys keys = TestControlKeys.of(KEYS.signer(), othersOnly);
        Headers sent = keys.headers(TOPIC, "checkout", VALUE);

        assertSameAsFullCheck(keys, othersOnly, "checkout", VALUE, sent, Verification.Outcome.UNKNOWN_KEY);
    }

    @Test
    void aRecordSignedElsewhereIsCheckedInFull() {
        ControlMessageKeys keys = TestControlKeys.of(KEYS.signer(), KEYS.trustedKeys());
        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", VALUE,
                signedBy(KEYS.rotatedSigner(), "checkout", VALUE),
                Verification.Outcome.VALID);
        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", VALUE,
                signedBy(KEYS.untrustedSigner(), "checkout", VALUE), Verification.Outcome.UNKNOWN_KEY);
        assertSameAsFullCheck(keys, KEYS.trustedKeys(), "checkout", VALUE, new RecordHeaders(),
                Verification.Outcome.UNSIGNED);
    }

    static void assertSameAsFullCheck(ControlMessageKeys keys, TrustedKeys trusted, String key, String value,
            Headers headers, Verification.Outcome expected) {
        StoredStateTrust.Check full = new StoredStateTrust(trusted, false).check(TOPIC, key, value,
                name -> java.util.stream.StreamSupport.stream(headers.headers(name).spliterator(), false)
                        .map(org.apache.kafka.common.header.Header::value).toList());
        StoredStateTrust.Check checked = keys.checkStored(TOPIC, key, value, headers);
        assertThat(full.verification().outcome()).as("the full check").isEqualTo(expected);
        assertThat(checked).isEqualTo(full);
    }

    static Headers signedBy(RecordSigner signer, String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        signer.headers(TOPIC, key, value).forEach(headers::add);
        return headers;
    }

    static Headers copy(Headers headers, UnaryOperator<Headers> change) {
        RecordHeaders copy = new RecordHeaders();
        headers.forEach(h -> copy.add(h.key(), h.value().clone()));
        return change.apply(copy);
    }
}
