package dev.failover.decision;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.layers.PackageLayers;

/**
 * The decision-service's packages by part, imports only downward (ADR 0015): a package may name a class of a package
 * listed after it in {@link #LAYERS}, never one listed before it, so there is no cycle between them either
 * ({@link PackageLayers}, as for every module).
 */
class PackageLayersTest {

    static final String ROOT = "dev.failover.decision";

    /** Top first. A new package gets its place here, with its line in ADR 0015. */
    static final List<String> LAYERS = List.of(
            "startup", // builds the engine from the topology, native-image registrations
            "rest", // the override API
            "health", // readiness
            "drill", // scheduled drills, sent as commands
            "replay", // the core over a recorded stream, offline
            "input", // the one consumer of group inputs, its lanes, the ticker
            "view", // a group's view for any instance: live or from the state topic; per-group gauges
            "publication", // decisions, explanations and state out to Kafka
            "ownership", // which groups this instance decides, restored on assignment, revoked on rebalance
            "command", // an operator command: its message, its id, submitting it
            "store", // the state and explanation topics: records, codec, directory, loader, topic set-up
            "metrics", // counters and timers, clock gauges
            "signing", // the keys of signed control messages
            "config", // the typed configuration
            "domain"); // the decision core: plain Java

    @Test
    void importsRunOnlyDownward() {
        PackageLayers.check(Path.of("src/main/java"), ROOT, LAYERS);
    }
}
