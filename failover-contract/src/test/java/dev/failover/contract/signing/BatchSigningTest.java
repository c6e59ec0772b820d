package dev.failover.contract.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification.Outcome;

/** Records signed together by one signature of their Merkle root (ADR 0029): each verifies alone, none can be bent. */
class BatchSigningTest {

    private static final String TOPIC = Topics.DECISION_STATE;
    private static final RecordSigner SIGNER = RecordSigningTest.SIGNER;
    private static final TrustedKeys TRUSTED = RecordSigningTest.TRUSTED;

    private static List<RecordSigner.Entry> batch(int size) {
        return IntStream.range(0, size)
                .mapToObj(i -> new RecordSigner.Entry("g" + i, "{\"group\":\"g" + i + "\",\"n\":" + i + "}"))
                .toList();
    }

    private static Verification verify(TrustedKeys trusted, String topic, String key, String value,
            Map<String, byte[]> headers) {
        return trusted.verify(topic, key, value, TrustedKeys.HeaderValues.of(headers));
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 513 })
    void everyRecordOfABatchVerifiesAloneWithTheTrustedKey(int size) {
        List<RecordSigner.Entry> records = batch(size);
        List<Map<String, byte[]>> headers = SIGNER.batchHeaders(TOPIC, records);

        assertThat(headers).hasSize(size);
        for (int i = 0; i < size; i++) {
            Verification verification = verify(
                    new TrustedKeys(Map.of("key-2025", RecordSigningTest.CURRENT.getPublic())),
                    TOPIC, records.get(i).key(), records.get(i).value(), headers.get(i));
            assertThat(verification.outcome()).as("record %d of %d", i, size).isEqualTo(Outcome.VALID);
            assertThat(verification.keyId()).isEqualTo("key-2025");
            assertThat(headers.get(i)).doesNotContainKey(Topics.SIGNATURE_HEADER);
        }
        assertThat(headers.stream().map(h -> ByteBuffer.wrap(h.get(Topics.BATCH_SIGNATURE_HEADER))).distinct())
                .hasSize(1);
    }

    @Test
    void aChangedValueKeyOrTopicDoesNotVerify() {
        List<RecordSigner.Entry> records = batch(6);
        Map<String, byte[]> headers = SIGNER.batchHeaders(TOPIC, records).get(3);
        RecordSigner.Entry record = records.get(3);

        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value().replace("3", "4"), headers).outcome())
                .isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(verify(TRUSTED, TOPIC, "g4", record.value(), headers).outcome()).isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(verify(TRUSTED, Topics.DECISIONS, record.key(), record.value(), headers).outcome())
                .isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(), headers).outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void aProofMovedToAnotherRecordOfTheBatchDoesNotVerify() {
        List<RecordSigner.Entry> records = batch(8);
        List<Map<String, byte[]>> headers = SIGNER.batchHeaders(TOPIC, records);
        // the batch's root is verified (and remembered) first: a remembered root must not let a wrong proof through
        assertThat(verify(TRUSTED, TOPIC, records.get(0).key(), records.get(0).value(), headers.get(0)).isValid())
                .isTrue();

        assertThat(verify(TRUSTED, TOPIC, records.get(1).key(), records.get(1).value(), headers.get(2)).outcome())
                .isEqualTo(Outcome.BAD_SIGNATURE);
    }

    @Test
    void anInnerNodeCannotPassForARecord() {
        // the hash of records 0 and 1 is a node of the tree; a two-record batch whose first "record" hashed to it would
        // have the same root, were leaves and nodes hashed alike
        List<RecordSigner.Entry> records = batch(4);
        List<byte[][]> levels = BatchProof
                .levels(records.stream().map(r -> BatchProof.leaf(TOPIC, r.key(), r.value())).toList());
        byte[] node = levels.get(1)[0];

        assertThat(BatchProof.rootOf(node, BatchProof.encode(levels.subList(1, levels.size()), 0)))
                .hasValueSatisfying(root -> assertThat(root).isEqualTo(BatchProof.root(levels)));
        assertThat(BatchProof.leaf(TOPIC, records.get(0).key(), records.get(0).value())).isNotEqualTo(node);
    }

    @Test
    void aBatchSignatureIsNoRecordSignatureNorTheOtherWayRound() {
        RecordSigner.Entry record = batch(1).get(0);
        Map<String, byte[]> batchHeaders = SIGNER.batchHeaders(TOPIC, List.of(record)).get(0);
        Map<String, byte[]> asSingle = Map.of(Topics.SIGNATURE_KEY_ID_HEADER,
                batchHeaders.get(Topics.SIGNATURE_KEY_ID_HEADER),
                Topics.SIGNATURE_HEADER, batchHeaders.get(Topics.BATCH_SIGNATURE_HEADER));
        Map<String, byte[]> single = SIGNER.headers(TOPIC, record.key(), record.value());
        Map<String, byte[]> asBatch = Map.of(Topics.SIGNATURE_KEY_ID_HEADER, single.get(Topics.SIGNATURE_KEY_ID_HEADER),
                Topics.BATCH_SIGNATURE_HEADER, single.get(Topics.SIGNATURE_HEADER),
                Topics.BATCH_PROOF_HEADER, batchHeaders.get(Topics.BATCH_PROOF_HEADER));

        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(), asSingle).outcome())
                .isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(), asBatch).outcome())
                .isEqualTo(Outcome.BAD_SIGNATURE);
    }

    @Test
    void malformedProofsAndHeadersAreNamed() {
        List<RecordSigner.Entry> records = batch(5);
        Map<String, byte[]> headers = SIGNER.batchHeaders(TOPIC, records).get(2);
        RecordSigner.Entry record = records.get(2);
        byte[] proof = headers.get(Topics.BATCH_PROOF_HEADER);

        byte[] oneSiblingTooMany = ByteBuffer.allocate(proof.length + 32).put(proof).array();
        byte[] oneSiblingTooFew = java.util.Arrays.copyOf(proof, proof.length - 32);
        byte[] placeOutsideTheBatch = proof.clone();
        ByteBuffer.wrap(placeOutsideTheBatch).putInt(0, 5);
        for (byte[] bad : List.of(oneSiblingTooMany, oneSiblingTooFew, placeOutsideTheBatch, new byte[3])) {
            Map<String, byte[]> changed = new java.util.HashMap<>(headers);
            changed.put(Topics.BATCH_PROOF_HEADER, bad);
            assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(), changed).outcome())
                    .isEqualTo(Outcome.MALFORMED);
        }
        Map<String, byte[]> noProof = new java.util.HashMap<>(headers);
        noProof.remove(Topics.BATCH_PROOF_HEADER);
        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(), noProof).describe())
                .startsWith("MALFORMED").contains(Topics.BATCH_PROOF_HEADER);
        Map<String, byte[]> both = new java.util.HashMap<>(headers);
        both.put(Topics.SIGNATURE_HEADER, SIGNER.sign(TOPIC, record.key(), record.value()));
        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(), both).outcome()).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void anUntrustedSignerOfABatchIsRefused() {
        RecordSigner stranger = new RecordSigner("key-2025", RecordSigningTest.STRANGER.getPrivate());
        RecordSigner unknown = new RecordSigner("key-other", RecordSigningTest.CURRENT.getPrivate());
        RecordSigner.Entry record = batch(1).get(0);

        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(),
                stranger.batchHeaders(TOPIC, List.of(record)).get(0)).outcome()).isEqualTo(Outcome.BAD_SIGNATURE);
        assertThat(verify(TRUSTED, TOPIC, record.key(), record.value(),
                unknown.batchHeaders(TOPIC, List.of(record)).get(0)).outcome()).isEqualTo(Outcome.UNKNOWN_KEY);
    }

    @Test
    void storedStateOfABatchIsTrustedAndAnUnsignedOneIsNot() {
        RecordSigner.Entry record = batch(3).get(1);
        Map<String, byte[]> headers = SIGNER.batchHeaders(TOPIC, batch(3)).get(1);
        StoredStateTrust trust = new StoredStateTrust(TRUSTED, false);

        assertThat(trust.check(TOPIC, record.key(), record.value(), TrustedKeys.HeaderValues.of(headers)).verdict())
                .isEqualTo(StoredStateTrust.Verdict.TRUSTED);
        assertThat(trust.check(TOPIC, record.key(), record.value(), TrustedKeys.HeaderValues.of(Map.of())).verdict())
                .isEqualTo(StoredStateTrust.Verdict.REFUSED);
    }
}
