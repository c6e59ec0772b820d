package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
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
@Tag("gate") // in ./scripts/test.sh --gate: the failover chain: probes, decision, switch, dashboards and alerts
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverChainIT {

    static final EventCodec CODEC = EventCodec.instance();
    static TestStack stack;
    static StandaloneKafka kafka;
    static DemoBackend primary;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.named("chain").kafka(StandaloneKafka.Security.SASL_SSL).primaryAndSecondary().deciders(1)
                .probes()
                .actuator().start();
        kafka = stack.kafka();
        primary = stack.backend(TestTopology.PRIMARY);
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack);
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
                results.await(
                        r -> probe(r).location().equals(location) && probe(r).target().equals(TestTopology.PRIMARY)
                                && probe(r).outcome().name().equals("UP"),
                        Duration.ofSeconds(60));
            }
            // the decision-service has taken those results in (it sees the primary HEALTHY) and has not switched
            ServiceProcess decider = stack.decider();
            await("decision-service sees the primary HEALTHY").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(DeciderViews.health(decider, TestTopology.PRIMARY))
                            .as("primary's health in GET /groups/api")
                            .isEqualTo("HEALTHY"));
            JsonNode steady = DeciderViews.view(decider);
            assertThat(steady.get("activeTarget").asText()).as("active target while all is well")
                    .isEqualTo(TestTopology.PRIMARY);
            assertThat(steady.get("epoch").asLong()).as("epoch while all is well: no decision yet").isZero();
            assertThat(decisions.readToEnd(Duration.ofSeconds(60))).as("decisions published while all is well")
                    .isEmpty();

            Instant failedAt = Instant.now();
            primary.fail();

            ConsumerRecord<String, String> decisionRecord = decisions.await(r -> true, Duration.ofSeconds(60));
            Decision decision = CODEC.decode(decisionRecord.value(), Decision.class);
            assertThat(decisionRecord.key()).isEqualTo(TestTopology.GROUP);
            assertThat(decision.kind()).isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.fromTarget()).isEqualTo(TestTopology.PRIMARY);
            assertThat(decision.toTarget()).isEqualTo(TestTopology.SECONDARY);
            assertThat(decision.issuedAt()).isAfter(failedAt);

            ActuationResult dnsSwitch = actuation(
                    actuations.await(r -> actuation(r).decisionId().equals(decision.decisionId())
                            && actuation(r).step() == ActuationStep.DNS_SWITCH, Duration.ofSeconds(60)));
            assertThat(dnsSwitch.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(dnsSwitch.provider()).isEqualTo("dry-run");
            assertThat(dnsSwitch.details()).contains("api.failover.test A").contains(TestTopology.SECONDARY_IP);
            ActuationResult complete = actuation(
                    actuations.await(r -> actuation(r).decisionId().equals(decision.decisionId())
                            && actuation(r).step() == ActuationStep.COMPLETE, Duration.ofSeconds(60)));
            assertThat(complete.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            // the actuator's API: a viewer reads the group's convergence, a retry needs an operator's token
            ServiceProcess actuator = stack.actuator();
            assertThat(actuator.get("/groups/" + TestTopology.GROUP, "viewer"))
                    .as("the actuator's GET /groups/api as a viewer")
                    .contains("\"desiredEpoch\":" + decision.epoch());
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", null, "").statusCode())
                    .as("the actuator's POST /groups/api/retry without a token").isEqualTo(401);
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", "viewer", "").statusCode())
                    .as("the actuator's POST /groups/api/retry as a viewer").isEqualTo(403);
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", "operator", "").statusCode())
                    .as("the actuator's POST /groups/api/retry as an operator, without a reason").isEqualTo(422);
            assertThat(actuator.post("/groups/" + TestTopology.GROUP + "/retry", "operator",
                    "{\"reason\": \"checking the retry\"}").statusCode())
                    .as("the actuator's POST /groups/api/retry as an operator").isEqualTo(202);
            // the packaged actuator's results are signed and taken in (SERVED); a forged one, unsigned, reporting the
            // decision BLOCKED, is dead-lettered and changes nothing of what is served (ADR 0009, "Actuation results")
            await("the decision SERVED in the decision-service's view").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(DeciderViews.view(decider)
                            .at("/decidedVsServed/state").asText()).isEqualTo("SERVED"));
            Instant now = Instant.now();
            String forged = CODEC.encode(new ActuationResult(1, TestTopology.GROUP, decision.decisionId(),
                    decision.epoch(),
                    ActuationStep.RECONCILE, ActuationStatus.BLOCKED, "dry-run", "forged: refused", now, now, 0L,
                    decision.kind()));
            try (TopicClient.Reader dlq = client.reader(Topics.ACTUATIONS_DLQ)) {
                client.send(Topics.ACTUATIONS, TestTopology.GROUP, forged);
                assertThat(TopicClient.header(dlq.await(r -> r.value().equals(forged), Duration.ofSeconds(30)),
                        Topics.DEAD_LETTER_REASON_HEADER)).contains("not signed by an actuator's key: UNSIGNED");
            }
            assertThat(DeciderViews.view(decider).at("/decidedVsServed/state").asText()).as("after the forged BLOCKED")
                    .isEqualTo("SERVED");
            System.out.printf("failure -> decision %d ms, failure -> dry-run switch complete %d ms%n",
                    Duration.between(failedAt, decision.issuedAt()).toMillis(),
                    Duration.between(failedAt, complete.finishedAt()).toMillis());

            // a restarted decision-service rebuilds its state from Kafka and carries the epoch on
            stack.stop(decider);
            ServiceProcess restarted = stack.start(TestStack.DECISION, "decision-restarted", Map.of());
            restarted.awaitReady(Duration.ofSeconds(90));
            String view = restarted.get("/groups/" + TestTopology.GROUP, "viewer");
            assertThat(view).contains("\"activeTarget\":\"secondary\"").contains("\"epoch\":" + decision.epoch());

            primary.recover();
            ConsumerRecord<String, String> failbackRecord = decisions.await(r -> CODEC.decode(r.value(), Decision.class)
                    .kind() == DecisionKind.FAILBACK, Duration.ofSeconds(60));
            Decision failback = CODEC.decode(failbackRecord.value(), Decision.class);
            assertThat(failback.toTarget()).isEqualTo(TestTopology.PRIMARY);
            assertThat(failback.epoch())
                    .as("the failback's epoch: above the failover's, carried on by the restarted decider")
                    .isGreaterThan(decision.epoch());
        }
    }

    /**
     * Each query of the Grafana dashboard and each alert expression, evaluated by a real Prometheus scraping the running
     * services: it must parse and run, and every metric it names must exist (except a few that appear only on their
     * event, listed here, the data tier's, exported only for groups with database nodes: DataTierIT checks those, and
     * the permission check's, exported once it runs against IAM, which this stack has not: AwsWorkloadIdentityIT).
     */
    @Test
    @Order(2)
    void theDashboardAndAlertQueriesRunAgainstTheServicesMetrics() throws Exception {
        Set<String> onlyOnTheirEvent = Set.of("failover_probe_publish_dropped_total",
                "failover_probe_tls_days_to_expiry",
                "failover_decision_publish_failures_total");
        JsonNode dashboard = new ObjectMapper()
                .readTree(ServiceProcess.ROOT.resolve("monitoring/grafana/failover-dashboard.json")
                        .toFile());
        List<String> exprs = new ArrayList<>();
        // the dashboard's variables as Grafana fills them with "All" (their allValue): every group, every region
        Set<String> variables = new java.util.TreeSet<>();
        dashboard.at("/templating/list").forEach(v -> variables.add(v.get("name").asText()));
        assertThat(variables).as("the dashboard's variables").containsExactly("datasource", "group", "region");
        dashboard.get("panels").forEach(panel -> assertThat(panel.at("/fieldConfig/defaults/unit").asText())
                .as("unit of panel " + panel.get("title").asText()).isNotEmpty());
        dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()
                .replace("$group", ".*").replace("$region", ".*"))));
        JsonNode rules = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml").toFile());
        rules.get("groups").forEach(g -> g.get("rules").forEach(r -> exprs.add(r.get("expr").asText())));
        assertThat(exprs).hasSizeGreaterThan(20);

        try (PrometheusProcess prometheus = PrometheusProcess.start(stack.services().stream().map(s -> s.managementPort)
                .toList())) {
            await("prometheus has scraped every service").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(prometheus.query("count(up == 1)"))
                            .as("count of services scraped successfully")
                            .contains("\"" + stack.services().size() + "\"]"));
            String names = prometheus.metricNames();
            assertThat(prometheus.query("up")).as("every service scraped").doesNotContain("\"0\"]");
            for (String expr : exprs) {
                assertThat(prometheus.query(expr)).as(expr).contains("\"status\":\"success\"");
                Matcher metric = Pattern.compile("failover_[a-z_]+").matcher(expr);
                while (metric.find()) {
                    if (!onlyOnTheirEvent.contains(metric.group())
                            && !metric.group().startsWith(DataTierIT.DATA_TIER_METRICS)
                            && !metric.group().startsWith(AwsWorkloadIdentityIT.PERMISSION_METRICS)
                            && !metric.group().startsWith(MultiProviderFailoverIT.LANE_METRICS)) {
                        assertThat(names).as("metric " + metric.group() + " of " + expr)
                                .contains("\"" + metric.group() + "\"");
                    }
                }
            }
            assertThat(prometheus.rules()).contains("FailoverQuorumLost").contains("\"health\":\"ok\"")
                    .doesNotContain("\"health\":\"err\"");
        }
    }

    /**
     * /q (health, metrics, OpenAPI) of each packaged service answers on its management port and not on its API's, which
     * says 404: what routes the API (k8s/ingress-alb, k8s/gateway-httproute) cannot reach it (ADR 0034). The path the
     * load balancer's health checks ask (k8s/ingress-alb) answers on the decision-service's API port.
     */
    @Test
    @Order(3)
    void qIsServedOnTheManagementPortOnly() throws Exception {
        for (ServiceProcess service : stack.services()) {
            List<String> paths = new ArrayList<>(List.of("/q/health", "/q/health/ready", "/q/health/live",
                    "/q/health/started", "/q/metrics"));
            if (!service.module.equals(TestStack.PROBE)) {
                paths.add("/q/openapi");
            }
            if (service.module.equals(TestStack.DECISION)) {
                paths.add("/q/health/group/serving"); // its readiness probe's (k8s/base)
            }
            for (String path : paths) {
                assertThat(service.getOnManagementPort(path).statusCode()).as(service.name + ": GET " + path
                        + " on its management port " + service.managementPort).isEqualTo(200);
                assertThat(service.getOnApiPort(path).statusCode()).as(service.name + ": GET " + path
                        + " on its API's port " + service.port).isEqualTo(404);
            }
        }
        String ingress = Files.readString(ServiceProcess.ROOT.resolve("k8s/ingress-alb/ingress.yaml"));
        Matcher healthCheck = Pattern.compile("alb\\.ingress\\.kubernetes\\.io/healthcheck-path: (\\S+)")
                .matcher(ingress);
        assertThat(healthCheck.find()).as("the health check path in k8s/ingress-alb/ingress.yaml").isTrue();
        assertThat(stack.decider().getOnApiPort(healthCheck.group(1)).statusCode())
                .as("GET " + healthCheck.group(1) + " (the load balancer's health checks) on the API's port")
                .isEqualTo(200);
    }

    static ProbeResult probe(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ProbeResult.class);
    }

    static ActuationResult actuation(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ActuationResult.class);
    }
}
