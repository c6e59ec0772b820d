package dev.failover.actuator.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.actuator.state.TestDesiredStores;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.KeyPartitions;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Against the real in-JVM broker: the read of failover.actuator-desired fails when partitions are assigned (a leader
 * election, a lost broker, a missing ACL: injected at the store, {@link FailingDesiredStore}). The restore is tried
 * again until it succeeds, readiness names the partitions meanwhile, and a decision that arrives meanwhile waits for
 * the restore; then every group of the partitions is driven again, from what was stored or decided.
 */
@QuarkusTest
@TestProfile(DesiredStateRestoreThroughKafkaTest.Profile.class)
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
class DesiredStateRestoreThroughKafkaTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final EventCodec CODEC = EventCodec.instance();
    /** Groups of their own (other tests share the broker), several in every partition. */
    static final List<String> GROUPS = IntStream.range(0, 9).mapToObj(g -> "restore-" + g).toList();
    static final Pattern FAILED = Pattern.compile("partition (\\d+): restore failed (\\d+) times");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("failover.topology-file", TestTopology.writeRaw(TestTopology.yaml(GROUPS)).toString());
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FailingDesiredStore.class);
        }
    }

    @AfterEach
    void healthy() {
        FailingDesiredStore.failing = false;
    }

    @Test
    void aRestoreThatFailsIsRetriedUntilItSucceedsAndTheDecisionsOfItsPartitionWaitForIt() {
        KafkaClientProperties kafka = KafkaClientProperties.bootstrap(KafkaBrokerResource.broker().bootstrapServers());
        String decided = GROUPS.get(0);
        int partition = KeyPartitions.partitionOf(decided, partitions(kafka));
        String stored = GROUPS.stream().skip(1)
                .filter(g -> KeyPartitions.partitionOf(g, partitions(kafka)) == partition)
                .findFirst().orElseThrow();
        // what an earlier owner stored: every group failed over at epoch 3
        try (KafkaDesiredStore earlierOwner = TestDesiredStores.open(kafka)) {
            earlierOwner.ensureTopic(java.util.Optional.empty(), "failover.topics.replication-factor"); // as its start did
            GROUPS.forEach(g -> earlierOwner.save(DesiredState.of(decision(g, 3))));
        }
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            // the restore at the first assignment failed: readiness names the partition and keeps retrying it
            int attempts = await("a failed restore of partition " + partition + " in readiness").atMost(WAIT)
                    .until(() -> failedAttempts(partition), n -> n > 0);
            given().get("/q/health/ready").then().statusCode(503);

            // meanwhile a decision of the partition arrives: it is not acted on before the restore
            Decision failback = decision(decided, 4);
            client.sendSigned(Topics.DECISIONS, decided, CODEC.encode(failback), TestSigningKeys.shared().signer());
            await("two more restore attempts").atMost(WAIT).until(() -> failedAttempts(partition),
                    n -> n >= attempts + 2);
            assertThat(actuations.readToEnd(WAIT))
                    .as("actuation results while partition " + partition + " is not restored")
                    .noneMatch(r -> CODEC.decode(r.value(), ActuationResult.class).decisionId()
                            .equals(failback.decisionId()));

            // the fault passes: the retry restores the partition, and its groups are driven again
            FailingDesiredStore.failing = false;
            await("partition " + partition + " restored").atMost(WAIT).untilAsserted(() -> assertThat(given()
                    .get("/q/health/ready").jsonPath()
                    .getString("checks.find { it.name == 'failover-desired-states-restored' }.data.notRestored"))
                    .as("partitions not restored, in readiness").isEmpty());
            await(stored + " driven from its restored desired state").atMost(WAIT).untilAsserted(() -> given()
                    .auth().oauth2(dev.failover.actuator.rest.ApiTokens.viewer()).get("/groups/" + stored).then()
                    .statusCode(200)
                    .body("desiredEpoch", org.hamcrest.Matchers.equalTo(3))
                    .body("status", org.hamcrest.Matchers.equalTo("CONVERGED")));
            await(decided + " driven from the decision that waited").atMost(WAIT).untilAsserted(() -> given()
                    .auth().oauth2(dev.failover.actuator.rest.ApiTokens.viewer()).get("/groups/" + decided).then()
                    .statusCode(200)
                    .body("desiredEpoch", org.hamcrest.Matchers.equalTo(4))
                    .body("desiredTarget", org.hamcrest.Matchers.equalTo(TestTopology.PRIMARY))
                    .body("status", org.hamcrest.Matchers.equalTo("CONVERGED")));
            given().get("/q/health/ready").then().statusCode(200);
        }
    }

    /** How many times the partition's restore failed so far, as readiness says (0 when it does not say). */
    private static int failedAttempts(int partition) {
        Matcher failed = FAILED.matcher(given().get("/q/health/ready").asString());
        while (failed.find()) {
            if (Integer.parseInt(failed.group(1)) == partition) {
                return Integer.parseInt(failed.group(2));
            }
        }
        return 0;
    }

    private static int partitions(KafkaClientProperties kafka) {
        try (TopicEnsurer topics = new TopicEnsurer(kafka, Duration.ofSeconds(30))) {
            return topics.partitionCount(Topics.DECISIONS).orElseThrow();
        }
    }

    /** Epoch 3: a failover to the secondary; above it, a failback to the primary. */
    static Decision decision(String group, long epoch) {
        boolean failover = epoch <= 3;
        return new Decision(1, UUID.randomUUID().toString(), group, epoch,
                failover ? DecisionKind.FAILOVER : DecisionKind.FAILBACK,
                failover ? TestTopology.PRIMARY : TestTopology.SECONDARY,
                failover ? TestTopology.SECONDARY : TestTopology.PRIMARY,
                "test", List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
    }
}
