package dev.failover.quarkus;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.testkit.layers.PackageLayers;

/** This module's packages by part, imports only downward (ADR 0015): one package a bean's concern. */
class PackageLayersTest {

    @Test
    void importsRunOnlyDownward() {
        PackageLayers.check(Path.of("src/main/java"), "dev.failover.quarkus", List.of(
                "identity", // who the caller is: a bearer token's audience
                "metrics")); // what the service reports about itself at start
    }
}
