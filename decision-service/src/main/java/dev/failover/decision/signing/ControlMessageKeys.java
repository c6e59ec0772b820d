package dev.failover.decision.signing;

import java.util.List;
import java.util.stream.StreamSupport;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.RecentSignatures;
import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.contract.signing.Verification;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The decision-service's signing key and the public keys it trusts (ADR 0009): every decision and operator command it
 * sends goes out through {@link #signed} and every state record with {@link #headers}; every command it reads and every
 * decision it restores from is checked by {@link #verify}, every state record it restores or reads by
 * {@link #checkStored}. Made once at start by SigningProducer.
 */
public final class ControlMessageKeys {

    /**
     * How many of its own state records' signatures the service remembers, to read them back without verifying again
     * (RecentSignatures): about eight seconds of a thousand groups' records in a failover, a few MiB.
     */
    static final int RECENT_SIGNATURES = 8_192;

    private final RecordSigner signer;
    private final RecentSignatures recent = new RecentSignatures(RECENT_SIGNATURES);
    /** What {@link #checkStored} answers for a record signed here: the full check of one, made once at start. */
    private final StoredStateTrust.Check ownCheck;
    /** The key id header of a record signed here. */
    private final byte[] ownKeyId;
    private final TrustedKeys trusted;
    private final StoredStateTrust stored;
    private final StoredStateTrust results;

    /**
     * @param acceptUnsigned whether state records without a signature are restored (the upgrade only)
     * @param results        the actuators' keys, by which actuation results are checked, and whether unsigned ones are
     *                       taken in (the upgrade only)
     */
    public ControlMessageKeys(RecordSigner signer, TrustedKeys trusted, boolean acceptUnsigned,
            StoredStateTrust results) {
        this.signer = signer;
        this.trusted = trusted;
        this.stored = new StoredStateTrust(trusted, acceptUnsigned);
        this.results = results;
        String probe = "a record signed at start, to learn whether this service's own key is trusted";
        this.ownKeyId = signer.keyId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.ownCheck = stored.check(Topics.DECISION_STATE, probe, probe,
                TrustedKeys.HeaderValues.of(signer.headers(Topics.DECISION_STATE, probe, probe)));
    }

    /**
     * Whether an actuation result may be taken in: signed by an actuator's key (ADR 0009), or unsigned under
     * {@code failover.actuator-signing.accept-unsigned}.
     */
    public StoredStateTrust.Check checkResult(String topic, String key, String value, Headers headers) {
        return results.check(topic, key, value, name -> valuesOf(headers, name));
    }

    public RecordSigner signer() {
        return signer;
    }

    /** The record {@code key}/{@code value} for {@code topic}, with the signature headers, for a channel of that topic. */
    public Message<String> signed(String topic, String key, String value) {
        RecordHeaders headers = headers(topic, key, value);
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key)
                .withHeaders(headers).build());
    }

    /**
     * The signature headers of the record {@code key}/{@code value} on {@code topic}; its signature is remembered, so that
     * {@link #checkStored} knows the record when this service reads it back.
     */
    public RecordHeaders headers(String topic, String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        signer.headers(topic, key, value).forEach((name, bytes) -> {
            headers.add(name, bytes);
            if (name.equals(Topics.SIGNATURE_HEADER)) {
                recent.signed(topic, key, value, bytes);
            }
        });
        return headers;
    }

    /** {@link #headers}, by name. */
    public java.util.Map<String, byte[]> headerMap(String topic, String key, String value) {
        java.util.Map<String, byte[]> map = new java.util.LinkedHashMap<>();
        headers(topic, key, value).forEach(h -> map.put(h.key(), h.value()));
        return map;
    }

    /**
     * The headers of records of {@code topic} signed together by one signature of their Merkle root (ADR 0029), in their
     * order. A reader verifies a batch's root once ({@link TrustedKeys}), so this service reading its own records back
     * costs a few hashes a record.
     */
    public List<java.util.Map<String, byte[]>> batchHeaders(String topic, List<RecordSigner.Entry> records) {
        List<java.util.Map<String, byte[]>> headers = signer.batchHeaders(topic, records);
        if (!headers.isEmpty()) { // read back, a record of the batch is known by its root without verifying
            RecordSigner.Entry first = records.get(0);
            recent.signedBatch(topic, first.key(), first.value(), headers.get(0).get(Topics.BATCH_SIGNATURE_HEADER),
                    headers.get(0).get(Topics.BATCH_PROOF_HEADER));
        }
        return headers;
    }

    /**
     * Whether a record of this service's state topic may be restored (ADR 0009, stored state). A record this service
     * signed lately, with exactly the headers it sent, gets the verdict the full check gave its own key at start,
     * without verifying the signature again; any other record is checked in full.
     */
    public StoredStateTrust.Check checkStored(String topic, String key, String value, Headers headers) {
        List<byte[]> signatures = valuesOf(headers, Topics.SIGNATURE_HEADER);
        List<byte[]> keyIds = valuesOf(headers, Topics.SIGNATURE_KEY_ID_HEADER);
        List<byte[]> batchSignatures = valuesOf(headers, Topics.BATCH_SIGNATURE_HEADER);
        List<byte[]> proofs = valuesOf(headers, Topics.BATCH_PROOF_HEADER);
        if (signatures.size() == 1 && batchSignatures.isEmpty() && proofs.isEmpty() && keyIds.size() == 1
                && java.util.Arrays.equals(keyIds.get(0), ownKeyId)
                && recent.signedHere(topic, key, value, signatures.get(0))) {
            return ownCheck;
        }
        if (signatures.isEmpty() && batchSignatures.size() == 1 && proofs.size() == 1 && keyIds.size() == 1
                && java.util.Arrays.equals(keyIds.get(0), ownKeyId)
                && recent.signedHereInBatch(topic, key, value, batchSignatures.get(0), proofs.get(0))) {
            return ownCheck;
        }
        return stored.check(topic, key, value, name -> valuesOf(headers, name));
    }

    public Verification verify(String topic, String key, String value, Headers headers) {
        return trusted.verify(topic, key, value, name -> valuesOf(headers, name));
    }

    private static List<byte[]> valuesOf(Headers headers, String name) {
        return headers == null ? List.of()
                : StreamSupport.stream(headers.headers(name).spliterator(), false).map(Header::value).toList();
    }
}
