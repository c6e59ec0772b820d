package dev.failover.probe;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.layers.PackageLayers;

/**
 * The probe-service's packages by part, imports only downward (ADR 0015, as the decision-service's): a package may name
 * a class of a package listed after it in {@link #LAYERS}, never one listed before it, so there is no cycle between them.
 */
class PackageLayersTest {

    /** Top first. A new package gets its place here. */
    static final List<String> LAYERS = List.of(
            "rest", // the targets API
            "scheduling", // when each target is probed, the results sent
            "messaging", // probe results out to Kafka
            "topology", // the topology file as loaded and reloaded
            "probing", // one class per probe type
            "metrics", // the probe-service's counters and timers
            "config", // the typed configuration
            "domain"); // what a probe found: plain Java

    @Test
    void importsRunOnlyDownward() {
        PackageLayers.check(Path.of("src/main/java"), "dev.failover.probe", LAYERS);
    }
}
