package dev.failover.testkit.signing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} of the decision-service the signing settings of {@link TestSigningKeys#shared()}: the
 * JVM's test keys, to sign with and to trust. {@link Verifier} gives the actuator's: the decision keys to trust, and
 * its own key for its stored desired states (an unknown {@code failover.*} key stops its start).
 */
public class SigningKeysResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestSigningKeys.shared().signerConfig();
    }

    @Override
    public void stop() {
        // the keys serve every test class of this JVM; removed when it exits
    }

    /** The actuator's: trusts the decision keys, signs and verifies its desired states with the actuator key. */
    public static class Verifier extends SigningKeysResource {
        @Override
        public Map<String, String> start() {
            return TestSigningKeys.shared().verifierConfig();
        }
    }
}
