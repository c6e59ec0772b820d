package dev.failover.testkit.signing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Gives a {@code @QuarkusTest} the signing settings of {@link TestSigningKeys#shared()}: the JVM's test keys. */
public class SigningKeysResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestSigningKeys.shared().serviceConfig();
    }

    @Override
    public void stop() {
        // the keys serve every test class of this JVM; removed when it exits
    }
}
