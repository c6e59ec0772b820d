package dev.failover.testkit.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts every {@code @QuarkusTest} application with an empty Micrometer global registry.
 *
 * <p>From Quarkus 3.33 on, the global registry keeps the meters of the application a test JVM ran before (Quarkus
 * empties it only in dev mode; the applications evidently share it, which was seen, not traced). A gauge registered
 * again under the same name and tags is then the old one, bound to the old application's objects: a probe-service's
 * up gauge stayed at the last application's 0, a decision-service's clock offset was missing. Emptying the registry
 * before each application starts gives each its own meters, as in production, where one JVM runs one application.
 */
public class FreshMeterRegistry implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Metrics.globalRegistry.clear();
        return Map.of();
    }

    @Override
    public void stop() {
        // the next application's start empties the registry
    }
}
