package dev.failover.contract.signing;

import dev.failover.contract.event.Topics;

/**
 * What {@link TrustedKeys#verify} found out about one record; only a {@link Outcome#VALID} one may be acted on.
 *
 * @param outcome the outcome, also the metric tag and the start of a dead-letter reason
 * @param keyId   the key id the record names, when it names a valid one; null otherwise
 * @param detail  why, in words, never with record content other than a valid key id
 */
public record Verification(Outcome outcome, String keyId, String detail) {

    public enum Outcome {
        /** Signed by a trusted key over this topic, key and value. */
        VALID,
        /** No signature header at all. */
        UNSIGNED,
        /** Signed, by a key id that is not trusted (never, or no longer after a rotation). */
        UNKNOWN_KEY,
        /** The trusted key named does not verify the signature over this topic, key and value. */
        BAD_SIGNATURE,
        /** Signature headers present but unusable: no or an invalid key id, a repeated header, not 64 bytes. */
        MALFORMED
    }

    public static Verification valid(String keyId) {
        return new Verification(Outcome.VALID, keyId, "signed by key " + keyId);
    }

    public static Verification unsigned() {
        return new Verification(Outcome.UNSIGNED, null, "no " + Topics.SIGNATURE_HEADER + " header");
    }

    public static Verification unknownKey(String keyId) {
        return new Verification(Outcome.UNKNOWN_KEY, keyId, "key id '" + keyId + "' is not trusted");
    }

    public static Verification badSignature(String keyId) {
        return new Verification(Outcome.BAD_SIGNATURE, keyId, "the signature does not verify with key " + keyId
                + " over this topic, key and value");
    }

    public static Verification malformed(String detail) {
        return new Verification(Outcome.MALFORMED, null, detail);
    }

    public boolean isValid() {
        return outcome == Outcome.VALID;
    }

    /** One line for a dead-letter reason or a log: the outcome and why. */
    public String describe() {
        return outcome + ": " + detail;
    }
}
