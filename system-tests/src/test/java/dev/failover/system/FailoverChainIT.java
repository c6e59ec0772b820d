package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * The walking skeleton in its deployment shape: three probe locations, the decision-service and the actuator-service
 * as separate packaged processes against a standalone broker. The primary fails; a probe result, a decision and an
 * actuation must follow, each through Kafka. If any hop is broken, no actuation comes and the test fails.
 * <p>
 * The broker is the production one: scripts/kafka.sh with KAFKA_SECURITY=sasl_ssl (SCRAM users, a CA made at start,
 * the StandardAuthorizer with ServiceAcls), and each service runs with nothing but its own principal's KAFKA_*
 * settings. Any client of any service left without them, or an ACL missing, breaks a hop. The other system tests use
 * the plaintext broker, so both set-ups run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverChainIT {

    static final EventCodec CODEC = EventCodec.instance();
    static StandaloneKafka kafka;
    static DemoBackend primary;
    static DemoBackend secondary;
    static final List<ServiceProcess> services = new ArrayList<>();
    static Path topology;

    @BeforeAll
    static void startStack() throws Exception {
        Path stack = Path.of("target/it-stack");
        deleteKafkaData(stack);
        kafka = StandaloneKafka.start(stack, StandaloneKafka.Security.SASL_SSL);
        primary = DemoBackend.start(TestTopology.PRIMARY, 0);
        secondary = DemoBackend.start(TestTopology.SECONDARY, 0);
        topology = TestTopology.write(primary.healthUrl(), secondary.healthUrl());
        // the decision-service first: as in production, it creates the topics the probes may only write to
        services.add(startDecisionService("decision"));
        services.get(0).awaitReady(Duration.ofSeconds(90));
        for (String location : TestTopology.LOCATIONS) {
            services.add(ServiceProcess.start("probe-service", "probe-" + location,
                    env("failover-probe", Map.of("FAILOVER_LOCATION", location))));
        }
        services.add(ServiceProcess.start("actuator-service", "actuator", env("failover-actuator",
                Map.of("FAILOVER_DNS_PROVIDER", "dry-run"))));
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }
    }

    static ServiceProcess startDecisionService(String name) throws Exception {
        return ServiceProcess.start("decision-service", name, env("failover-decision", Map.of()));
    }

    /** The Kafka principal's settings, the topology, and the service's own settings. */
    static Map<String, String> env(String principal, Map<String, String> more) throws java.io.IOException {
        Map<String, String> env = new java.util.HashMap<>(kafka.clientEnv(principal));
        env.put("FAILOVER_TOPOLOGY_FILE", topology.toString());
        env.putAll(more);
        return env;
    }

    @AfterAll
    static void stopStack() throws Exception {
        services.forEach(ServiceProcess::close);
        if (primary != null) {
            primary.close();
            secondary.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void aFailedPrimaryLeadsToAProbeResultADecisionAndADryRunSwitch() throws Exception {
        try (TopicClient client = new TopicClient(kafka.clientProperties("admin"));
                TopicClient.Reader results = client.reader(Topics.PROBE_RESULTS);
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            // steady state: every location sees the primary UP
            for (String location : TestTopology.LOCATIONS) {
                results.await(r -> probe(r).location().equals(location) && probe(r).target().equals(TestTopology.PRIMARY)
                        && probe(r).outcome().name().equals("UP"), Duration.ofSeconds(60));
            }
            // the decision-service has taken those results in (it sees the primary HEALTHY) and has not switched
            ServiceProcess decider = services.get(0);
            await("decision-service sees the primary HEALTHY").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(health(decider, TestTopology.PRIMARY)).as("primary's health in GET /groups/api")
                            .isEqualTo("HEALTHY"));
            JsonNode steady = view(decider);
            assertThat(steady.get("activeTarget").asText()).as("active target while all is well").isEqualTo(TestTopology.PRIMARY);
            assertThat(steady.get("epoch").asLong()).as("epoch while all is well: no decision yet").isZero();
            assertThat(decisions.readToEnd(Duration.ofSeconds(60))).as("decisions published while all is well").isEmpty();

            Instant failedAt = Instant.now();
            primary.fail();

            ConsumerRecord<String, String> decisionRecord = decisions.await(r -> true, Duration.ofSeconds(60));
            Decision decision = CODEC.decode(decisionRecord.value(), Decision.class);
            assertThat(decisionRecord.key()).isEqualTo(TestTopology.GROUP);
            assertThat(decision.kind()).isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.fromTarget()).isEqualTo(TestTopology.PRIMARY);
            assertThat(decision.toTarget()).isEqualTo(TestTopology.SECONDARY);
            assertThat(decision.issuedAt()).isAfter(failedAt);

            ActuationResult dnsSwitch = actuation(actuations.await(r -> actuation(r).decisionId().equals(decision.decisionId())
                    && actuation(r).step() == ActuationStep.DNS_SWITCH, Duration.ofSeconds(60)));
            assertThat(dnsSwitch.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(dnsSwitch.provider()).isEqualTo("dry-run");
            assertThat(dnsSwitch.details()).contains("api.failover.test A").contains(TestTopology.SECONDARY_IP);
            ActuationResult complete = actuation(actuations.await(r -> actuation(r).decisionId().equals(decision.decisionId())
                    && actuation(r).step() == ActuationStep.COMPLETE, Duration.ofSeconds(60)));
            assertThat(complete.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            // the actuator's API: a viewer reads the group's convergence, a retry needs an operator's token
            ServiceProcess actuator = services.get(services.size() - 1);
            assertThat(actuator.get("/groups/" + TestTopology.GROUP, "viewer")).as("the actuator's GET /groups/api as a viewer")
                    .contains("\"desiredEpoch\":1");
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", null, "").statusCode())
                    .as("the actuator's POST /groups/api/retry without a token").isEqualTo(401);
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", "viewer", "").statusCode())
                    .as("the actuator's POST /groups/api/retry as a viewer").isEqualTo(403);
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", "operator", "").statusCode())
                    .as("the actuator's POST /groups/api/retry as an operator").isEqualTo(202);
            System.out.printf("failure -> decision %d ms, failure -> dry-run switch complete %d ms%n",
                    Duration.between(failedAt, decision.issuedAt()).toMillis(),
                    Duration.between(failedAt, complete.finishedAt()).toMillis());

            // a restarted decision-service rebuilds its state from Kafka and carries the epoch on
            ServiceProcess old = services.remove(0);
            old.close();
            ServiceProcess restarted = startDecisionService("decision-restarted");
            services.add(0, restarted);
            restarted.awaitReady(Duration.ofSeconds(90));
            String view = restarted.get("/groups/" + TestTopology.GROUP, "viewer");
            assertThat(view).contains("\"activeTarget\":\"secondary\"").contains("\"epoch\":1");

            primary.recover();
            ConsumerRecord<String, String> failbackRecord = decisions.await(r -> CODEC.decode(r.value(), Decision.class)
                    .kind() == DecisionKind.FAILBACK, Duration.ofSeconds(60));
            Decision failback = CODEC.decode(failbackRecord.value(), Decision.class);
            assertThat(failback.toTarget()).isEqualTo(TestTopology.PRIMARY);
            assertThat(failback.epoch()).isEqualTo(2L);
        }
    }

    /**
     * Each query of the Grafana dashboard and each alert expression, evaluated by a real Prometheus scraping the running
     * services: it must parse and run, and every metric it names must exist (except a few that appear only on their
     * event, listed here).
     */
    @Test
    @Order(2)
    void theDashboardAndAlertQueriesRunAgainstTheServicesMetrics() throws Exception {
        Set<String> onlyOnTheirEvent = Set.of("failover_probe_publish_dropped_total", "failover_probe_tls_days_to_expiry",
                "failover_decision_publish_failures_total");
        JsonNode dashboard = new ObjectMapper().readTree(ServiceProcess.ROOT.resolve("monitoring/grafana/failover-dashboard.json")
                .toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
        JsonNode rules = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml").toFile());
        rules.get("groups").forEach(g -> g.get("rules").forEach(r -> exprs.add(r.get("expr").asText())));
        assertThat(exprs).hasSizeGreaterThan(20);

        try (PrometheusProcess prometheus = PrometheusProcess.start(services.stream().map(s -> s.port).toList())) {
            await("prometheus has scraped every service").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(prometheus.query("count(up == 1)")).as("count of services scraped successfully")
                            .contains("\"" + services.size() + "\"]"));
            String names = prometheus.metricNames();
            assertThat(prometheus.query("up")).as("every service scraped").doesNotContain("\"0\"]");
            for (String expr : exprs) {
                assertThat(prometheus.query(expr)).as(expr).contains("\"status\":\"success\"");
                Matcher metric = Pattern.compile("failover_[a-z_]+").matcher(expr);
                while (metric.find()) {
                    if (!onlyOnTheirEvent.contains(metric.group())) {
                        assertThat(names).as("metric " + metric.group() + " of " + expr).contains("\"" + metric.group() + "\"");
                    }
                }
            }
            assertThat(prometheus.rules()).contains("FailoverQuorumLost").contains("\"health\":\"ok\"")
                    .doesNotContain("\"health\":\"err\"");
        }
    }

    /** GET /groups/api as a viewer. */
    static JsonNode view(ServiceProcess decider) throws java.io.IOException {
        return new ObjectMapper().readTree(decider.get("/groups/" + TestTopology.GROUP, "viewer"));
    }

    /** A target's health in the decision-service's view of the group. */
    static String health(ServiceProcess decider, String target) throws java.io.IOException {
        for (JsonNode t : view(decider).get("targets")) {
            if (t.get("target").asText().equals(target)) {
                return t.get("health").asText();
            }
        }
        throw new AssertionError("no target " + target + " in the view of " + TestTopology.GROUP);
    }

    static ProbeResult probe(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ProbeResult.class);
    }

    static ActuationResult actuation(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ActuationResult.class);
    }

    static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.put(key, value);
        return env;
    }

    static void deleteKafkaData(Path stack) throws java.io.IOException {
        deleteRecursively(stack.resolve("kafka"));
    }

    /** Deletes {@code path} and all below it; nothing when it does not exist. */
    static void deleteRecursively(Path path) throws java.io.IOException {
        if (java.nio.file.Files.exists(path)) {
            try (var paths = java.nio.file.Files.walk(path)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
