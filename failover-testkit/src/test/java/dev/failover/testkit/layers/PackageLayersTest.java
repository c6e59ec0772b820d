package dev.failover.testkit.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker every module's architecture test calls, and the layers of the modules that have no test of their own
 * calling it: the contract (below the testkit), the Kafka helpers, the testkit itself and failoverctl. The services
 * keep theirs beside their code (each its {@code PackageLayersTest}).
 */
class PackageLayersTest {

    @Test
    void theContractIsLayered() {
        PackageLayers.check(Path.of("../failover-contract/src/main/java"), "dev.failover.contract", List.of(
                "whatif", // a proposed policy replayed beside the current one: the report, its one text form (ADR 0027)
                "identity", // who an API token is for (aud or client_id) and whom it names
                "signing", // signed control messages: the envelope and its keys
                "topology", // the topology file: groups, targets, their checks
                "event", // the events on the topics, their codec
                "json", // the one JSON mapper
                "time")); // clocks and backoff
    }

    @Test
    void theKafkaHelpersAreLayered() {
        PackageLayers.check(Path.of("../failover-kafka/src/main/java"), "dev.failover.kafka", List.of(
                "metrics", // what every service reports about itself: version and topology
                "logging", // the Kafka clients' log lines
                "security")); // SASL and TLS of the clients
    }

    @Test
    void theTestkitIsLayered() {
        PackageLayers.check(Path.of("src/main/java"), "dev.failover.testkit", List.of(
                "bench", "demo", "dns", "kafka", "db", "topology", "net", "config", "aws", "metrics", "openapi",
                "signing", "records",
                "golden",
                "layers",
                "cpu")); // what each test class cost: depends on nothing of the testkit
    }

    @Test
    void failoverctlIsLayered() {
        PackageLayers.check(Path.of("../failoverctl/src/main/java"), "dev.failover.ctl", List.of(
                "command", // one class per command
                "config", // where the API is and the token, from flags, environment and file
                "render", // tables and JSON out
                "http", // the one HTTP client of the API
                "exit")); // the exit codes scripts rely on
    }

    @Test
    void anImportUpwardOrAPackageWithoutALayerIsNamed(@TempDir Path sources) throws IOException {
        write(sources, "low/Low.java", "package x.low;\nimport x.high.High;\nclass Low { High h; }\n");
        write(sources, "high/High.java", "package x.high;\nclass High { x.low.Low l; }\n");
        write(sources, "stray/Stray.java", "package x.stray;\nclass Stray { }\n");

        assertThat(PackageLayers.violations(sources, "x", List.of("high", "low"))).containsExactly(
                "package stray has no place in the layers", "low -> high (low/Low.java)");
        assertThat(PackageLayers.violations(sources, "x", List.of("high", "low", "stray")))
                .as("a reference downward is fine").containsExactly("low -> high (low/Low.java)");
        assertThatThrownBy(() -> PackageLayers.check(sources, "x", List.of("high", "low", "stray")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("low -> high");
    }

    @Test
    void aClassOfAPackageInsideAnUpperOneIsNamedToo(@TempDir Path sources) throws IOException {
        write(sources, "high/inner/Deep.java", "package x.high.inner;\nclass Deep { }\n");
        write(sources, "low/Low.java", "package x.low;\nimport x.high.inner.Deep;\nclass Low { Deep d; }\n");
        write(sources, "low/Other.java", "package x.low;\nclass Other { x.high.inner.Deep d; }\n");

        assertThat(PackageLayers.violations(sources, "x", List.of("high", "low")))
                .containsExactly("low -> high (low/Low.java)", "low -> high (low/Other.java)");
    }

    @Test
    void aPackageNamingAClassOfTheModulesOwnPackageIsNamed(@TempDir Path sources) throws IOException {
        write(sources, "Main.java", "package x;\nimport x.low.Low;\nclass Main { Low l; }\n");
        write(sources, "low/Low.java", "package x.low;\nimport x.Main;\nclass Low { Main m; }\n");
        write(sources, "low/Fine.java", "package x.low;\nclass Fine { }\n");
        write(sources, "low/All.java", "package x.low;\nimport x.*;\nclass All { }\n");

        assertThat(PackageLayers.violations(sources, "x", List.of("low"))).containsExactly(
                "low -> the module's own package x (low/All.java)", "low -> the module's own package x (low/Low.java)");
    }

    private static void write(Path sources, String file, String text) throws IOException {
        Path path = sources.resolve("x").resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
