package dev.failover.testkit.signing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} of the decision-service the signing settings of {@link TestSigningKeys#shared()}: the
 * JVM's test keys, to sign with and to trust. {@link Verifier} gives the actuator's, to trust only (its configuration
 * has no signing key, and an unknown {@code failover.*} key stops its start).
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

    /** The trusted keys only, for a service that verifies and does not sign. */
    public static class Verifier extends SigningKeysResource {
        @Override
        public Map<String, String> start() {
            return TestSigningKeys.shared().verifierConfig();
        }
    }
}
