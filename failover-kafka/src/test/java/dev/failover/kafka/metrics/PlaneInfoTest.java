package dev.failover.kafka.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyDigest;
import dev.failover.contract.topology.TopologyLoader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PlaneInfoTest {

    @Test
    void aReloadedTopologyReplacesTheDigestReported() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PlaneInfo info = new PlaneInfo(registry, "probe-service", "0.2.0");
        String yaml = java.nio.file.Files.readString(Path.of("../config/failover.yaml"));
        Topology first = TopologyLoader.parse(yaml, "test");
        Topology second = TopologyLoader.parse(yaml.replaceFirst("ttl: 5", "ttl: 6"), "test");

        info.runs(first);
        info.runs(second);

        assertThat(registry.get(PlaneInfo.BUILD_INFO).tag("service", "probe-service").tag("version", "0.2.0").gauge()
                .value())
                .isEqualTo(1.0);
        assertThat(registry.get(PlaneInfo.TOPOLOGY_INFO).gauges()).extracting(g -> g.getId().getTag("digest"))
                .as("only the topology run now").containsExactly(TopologyDigest.of(second));
        assertThat(registry.get(PlaneInfo.TOPOLOGY_INFO).gauges()).extracting(Gauge::value).containsExactly(1.0);
    }

    /** The revision label is the commit this module was built from, as git itself names it. */
    @Test
    void theBuildInfoCarriesTheRevisionTheJarWasBuiltFrom() throws Exception {
        Process git;
        try {
            git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no git here to compare with: " + e.getMessage());
            return;
        }
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        org.junit.jupiter.api.Assumptions.assumeTrue(git.waitFor() == 0, "built from a tree without .git: " + head);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new PlaneInfo(registry, "probe-service", "0.2.0");
        assertThat(registry.get(PlaneInfo.BUILD_INFO).gauge().getId().getTag("revision")).matches(head + "(-dirty)?");
    }
}
