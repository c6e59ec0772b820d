package dev.failover.contract.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;

import org.junit.jupiter.api.Test;

/** A signature made here is known again for exactly the record it signed, while it is among the latest remembered. */
class RecentSignaturesTest {

    static final String TOPIC = "failover.decision-state";

    @Test
    void knowsASignatureForExactlyTheRecordItSigned() throws Exception {
        RecordSigner signer = signer();
        RecentSignatures recent = new RecentSignatures(4);
        byte[] signature = signer.sign(TOPIC, "checkout", "{\"epoch\":7}");
        recent.signed(TOPIC, "checkout", "{\"epoch\":7}", signature);

        assertThat(recent.signedHere(TOPIC, "checkout", "{\"epoch\":7}", signature)).isTrue();
        assertThat(recent.signedHere(TOPIC, "checkout", "{\"epoch\":8}", signature)).as("other value").isFalse();
        assertThat(recent.signedHere(TOPIC, "payments", "{\"epoch\":7}", signature)).as("other key").isFalse();
        assertThat(recent.signedHere("failover.decisions", "checkout", "{\"epoch\":7}", signature)).as("other topic")
                .isFalse();
        assertThat(
                recent.signedHere(TOPIC, "checkout", "{\"epoch\":7}", signer.sign(TOPIC, "checkout", "{\"epoch\":8}")))
                .as("a signature not made for it").isFalse();
        assertThat(recent.signedHere(TOPIC, "checkout", "{\"epoch\":7}", null)).as("no signature").isFalse();
    }

    @Test
    void forgetsTheOldestBeyondItsCapacity() throws Exception {
        RecordSigner signer = signer();
        RecentSignatures recent = new RecentSignatures(2);
        byte[][] signatures = new byte[3][];
        for (int i = 0; i < 3; i++) {
            signatures[i] = signer.sign(TOPIC, "g" + i, "v");
            recent.signed(TOPIC, "g" + i, "v", signatures[i]);
        }
        assertThat(recent.signedHere(TOPIC, "g0", "v", signatures[0])).as("the oldest, forgotten").isFalse();
        assertThat(recent.signedHere(TOPIC, "g1", "v", signatures[1])).isTrue();
        assertThat(recent.signedHere(TOPIC, "g2", "v", signatures[2])).isTrue();
    }

    @Test
    void knowsEveryRecordOfABatchSignedHereByItsRootAndNothingElse() throws Exception {
        RecordSigner signer = signer();
        RecentSignatures recent = new RecentSignatures(4);
        java.util.List<RecordSigner.Entry> records = java.util.List.of(new RecordSigner.Entry("a", "1"),
                new RecordSigner.Entry("b", "2"), new RecordSigner.Entry("c", "3"));
        java.util.List<java.util.Map<String, byte[]>> headers = signer.batchHeaders(TOPIC, records);
        byte[] signature = headers.get(0).get(dev.failover.contract.event.Topics.BATCH_SIGNATURE_HEADER);
        recent.signedBatch(TOPIC, "a", "1", signature,
                headers.get(0).get(dev.failover.contract.event.Topics.BATCH_PROOF_HEADER));

        for (int i = 0; i < 3; i++) {
            byte[] proof = headers.get(i).get(dev.failover.contract.event.Topics.BATCH_PROOF_HEADER);
            assertThat(recent.signedHereInBatch(TOPIC, records.get(i).key(), records.get(i).value(), signature, proof))
                    .isTrue();
            assertThat(recent.signedHereInBatch(TOPIC, records.get(i).key(), records.get(i).value() + "x", signature,
                    proof))
                    .as("a changed value").isFalse();
        }
        byte[] proofOfB = headers.get(1).get(dev.failover.contract.event.Topics.BATCH_PROOF_HEADER);
        assertThat(recent.signedHereInBatch(TOPIC, "c", "3", signature, proofOfB)).as("another record's proof")
                .isFalse();
        assertThat(recent.signedHereInBatch(TOPIC, "b", "2", signer.sign(TOPIC, "b", "2"), proofOfB))
                .as("a signature not remembered").isFalse();
    }

    static RecordSigner signer() throws Exception {
        return new RecordSigner("test-key",
                KeyPairGenerator.getInstance(PemKeys.ALGORITHM).generateKeyPair().getPrivate());
    }
}
