package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.testkit.aws.Route53Zone;
import dev.failover.testkit.topology.TestTopology;

/**
 * The operator page (ADR 0019) in a real browser: Debian's Chromium driven by playwright-core
 * ({@code src/test/ui/operator-page.mjs}) against the packaged services — three probe locations over two demo
 * backends, a decision-service, and an actuator that switches a Route 53 zone ({@link Route53Zone}, changes PENDING for
 * {@value #PENDING_SECONDS} s, so the page can show the switch CONVERGING). The script signs in as a viewer (no actions,
 * a forged write refused) and as an operator, fails the primary and watches the overview until the secondary is
 * CONVERGED, opens an explanation, pauses the group with a reason (and sees only the actions that apply before and
 * after), and takes the two screenshots the README shows. Then what the group page showed must equal what
 * {@code failoverctl status} prints for the group. Last, on the other decision-service, which does not own the group:
 * the page says its view is the owner's state record and shows the pause; the broker is frozen (kill -STOP by PID)
 * and the page must say that the instance cannot reach Kafka, and stop saying it once the broker runs again; meanwhile the
 * readiness probe the manifests use must answer 200, so that Kubernetes keeps the page and API reachable.
 */
class OperatorPageIT {

    static final int PENDING_SECONDS = 8;
    static final String ZONE_ID = Route53Sample.ZONE_ID;
    static final Path SCREENSHOTS = ServiceProcess.ROOT.resolve("docs/img");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anOperatorWatchesAFailoverExplainsItAndPausesTheGroupInARealBrowser() throws Exception {
        Path script = prepareScript();
        try (Route53Zone zone = Route53Zone.start(ZONE_ID, List.of(
                Route53Zone.RecordSet.alias(Route53Sample.RECORD, "A", TestTopology.PRIMARY, 100L,
                        Route53Sample.EAST),
                Route53Zone.RecordSet.alias(Route53Sample.RECORD, "A", TestTopology.SECONDARY, 0L,
                        Route53Sample.WEST)))
                .pendingFor(Duration.ofSeconds(PENDING_SECONDS));
                TestStack stack = TestStack.named("page").backends(TestTopology.PRIMARY, TestTopology.SECONDARY)
                        .topology(s -> topology(s.backend(TestTopology.PRIMARY).healthUrl(),
                                s.backend(TestTopology.SECONDARY).healthUrl()))
                        .deciders(2).probes().actuator()
                        .env(TestStack.ACTUATOR, "FAILOVER_DNS_PROVIDER", "route53",
                                "FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE",
                                zone.endpoint().toString(), "AWS_ACCESS_KEY_ID", "AKIDSYSTEMTEST",
                                "AWS_SECRET_ACCESS_KEY",
                                "not-a-secret")
                        .start()) {
            String viewer = ServiceProcess.token("viewer");
            ServiceProcess owner = owner(stack);
            ServiceProcess other = stack.deciders().stream().filter(d -> d != owner).findFirst().orElseThrow();
            String url = "http://127.0.0.1:" + owner.port;
            awaitHealthy(url, viewer);
            Path facts = Files.createTempFile("operator-page-facts-", ".json");
            Files.createDirectories(SCREENSHOTS);
            ProcessBuilder node = new ProcessBuilder("node", script.toString()).redirectErrorStream(true)
                    .redirectOutput(ServiceProcess.LOGS.resolve("page-browser.log").toFile());
            Map<String, String> env = node.environment();
            env.put("PAGE_URL", url);
            env.put("VIEWER_TOKEN", viewer);
            env.put("OPERATOR_TOKEN", ServiceProcess.token("operator"));
            env.put("FAIL_PRIMARY_URL",
                    "http://127.0.0.1:" + stack.backend(TestTopology.PRIMARY).port() + "/admin/fail");
            env.put("GROUP", TestTopology.GROUP);
            env.put("PRIMARY", TestTopology.PRIMARY);
            env.put("SECONDARY", TestTopology.SECONDARY);
            env.put("SCREENSHOTS", SCREENSHOTS.toString());
            env.put("FACTS", facts.toString());
            runBrowser(node, "page-browser.log");

            JsonNode page = JSON.readTree(facts.toFile());
            Failoverctl.Run status = Failoverctl.at(url, viewer, "status", TestTopology.GROUP, "--output", "json");
            assertThat(status.exit()).as(status.toString()).isZero();
            JsonNode ctl = JSON.readTree(status.out());
            assertSame(page, ctl);

            // the other instance, and the broker frozen for real: the script signals it by PID, and thaws it in any case
            long broker = stack.kafka().pid();
            env.put("PAGE_URL", "http://127.0.0.1:" + other.port);
            env.put("KAFKA_PID", Long.toString(broker));
            env.put("READINESS_PATH", readinessPath());
            env.put("MANAGEMENT_URL", "http://127.0.0.1:" + other.managementPort); // where the probe asks it (ADR 0034)
            node.command("node", script.toString(), "kafka")
                    .redirectOutput(ServiceProcess.LOGS.resolve("page-kafka.log")
                            .toFile());
            try {
                runBrowser(node, "page-kafka.log");
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(broker)).start().waitFor(); // never leave it frozen
            }
        }
    }

    /** The path of the decision-service's readiness probe in the Kubernetes manifests (k8s/base). */
    static String readinessPath() throws IOException {
        String manifest = Files.readString(ServiceProcess.ROOT.resolve("k8s/base/decision-service.yaml"));
        java.util.regex.Matcher probe = java.util.regex.Pattern
                .compile("readinessProbe: \\{httpGet: \\{path: ([^,\\s]+),")
                .matcher(manifest);
        assertThat(probe.find()).as("a readinessProbe in k8s/base/decision-service.yaml").isTrue();
        return probe.group(1);
    }

    /** Runs the browser script, prints its log, and fails with the log unless it ended within 5 minutes with exit 0. */
    static void runBrowser(ProcessBuilder node, String logName) throws IOException, InterruptedException {
        Process browser = node.start();
        browser.getOutputStream().close();
        boolean ended = browser.waitFor(5, TimeUnit.MINUTES);
        String log = Files.readString(ServiceProcess.LOGS.resolve(logName), StandardCharsets.UTF_8);
        if (!ended) {
            browser.destroyForcibly();
        }
        System.out.println(log);
        assertThat(ended).as("the browser script ended within 5 minutes:\n" + log).isTrue();
        assertThat(browser.exitValue()).as("the browser script's exit:\n" + log).isZero();
    }

    /** The decision-service that owns the group, once one says so (its failover_decision_group_owned gauge). */
    static ServiceProcess owner(TestStack stack) {
        return org.awaitility.Awaitility.await("an owner of " + TestTopology.GROUP).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    for (ServiceProcess decider : stack.deciders()) {
                        if (DeciderViews.owned(decider).contains(TestTopology.GROUP)) {
                            return decider;
                        }
                    }
                    return null;
                }, d -> d != null);
    }

    /** What the group page showed equals what failoverctl status prints: active target, epoch, holds, health. */
    static void assertSame(JsonNode page, JsonNode ctl) {
        assertThat(page.path("active").asText()).as("active target on the page and in failoverctl")
                .startsWith(ctl.path("activeTarget").asText() + " " + ctl.path("activeHealth").asText());
        assertThat(page.path("epoch").asText()).as("epoch").isEqualTo(ctl.path("epoch").asText());
        assertThat(page.path("holds").asText()).as("automation and holds").startsWith(ctl.path("automation").asText())
                .contains("paused by " + ctl.path("pause").path("principal").asText() + ": "
                        + ctl.path("pause").path("reason").asText());
        List<String> locations = new ArrayList<>();
        page.path("locations").forEach(l -> locations.add(l.asText()));
        for (JsonNode target : ctl.path("targets")) {
            JsonNode shown = null;
            for (JsonNode row : page.path("matrix")) {
                if (row.path("target").asText().equals(target.path("target").asText())) {
                    shown = row;
                }
            }
            assertThat(shown).as("target " + target.path("target").asText() + " on the page").isNotNull();
            assertThat(shown.path("health").asText()).as(target.path("target").asText() + "'s health")
                    .isEqualTo(target.path("health").asText());
            for (JsonNode location : target.path("locations")) {
                int column = locations.indexOf(location.path("location").asText());
                assertThat(column).as("location " + location.path("location").asText() + " on the page")
                        .isNotNegative();
                assertThat(shown.path("verdicts").path(column).asText())
                        .as(target.path("target").asText() + " at " + location.path("location").asText())
                        .isEqualTo(location.path("verdict").asText());
            }
        }
    }

    static void awaitHealthy(String url, String viewer) {
        for (String target : List.of(TestTopology.PRIMARY, TestTopology.SECONDARY)) {
            org.awaitility.Awaitility.await(target + " HEALTHY").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        Failoverctl.Run run = Failoverctl.at(url, viewer, "status", TestTopology.GROUP, "--output",
                                "json");
                        return run.exit() == 0
                                && Failoverctl.health(JSON.readTree(run.out()), target).equals("HEALTHY");
                    });
        }
    }

    /** The test topology's group over the two backends, switched by weighted Route 53 alias records. */
    static String topology(String primaryUrl, String secondaryUrl) {
        List<String> dns = Route53Sample.SAMPLE_DNS;
        return TestTopology.yaml(primaryUrl, secondaryUrl)
                .replace("dns: {zone: failover.test., name: " + TestTopology.RECORD + ", type: A, ttl: 5}", dns.get(0))
                .replace("dns: {values: [" + TestTopology.PRIMARY_IP + "]}", dns.get(1))
                .replace("dns: {values: [" + TestTopology.SECONDARY_IP + "]}", dns.get(2));
    }

    /**
     * The script in target/ui, with playwright-core installed beside it by the build before the system tests
     * (src/test/ui/install.sh, in the system-tests pom): the forks may run in a network namespace with no route to the
     * npm registry.
     */
    static Path prepareScript() {
        Path dir = Path.of("target/ui").toAbsolutePath();
        assertThat(dir.resolve("node_modules/playwright-core")).as("playwright-core in " + dir
                + ": installed by the build (src/test/ui/install.sh, phase pre-integration-test)").isDirectory();
        return dir.resolve("operator-page.mjs");
    }
}
