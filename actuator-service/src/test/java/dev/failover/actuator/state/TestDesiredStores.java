package dev.failover.actuator.state;

import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.testkit.signing.TestSigningKeys;

/** Desired stores as an actuator configured with the test JVM's actuator key has them. */
public final class TestDesiredStores {

    private TestDesiredStores() {
    }

    /** Signs with the test actuator key, restores only what it signed. */
    public static KafkaDesiredStore open(KafkaClientProperties kafka) {
        return open(kafka, false);
    }

    /** As {@link #open(KafkaClientProperties)}, restoring unsigned records too when {@code acceptUnsigned}. */
    public static KafkaDesiredStore open(KafkaClientProperties kafka, boolean acceptUnsigned) {
        return new KafkaDesiredStore(kafka, signing(acceptUnsigned), outcome -> {
        });
    }

    public static DesiredStateSigning signing(boolean acceptUnsigned) {
        TestSigningKeys keys = TestSigningKeys.shared();
        return new DesiredStateSigning(keys.actuatorSigner(), new StoredStateTrust(keys.actuatorTrustedKeys(), acceptUnsigned));
    }
}
