package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * The container images as a platform team runs them (ADR 0033): scripts/images.sh builds them with podman from this
 * build's packaged apps on a base made of Debian's packages; the probe-, decision- and actuator-service then run from
 * their images (podman, this host's network) against a broker and demo backends, and the primary fails: a probe
 * result, a decision and a switch must follow through Kafka, as with the jars (FailoverChainIT). failoverctl's image
 * prints what its jar prints. Each image runs as user 185 and carries its version, revision and SBOM.
 */
class ContainerImagesIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final Path ROOT = ServiceProcess.ROOT;
    static String version;
    static String revision;
    static TestStack stack;

    @BeforeAll
    static void buildTheImagesAndRunTheStack() throws Exception {
        Path log = ServiceProcess.LOGS.resolve("images.log");
        Files.createDirectories(log.getParent());
        Process build = new ProcessBuilder("scripts/images.sh").directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(build.waitFor(10, TimeUnit.MINUTES)).as("scripts/images.sh ended within 10 minutes").isTrue();
        assertThat(build.exitValue()).as("scripts/images.sh:\n" + Files.readString(log)).isZero();
        System.out.println(Files.readString(log));
        version = System.getProperty("project.version");
        assertThat(version).as("system property project.version (system-tests/pom.xml)").isNotBlank();
        revision = output(new ProcessBuilder("git", "-C", ROOT.toString(), "rev-parse", "HEAD")).trim();
        boolean changed = !output(new ProcessBuilder("git", "-C", ROOT.toString(), "status", "--porcelain",
                "--untracked-files=no")).isBlank();
        revision = changed ? revision + "-dirty" : revision; // a tree with changes is not the commit (scripts/images.sh)
        stack = TestStack.named("images").primaryAndSecondary().deciders(1).probes().actuator()
                .images(ContainerImagesIT::image).start();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack);
    }

    static String image(String app) {
        return "localhost/failover/" + app + ":" + version;
    }

    @Test
    void theServicesFromTheirImagesFailOverAsTheirJarsDo() throws Exception {
        try (TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            ServiceProcess decider = stack.decider();
            await("the decision-service sees the primary HEALTHY").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(
                            () -> assertThat(DeciderViews.health(decider, TestTopology.PRIMARY)).isEqualTo("HEALTHY"));
            DemoBackend primary = stack.backend(TestTopology.PRIMARY);
            primary.fail();

            Decision decision = CODEC.decode(decisions.await(r -> true, Duration.ofSeconds(60)).value(),
                    Decision.class);
            assertThat(decision.kind()).isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.toTarget()).isEqualTo(TestTopology.SECONDARY);
            ActuationResult dnsSwitch = CODEC.decode(actuations.await(r -> {
                ActuationResult a = CODEC.decode(r.value(), ActuationResult.class);
                return a.decisionId().equals(decision.decisionId()) && a.step() == ActuationStep.DNS_SWITCH;
            }, Duration.ofSeconds(60)).value(), ActuationResult.class);
            assertThat(dnsSwitch.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(dnsSwitch.details()).contains(TestTopology.SECONDARY_IP);
            await("the decision-service's view: active on the secondary").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(DeciderViews.view(decider)
                            .get("activeTarget").asText()).isEqualTo(TestTopology.SECONDARY));

            // failoverctl's image against the decision-service's image: what the jar prints
            String url = "http://127.0.0.1:" + decider.port;
            String token = ServiceProcess.token("viewer");
            Failoverctl.Run fromJar = Failoverctl.at(url, token, "status", TestTopology.GROUP, "--output", "json");
            Failoverctl.Run fromImage = Failoverctl.fromImage(image("failoverctl"), url, token, "status",
                    TestTopology.GROUP,
                    "--output", "json");
            assertThat(fromJar.exit()).as("failoverctl's jar: " + fromJar).isZero();
            assertThat(fromImage.exit()).as("failoverctl's image: " + fromImage).isZero();
            ObjectMapper json = new ObjectMapper();
            JsonNode byJar = json.readTree(fromJar.out());
            JsonNode byImage = json.readTree(fromImage.out());
            assertThat(byImage.get("activeTarget")).isEqualTo(byJar.get("activeTarget"));
            assertThat(byImage.get("epoch")).isEqualTo(byJar.get("epoch"));
            assertThat(byImage.get("activeTarget").asText()).isEqualTo(TestTopology.SECONDARY);
        }
    }

    @Test
    void eachImageRunsAsUser185AndSaysWhatItIs() throws Exception {
        for (String app : List.of("probe-service", "decision-service", "actuator-service", "failoverctl")) {
            JsonNode inspected = new ObjectMapper().readTree(output("podman", "image", "inspect", image(app))).get(0);
            JsonNode config = inspected.get("Config");
            assertThat(config.get("User").asText()).as(app + "'s user").isEqualTo("185:185");
            JsonNode labels = config.get("Labels");
            assertThat(labels.get("org.opencontainers.image.version").asText()).as(app + "'s version label")
                    .isEqualTo(version);
            assertThat(labels.get("org.opencontainers.image.revision").asText()).as(app + "'s revision label")
                    .isEqualTo(revision);
            assertThat(output("podman", "run", "--rm", "--entrypoint", "id", image(app), "-u").trim())
                    .as(app + " runs as").isEqualTo("185");

            JsonNode sbom = new ObjectMapper()
                    .readTree(ROOT.resolve("target/images/" + app + "-" + version + ".cdx.json").toFile());
            assertThat(sbom.get("bomFormat").asText()).isEqualTo("CycloneDX");
            List<String> purls = sbom.get("components").findValuesAsText("purl");
            // every jar the app runs with, and the JRE it runs on, are named
            long jars = Files.readAllLines(ROOT.resolve(app + "/target/quarkus-app/quarkus-app-dependencies.txt"))
                    .stream()
                    .filter(l -> !l.isBlank()).count();
            assertThat(purls.stream().filter(p -> p.startsWith("pkg:maven/"))).as(app + "'s jars in its SBOM")
                    .hasSize((int) jars);
            assertThat(purls).as(app + "'s SBOM names its JRE")
                    .anyMatch(p -> p.startsWith("pkg:deb/debian/openjdk-17-jre-headless@"));
        }
    }

    /** What a podman {@code command} prints; it must succeed. */
    static String output(String... command) throws IOException, InterruptedException {
        return output(ServiceProcess.podman(List.of(command)));
    }

    /** What {@code command} prints; it must succeed. */
    static String output(ProcessBuilder command) throws IOException, InterruptedException {
        Process process = command.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String named = String.join(" ", command.command());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(named + " ended").isTrue();
        assertThat(process.exitValue()).as(named + ": " + out).isZero();
        return out;
    }
}
