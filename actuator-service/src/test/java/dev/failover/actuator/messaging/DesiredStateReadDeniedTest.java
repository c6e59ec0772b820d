package dev.failover.actuator.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.rest.ApiTokens;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.actuator.state.TestDesiredStores;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.KeyPartitions;
import dev.failover.kafka.TopicEnsurer;
import dev.failover.kafka.TopicSpec;
import dev.failover.kafka.security.ApplyServiceAcls;
import dev.failover.kafka.security.ServiceAcls;
import dev.failover.testkit.kafka.EmbeddedKafkaBroker;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A refused desired-state restore (ADR 0006) caused for real, no fake store: the actuator runs as its own principal
 * against a SASL_SSL broker with the StandardAuthorizer and {@link ServiceAcls}, except that its Read ACL on
 * failover.actuator-desired is missing when its partitions are assigned (an operator's ACL change, a principal renamed
 * in one region). The real restore read is refused by the broker (TopicAuthorizationException); readiness is DOWN
 * naming the partitions and the broker's error, and a decision of such a partition is not acted on. When the ACL is put
 * back (as the broker's super user), a retry restores the partitions: readiness is UP and the groups are driven from
 * the desired states stored before (epoch 3), and the decision that waited is acted on.
 */
@QuarkusTest
@TestProfile(DesiredStateReadDeniedTest.Profile.class)
@WithTestResource(DesiredStateReadDeniedTest.SecuredBroker.class)
@WithTestResource(SigningKeysResource.Verifier.class)
class DesiredStateReadDeniedTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final EventCodec CODEC = EventCodec.instance();
    static final String ACTUATOR = "failover-actuator";
    static final int PARTITIONS = 3;
    /** Several groups in every partition: one is decided during the fault, another only restored. */
    static final List<String> GROUPS = IntStream.range(0, 9).mapToObj(g -> "denied-" + g).toList();
    static final Pattern FAILED = Pattern
            .compile("partition (\\d+): restore failed (\\d+) times, retrying; last error: ([^;\"]*)");
    /** The Read ACL the actuator has by {@link ServiceAcls} and is without at its start. */
    static final AclBinding READ_DESIRED = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, Topics.ACTUATOR_DESIRED, PatternType.LITERAL),
            new AccessControlEntry(ServiceAcls.DEFAULT.actuator(), "*", AclOperation.READ, AclPermissionType.ALLOW));

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("failover.topology-file", TestTopology.writeRaw(TestTopology.yaml(GROUPS)).toString());
        }
    }

    /**
     * A secured broker of this test class alone (the ACLs it changes must not leak into other tests): the topics made
     * and the desired states stored (epoch 3, every group failed over) as an earlier owner left them, the services' ACLs
     * applied without the actuator's Read on failover.actuator-desired. The application is configured as the actuator's
     * principal.
     */
    public static class SecuredBroker implements QuarkusTestResourceLifecycleManager {

        static EmbeddedKafkaBroker broker;

        @Override
        public Map<String, String> start() {
            broker = EmbeddedKafkaBroker.startSecured(Set.of(ACTUATOR));
            KafkaClientProperties admin = admin();
            try (TopicEnsurer topics = new TopicEnsurer(admin, WAIT)) {
                topics.ensure(List.of(TopicSpec.of(Topics.DECISIONS, PARTITIONS, (short) 1),
                        TopicSpec.of(Topics.ACTUATIONS, PARTITIONS, (short) 1),
                        TopicSpec.of(Topics.DECISIONS_DLQ, 1, (short) 1)));
                topics.ensure(List.of(TopicSpec.of(Topics.ACTUATOR_DESIRED, PARTITIONS, (short) 1).compacted()));
            }
            try (KafkaDesiredStore earlierOwner = TestDesiredStores.open(admin)) {
                GROUPS.forEach(
                        g -> earlierOwner.save(DesiredState.of(DesiredStateRestoreThroughKafkaTest.decision(g, 3))));
            }
            ApplyServiceAcls.apply(broker.adminProperties(),
                    ServiceAcls.DEFAULT.bindings().stream().filter(b -> !b.equals(READ_DESIRED)).toList());
            Map<String, String> config = new HashMap<>();
            broker.clientProperties(ACTUATOR).forEach((key, value) -> config.put("kafka." + key, value));
            config.put("quarkus.log.category.\"kafka\".level", "WARN");
            config.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
            return config;
        }

        static KafkaClientProperties admin() {
            return new KafkaClientProperties(new HashMap<>(broker.adminProperties()));
        }

        @Override
        public void stop() {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }

    @Test
    void aRestoreTheBrokerRefusesIsRetriedUntilTheAclIsBack() throws Exception {
        // two groups of one partition: one decided during the fault, one only restored
        List<String> ofOnePartition = GROUPS.stream().filter(g -> GROUPS.stream().filter(o -> !o.equals(g))
                .anyMatch(o -> KeyPartitions.partitionOf(o, PARTITIONS) == KeyPartitions.partitionOf(g, PARTITIONS)))
                .toList();
        String decided = ofOnePartition.get(0);
        int partition = KeyPartitions.partitionOf(decided, PARTITIONS);
        String stored = ofOnePartition.stream()
                .filter(g -> !g.equals(decided) && KeyPartitions.partitionOf(g, PARTITIONS) == partition)
                .findFirst().orElseThrow();
        try (TopicClient client = new TopicClient(SecuredBroker.broker.adminProperties());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            // the broker refused the restore at the assignment: readiness names the partition and the broker's error
            int attempts = await("a refused restore of partition " + partition + " in readiness").atMost(WAIT)
                    .until(() -> failedAttempts(partition), n -> n > 0);
            String ready = given().get("/q/health/ready").then().statusCode(503).extract().asString();
            assertThat(lastError(partition, ready)).as("the error readiness names for partition " + partition)
                    .contains("Not authorized to access topics: [" + Topics.ACTUATOR_DESIRED + "]");

            // meanwhile a decision of the partition arrives: it is not acted on before the restore
            Decision failback = DesiredStateRestoreThroughKafkaTest.decision(decided, 4);
            client.sendSigned(Topics.DECISIONS, decided, CODEC.encode(failback), TestSigningKeys.shared().signer());
            await("two more refused restore attempts").atMost(WAIT).until(() -> {
                actuations.poll(); // reading the actuations meanwhile
                return failedAttempts(partition);
            }, n -> n >= attempts + 2);
            assertThat(actuations.readToEnd(WAIT))
                    .as("actuation results while partition " + partition + " is not restored")
                    .noneMatch(r -> CODEC.decode(r.value(), ActuationResult.class).decisionId()
                            .equals(failback.decisionId()));
            given().auth().oauth2(ApiTokens.viewer()).get("/groups/" + decided).then().statusCode(200)
                    .body("desiredEpoch", not(equalTo(4)));
            given().get("/q/health/ready").then().statusCode(503);

            // the operator puts the ACL back: the next retry restores, and the partition's groups are driven again
            grant(READ_DESIRED);
            await("every partition restored").atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(200));
            await(stored + " driven from its restored desired state").atMost(WAIT).untilAsserted(() -> given()
                    .auth().oauth2(ApiTokens.viewer()).get("/groups/" + stored).then().statusCode(200)
                    .body("desiredEpoch", equalTo(3))
                    .body("desiredTarget", equalTo(TestTopology.SECONDARY))
                    .body("status", equalTo("CONVERGED")));
            await(decided + " driven from the decision that waited").atMost(WAIT).untilAsserted(() -> given()
                    .auth().oauth2(ApiTokens.viewer()).get("/groups/" + decided).then().statusCode(200)
                    .body("desiredEpoch", equalTo(4))
                    .body("desiredTarget", equalTo(TestTopology.PRIMARY))
                    .body("status", equalTo("CONVERGED")));
            actuations.await(
                    r -> CODEC.decode(r.value(), ActuationResult.class).decisionId().equals(failback.decisionId()),
                    WAIT);
        }
    }

    private static void grant(AclBinding binding) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(SecuredBroker.broker.adminProperties())) {
            admin.createAcls(List.of(binding)).all().get();
        }
    }

    /** How many times the partition's restore failed so far, as readiness says (0 when it does not say). */
    private static int failedAttempts(int partition) {
        Matcher failed = failure(partition, given().get("/q/health/ready").asString());
        return failed == null ? 0 : Integer.parseInt(failed.group(2));
    }

    private static String lastError(int partition, String readiness) {
        Matcher failed = failure(partition, readiness);
        return failed == null ? null : failed.group(3);
    }

    private static Matcher failure(int partition, String readiness) {
        Matcher failed = FAILED.matcher(readiness);
        while (failed.find()) {
            if (Integer.parseInt(failed.group(1)) == partition) {
                return failed;
            }
        }
        return null;
    }
}
