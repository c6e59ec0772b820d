package dev.failover.quarkus.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyDigest;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.kafka.metrics.PlaneInfo;
import dev.failover.testkit.topology.TestTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PlaneInfoReportTest {

    @Test
    void theServiceIsReportedByItsApplicationNameWithTheTopologyItLoaded() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Topology topology = TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/", "http://127.0.0.1:2/"),
                "test");

        new PlaneInfoReport().report(null, registry, topology, "decision-service", "0.2.0");

        assertThat(registry.get(PlaneInfo.BUILD_INFO).tag("service", "decision-service").tag("version", "0.2.0").gauge()
                .value()).isEqualTo(1.0);
        assertThat(registry.get(PlaneInfo.TOPOLOGY_INFO).tag("service", "decision-service").gauges())
                .extracting(g -> g.getId().getTag("digest")).containsExactly(TopologyDigest.of(topology));
    }
}
