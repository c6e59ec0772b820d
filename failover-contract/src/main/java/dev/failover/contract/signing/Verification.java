package dev.failover.contract.signing;

/** What {@link TrustedKeys#verify} found out about one record; only {@link Valid} may be acted on. */
public sealed interface Verification {

    /** The outcome as a value for metric tags and dead-letter reasons. */
    Outcome outcome();

    /** One line for a dead-letter reason or a log: the outcome, the key id when there is one, and why. */
    String describe();

    enum Outcome {
        VALID, UNSIGNED, UNKNOWN_KEY, BAD_SIGNATURE, MALFORMED
    }

    /** Signed by the trusted key {@code keyId} over this topic, key and value. */
    record Valid(String keyId) implements Verification {
        @Override
        public Outcome outcome() {
            return Outcome.VALID;
        }

        @Override
        public String describe() {
            return "VALID: signed by key " + keyId;
        }
    }

    /** No signature header at all. */
    record Unsigned() implements Verification {
        @Override
        public Outcome outcome() {
            return Outcome.UNSIGNED;
        }

        @Override
        public String describe() {
            return "UNSIGNED: no " + dev.failover.contract.event.Topics.SIGNATURE_HEADER + " header";
        }
    }

    /** Signed, by a key id that is not in the trusted set (never trusted, or removed after a rotation). */
    record UnknownKey(String keyId) implements Verification {
        @Override
        public Outcome outcome() {
            return Outcome.UNKNOWN_KEY;
        }

        @Override
        public String describe() {
            return "UNKNOWN_KEY: key id '" + keyId + "' is not trusted";
        }
    }

    /** The trusted key {@code keyId} does not verify the signature over this topic, key and value. */
    record BadSignature(String keyId) implements Verification {
        @Override
        public Outcome outcome() {
            return Outcome.BAD_SIGNATURE;
        }

        @Override
        public String describe() {
            return "BAD_SIGNATURE: the signature does not verify with key " + keyId
                    + " over this topic, key and value";
        }
    }

    /** Signature headers present but unusable: missing key id, repeated headers, wrong signature length. */
    record Malformed(String detail) implements Verification {
        @Override
        public Outcome outcome() {
            return Outcome.MALFORMED;
        }

        @Override
        public String describe() {
            return "MALFORMED: " + detail;
        }
    }
}
