package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;

/**
 * Each packaged service refuses to start on an invalid topology or setting, and its output names the key. The cases
 * are independent processes (own log, own port, own temporary files), so they run two at a time: each method says
 * CONCURRENT, the class itself stays SAME_THREAD (the default of junit-platform.properties) so that no other test
 * class runs beside it.
 */
@Tag("gate") // in ./scripts/test.sh --gate: invalid configuration stops each service
class InvalidConfigurationIT {

    static final Path VALID_TOPOLOGY = TestTopology.write("http://127.0.0.1:1/health", "http://127.0.0.1:2/health");

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest
    @ValueSource(strings = { "probe-service", "decision-service", "actuator-service" })
    void anInvalidTopologyStopsTheServiceNamingEveryBadKey(String module) throws Exception {
        Path topology = TestTopology.writeRaw(TestTopology.yaml("ftp://127.0.0.1/health", "http://127.0.0.1:1/health")
                .replace("ttl: 5", "ttl: 0"));
        assertRefusesToStart(module, "invalid-topology", Map.of("FAILOVER_TOPOLOGY_FILE", topology.toString()),
                "groups[0].targets[0].probe.url: not a valid URL", "groups[0].dns.ttl: must be between 1 and 86400");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aMissingLocationStopsTheProbeService() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString()));
        env.put("FAILOVER_LOCATION", "");
        assertRefusesToStart("probe-service", "no-location", env, "failover.location");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aLocationTheTopologyDoesNotListStopsTheProbeService() throws Exception {
        assertRefusesToStart("probe-service", "unknown-location",
                Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString(),
                        "FAILOVER_LOCATION", "mars-1"),
                "failover.location: 'mars-1' is not one of the topology's locations");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aBadSelfCheckUrlStopsTheProbeServiceNamingItsKey() throws Exception {
        assertRefusesToStart("probe-service", "bad-self-check-url",
                Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString(),
                        "FAILOVER_SELF_CHECK_URLS", "http://127.0.0.1:1/,ftp://127.0.0.1/"),
                "failover.self-check.urls[1]: 'ftp://127.0.0.1/' is not a valid URL");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void anUnknownDnsProviderStopsTheActuator() throws Exception {
        assertRefusesToStart("actuator-service", "bad-provider",
                Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString(),
                        "FAILOVER_DNS_PROVIDER", "carrier-pigeon"),
                "failover.dns.provider", "carrier-pigeon");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void theDecisionServiceDoesNotStartWithoutAKeyToVerifyTokens() throws Exception {
        assertRefusesToStart("decision-service", "no-jwt-key",
                Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString(),
                        "FAILOVER_JWT_PUBLIC_KEY", ""),
                "mp.jwt.verify.publickey.location");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void theActuatorDoesNotStartWithoutAKeyToVerifyTokens() throws Exception {
        assertRefusesToStart("actuator-service", "actuator-no-jwt-key", Map.of("FAILOVER_TOPOLOGY_FILE",
                VALID_TOPOLOGY.toString(), "FAILOVER_JWT_PUBLIC_KEY", ""), "mp.jwt.verify.publickey.location");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void theDecisionServiceDoesNotStartWithoutSigningKeys() throws Exception {
        assertRefusesToStart("decision-service", "no-signing-key",
                Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString(),
                        "FAILOVER_SIGNING_KEY_ID", "", "FAILOVER_SIGNING_PRIVATE_KEY_FILE", ""),
                "failover.signing.key-id: required", "failover.signing.private-key-file: required");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void theDecisionServiceDoesNotStartWithASigningKeyItsVerifiersDoNotTrust() throws Exception {
        TestSigningKeys keys = TestSigningKeys.shared();
        assertRefusesToStart("decision-service", "untrusted-signing-key", Map.of("FAILOVER_TOPOLOGY_FILE",
                VALID_TOPOLOGY.toString(), "FAILOVER_SIGNING_KEY_ID", TestSigningKeys.UNTRUSTED_KEY_ID,
                "FAILOVER_SIGNING_PRIVATE_KEY_FILE", keys.privateKeyFile(TestSigningKeys.UNTRUSTED_KEY_ID).toString()),
                "failover.signing.key-id: '" + TestSigningKeys.UNTRUSTED_KEY_ID
                        + "' is not in failover.signing.trusted-keys-dir");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void theActuatorDoesNotStartWithoutTrustedKeys() throws Exception {
        assertRefusesToStart("actuator-service", "no-trusted-keys",
                Map.of("FAILOVER_TOPOLOGY_FILE", VALID_TOPOLOGY.toString(),
                        "FAILOVER_SIGNING_TRUSTED_KEYS_DIR", ""),
                "failover.signing.trusted-keys-dir: required");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aNonPositiveCommandMaxAgeStopsTheDecisionServiceNamingItsKey() throws Exception {
        assertRefusesToStart("decision-service", "zero-command-max-age", Map.of("FAILOVER_TOPOLOGY_FILE",
                VALID_TOPOLOGY.toString(), "FAILOVER_COMMAND_MAX_AGE", "0s"),
                "failover.command-max-age: must be positive");
    }

    /** A negative tolerance rejects fresh results as from the future; before, the service started with it. */
    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aNegativeClockSkewToleranceStopsTheDecisionServiceNamingItsKey() throws Exception {
        assertRefusesToStart("decision-service", "negative-clock-skew-tolerance", Map.of("FAILOVER_TOPOLOGY_FILE",
                VALID_TOPOLOGY.toString(), "FAILOVER_CLOCK_SKEW_TOLERANCE", "-PT1S"),
                "failover.clock-skew-tolerance: must not be negative");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aDrillNamingAlertsWithoutAlertmanagerStopsTheDecisionServiceNamingTheKey() throws Exception {
        java.nio.file.Path topology = TestTopology.writeRaw(TestTopology.yaml("http://127.0.0.1:1/health",
                "http://127.0.0.1:2/health") + "    drill: {abortAlerts: [CheckoutErrors]}\n");
        assertRefusesToStart("decision-service", "drill-alerts-no-alertmanager", Map.of("FAILOVER_TOPOLOGY_FILE",
                topology.toString()), "failover.alertmanager.url: is required: the drills of [api] name alerts");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void anAlertmanagerPollSlowerThanAReadingIsTrustedStopsTheDecisionService() throws Exception {
        java.nio.file.Path topology = TestTopology.writeRaw(TestTopology.yaml("http://127.0.0.1:1/health",
                "http://127.0.0.1:2/health") + "    drill: {abortAlerts: [CheckoutErrors]}\n");
        assertRefusesToStart("decision-service", "slow-alertmanager-poll", Map.of("FAILOVER_TOPOLOGY_FILE",
                topology.toString(), "FAILOVER_ALERTMANAGER_URL", "http://127.0.0.1:1",
                "FAILOVER_ALERTMANAGER_POLL_INTERVAL",
                "30s"), "failover.alertmanager.poll-interval: with the timeout, must be shorter than 30 s");
    }

    /** A what-if that may hold no result at all is a misconfiguration, named at start. */
    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aWhatIfCapOfNoResultsStopsTheDecisionServiceNamingItsKey() throws Exception {
        assertRefusesToStart("decision-service", "zero-whatif-results", Map.of("FAILOVER_TOPOLOGY_FILE",
                VALID_TOPOLOGY.toString(), "FAILOVER_WHATIF_MAX_RESULTS", "0"),
                "failover.whatif.max-results must be at least 1");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aMissingTopologyFileStopsTheService() throws Exception {
        assertRefusesToStart("decision-service", "missing-topology",
                Map.of("FAILOVER_TOPOLOGY_FILE", "/nonexistent/failover.yaml"),
                "/nonexistent/failover.yaml", "cannot read");
    }

    static void assertRefusesToStart(String module, String name, Map<String, String> env, String... expected)
            throws Exception {
        Map<String, String> all = new HashMap<>(
                Map.of("FAILOVER_LOCATION", "loc-a", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"));
        all.putAll(env);
        try (ServiceProcess service = ServiceProcess.start(module, module + "-" + name, all)) {
            assertThat(service.awaitExit(Duration.ofSeconds(90))).as(module + " exit code").isNotZero();
            assertThat(service.output()).contains(expected);
        }
    }
}
