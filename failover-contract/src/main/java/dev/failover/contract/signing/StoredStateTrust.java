package dev.failover.contract.signing;

import java.util.Optional;

/**
 * What a service may trust of a record of its own state topic ({@code failover.decision-state},
 * {@code failover.actuator-desired}) when it restores from it (ADR 0009, stored state): only a record signed by a key
 * of {@code trusted}, with the signature of decisions (same bytes, same headers). A record without any signature is
 * trusted only while {@code acceptUnsigned} is set ({@value #ACCEPT_UNSIGNED}, for the upgrade from a release that
 * did not sign its state); one with an unknown key, a bad or a malformed signature never is. Whatever its signature,
 * no epoch above {@link #MAX_EPOCH} is trusted: {@code epoch++} must never wrap.
 *
 * @param trusted        the keys of the services that write the topic
 * @param acceptUnsigned whether a record with no signature header at all is restored (the upgrade only)
 */
public record StoredStateTrust(TrustedKeys trusted, boolean acceptUnsigned) {

    /** The setting that lets unsigned records of the previous release be restored; default false. */
    public static final String ACCEPT_UNSIGNED = "failover.state.accept-unsigned";
    /**
     * The highest epoch a service restores or acts on: 2^53, the largest integer every JSON reader holds exactly, and
     * far from {@link Long#MAX_VALUE}, so incrementing a trusted epoch cannot overflow (2^53 switches at one per second
     * take 285 million years).
     */
    public static final long MAX_EPOCH = 1L << 53;

    /** What a restore does with one record. */
    public enum Verdict {
        /** Signed by a trusted key: restored. */
        TRUSTED,
        /** No signature, and {@value #ACCEPT_UNSIGNED} is set: restored, with a warning, and written again signed. */
        ACCEPTED_UNSIGNED,
        /** Skipped with a warning and counted by its verification outcome. */
        REFUSED
    }

    /** The verdict on one record, with the signature check it rests on. */
    public record Check(Verdict verdict, Verification verification) {
        public boolean restorable() {
            return verdict != Verdict.REFUSED;
        }
    }

    public StoredStateTrust {
        if (trusted == null) {
            throw new IllegalArgumentException("the trusted keys of stored state are required");
        }
    }

    public Check check(String topic, String key, String value, TrustedKeys.HeaderValues headers) {
        Verification verification = trusted.verify(topic, key, value, headers);
        if (verification.isValid()) {
            return new Check(Verdict.TRUSTED, verification);
        }
        if (verification.outcome() == Verification.Outcome.UNSIGNED && acceptUnsigned) {
            return new Check(Verdict.ACCEPTED_UNSIGNED, verification);
        }
        return new Check(Verdict.REFUSED, verification);
    }

    /** Why {@code epoch} is not restored or acted on; empty when it is within 0 to {@link #MAX_EPOCH}. */
    public static Optional<String> epochProblem(long epoch) {
        if (epoch < 0 || epoch > MAX_EPOCH) {
            return Optional
                    .of("epoch " + epoch + " is outside 0 to 2^53 (" + MAX_EPOCH + "): no genuine record comes near "
                            + "it, and trusting it would let epoch++ overflow; skipped");
        }
        return Optional.empty();
    }
}
