package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.failover.testkit.topology.TestTopology;

/** Each packaged service refuses to start on an invalid topology or a missing setting, naming the key. */
class InvalidConfigurationIT {

    @ParameterizedTest
    @ValueSource(strings = { "probe-service", "decision-service", "actuator-service" })
    void anInvalidTopologyStopsTheServiceNamingTheKey(String module) throws Exception {
        Path topology = TestTopology.writeRaw(TestTopology.yaml("ftp://127.0.0.1/health", "http://127.0.0.1:1/health")
                .replace("ttl: 5", "ttl: 0"));
        try (ServiceProcess service = ServiceProcess.start(module, module + "-invalid-topology",
                Map.of("FAILOVER_TOPOLOGY_FILE", topology.toString(), "FAILOVER_LOCATION", "loc-a",
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(service.output())
                    .contains("groups[0].targets[0].probe.url: not a valid URL")
                    .contains("groups[0].dns.ttl: must be between 1 and 86400");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "probe-service" })
    void aMissingLocationStopsTheProbeServiceNamingTheKey(String module) throws Exception {
        Path topology = TestTopology.write("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
        try (ServiceProcess service = ServiceProcess.start(module, module + "-no-location",
                Map.of("FAILOVER_TOPOLOGY_FILE", topology.toString(), "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(service.output()).contains("failover.location");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "probe-service" })
    void aLocationTheTopologyDoesNotListStopsTheProbeService(String module) throws Exception {
        Path topology = TestTopology.write("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
        try (ServiceProcess service = ServiceProcess.start(module, module + "-unknown-location",
                Map.of("FAILOVER_TOPOLOGY_FILE", topology.toString(), "FAILOVER_LOCATION", "mars-1",
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(service.output()).contains("failover.location: 'mars-1' is not one of the topology's locations");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "actuator-service" })
    void anUnknownDnsProviderStopsTheActuatorNamingTheKey(String module) throws Exception {
        Path topology = TestTopology.write("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");
        try (ServiceProcess service = ServiceProcess.start(module, module + "-bad-provider",
                Map.of("FAILOVER_TOPOLOGY_FILE", topology.toString(), "FAILOVER_DNS_PROVIDER", "carrier-pigeon",
                        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"))) {
            assertThat(service.awaitExit(Duration.ofSeconds(90))).isNotZero();
            assertThat(service.output()).contains("failover.dns.provider");
        }
    }
}
