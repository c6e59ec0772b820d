package dev.failover.probe.scheduling;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.probe.TopologyWithDependency;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The whole service: a healthy primary whose dependency (its database, say) refuses connections. The dependency is
 * scheduled and probed like a target, its results are published labelled with it, and the API and metrics show it
 * apart from its target, which stays UP.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(DependenciesProbedTest.PrimaryWithDeadDependency.class)
class DependenciesProbedTest {

    /** Two healthy demo backends; the primary's dependency is probed on a port nothing listens on. */
    public static class PrimaryWithDeadDependency implements QuarkusTestResourceLifecycleManager {
        static DemoBackend primary;
        static DemoBackend secondary;

        @Override
        public Map<String, String> start() {
            primary = DemoBackend.start(TestTopology.PRIMARY, 0);
            secondary = DemoBackend.start(TestTopology.SECONDARY, 0);
            String yaml = TopologyWithDependency.yaml(primary.healthUrl(), secondary.healthUrl(),
                    TopologyWithDependency.closedPort());
            return Map.of("failover.topology-file", TestTopology.writeRaw(yaml).toString());
        }

        @Override
        public void stop() {
            primary.close();
            secondary.close();
        }
    }

    static final String DEPENDENCY = TopologyWithDependency.DEPENDENCY;

    @Test
    void theDependencyIsProbedAndPublishedApartFromItsTarget() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader reader = client.reader(Topics.PROBE_RESULTS)) {
            // a probe that could not run on time (its location's CPU starved, ADR 0008) reports UNKNOWN: no evidence
            // either way, so the first result with an outcome is the one checked
            ConsumerRecord<String, String> record = reader.await(r -> DEPENDENCY.equals(decode(r).dependency())
                    && decode(r).outcome() != ProbeOutcome.UNKNOWN, Duration.ofSeconds(30));
            ProbeResult dependency = decode(record);
            assertThat(record.key()).as("keyed by group like any result").isEqualTo(TestTopology.GROUP);
            assertThat(dependency.target()).isEqualTo(TestTopology.PRIMARY);
            assertThat(dependency.targetRegion()).isEqualTo("us-east-1");
            assertThat(dependency.outcome()).as("%s", dependency).isEqualTo(ProbeOutcome.DOWN);
            assertThat(dependency.failureReason()).isEqualTo(FailureReason.CONNECTION_REFUSED);
            ProbeResult target = decode(reader.await(r -> decode(r).target().equals(TestTopology.PRIMARY)
                    && decode(r).dependency() == null && decode(r).outcome() != ProbeOutcome.UNKNOWN,
                    Duration.ofSeconds(30)));
            assertThat(target.outcome()).as("the primary itself: %s", target).isEqualTo(ProbeOutcome.UP);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/targets").then().statusCode(200)
                .body("find { it.target == 'primary' }.lastResult.outcome", equalTo("UP"))
                .body("find { it.target == 'primary' }.dependencies.dependency", equalTo(List.of(DEPENDENCY)))
                .body("find { it.target == 'primary' }.dependencies[0].lastResult.outcome", equalTo("DOWN"))
                .body("find { it.target == 'primary' }.dependencies[0].recentVerdicts[0]",
                        equalTo("DOWN CONNECTION_REFUSED"))
                .body("find { it.target == 'secondary' }.dependencies", equalTo(List.of())));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/targets/api/primary").then().statusCode(200)
                        .body("recentResults.outcome", everyItem(not(equalTo("DOWN"))))
                        .body("recentResults.outcome", hasItem("UP"))
                        .body("dependencies[0].probe.type", equalTo("tcp"))
                        .body("dependencies[0].recentResults.dependency", everyItem(equalTo(DEPENDENCY))));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(
                    metrics.lines().filter(l -> l.startsWith("failover_probe_up{") && l.contains("target=\"primary\"")))
                    .as("the primary's up gauge").singleElement().asString().endsWith(" 1.0")
                    .doesNotContain("dependency");
            assertThat(metrics.lines().filter(l -> l.startsWith("failover_probe_dependency_up{")))
                    .as("the dependency's up gauge").singleElement().asString().contains("dependency=\"db\"")
                    .contains("target=\"primary\"").endsWith(" 0.0");
        });
    }

    private static ProbeResult decode(ConsumerRecord<String, String> record) {
        return EventCodec.instance().decode(record.value(), ProbeResult.class);
    }
}
