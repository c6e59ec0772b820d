package dev.failover.testkit.demo;

import java.util.Map;

import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Two demo backends (primary and secondary) on free ports and a topology file that probes them, handed to the app as
 * {@code failover.topology-file}.
 */
public class DemoBackendsResource implements QuarkusTestResourceLifecycleManager {

    private static DemoBackend primary;
    private static DemoBackend secondary;

    public static DemoBackend primary() {
        return primary;
    }

    public static DemoBackend secondary() {
        return secondary;
    }

    @Override
    public Map<String, String> start() {
        primary = DemoBackend.start(TestTopology.PRIMARY, 0);
        secondary = DemoBackend.start(TestTopology.SECONDARY, 0);
        return Map.of("failover.topology-file",
                TestTopology.write(primary.healthUrl(), secondary.healthUrl()).toString());
    }

    @Override
    public void stop() {
        primary.close();
        secondary.close();
    }
}
