package dev.failover.decision.signing;

import java.util.Map;

import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.TrustedKeys;

/** Control-message keys for tests: no actuator's key trusted, as when the test sends no actuation result. */
public final class TestControlKeys {

    private TestControlKeys() {
    }

    /** Signed state records only. */
    public static ControlMessageKeys of(RecordSigner signer, TrustedKeys trusted) {
        return new ControlMessageKeys(signer, trusted, false, noActuators());
    }

    /** State records without a signature restored too: the upgrade's setting. */
    public static ControlMessageKeys migrating(RecordSigner signer, TrustedKeys trusted) {
        return new ControlMessageKeys(signer, trusted, true, noActuators());
    }

    private static StoredStateTrust noActuators() {
        return new StoredStateTrust(new TrustedKeys(Map.of()), false);
    }
}
