package dev.failover.decision;

import dev.failover.testkit.metrics.FreshMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Test resources of every {@code @QuarkusTest} of this module: a {@code @QuarkusTestResource} not restricted to the
 * class it is on applies to all of them. Not a test.
 */
@QuarkusTestResource(FreshMeterRegistry.class)
final class QuarkusTestResources {

    private QuarkusTestResources() {
    }
}
