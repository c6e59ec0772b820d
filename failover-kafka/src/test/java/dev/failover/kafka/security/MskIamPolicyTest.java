package dev.failover.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.event.Topics;

/**
 * The IAM policies of deploy/aws/msk are the services' ACLs as MSK's actions, each role only its own
 * service's, and every role that writes may start an idempotent producer (without WriteDataIdempotently MSK refuses
 * InitProducerId, and every producer here is idempotent).
 */
class MskIamPolicyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path COMMITTED = Path.of("..", "deploy", "aws", "msk");
    static final Map<String, List<ServiceAcls.Grant>> SERVICES = Map.of("probe", ServiceAcls.PROBE_GRANTS, "decision",
            ServiceAcls.DECISION_GRANTS, "actuator", ServiceAcls.ACTUATOR_GRANTS);

    /** The actions the policy allows on a resource. */
    static List<String> allowed(JsonNode policy, String resource) {
        List<String> actions = new ArrayList<>();
        for (JsonNode statement : policy.get("Statement")) {
            statement.get("Resource").forEach(r -> {
                if (r.asText().equals(resource)) {
                    statement.get("Action").forEach(a -> actions.add(a.asText()));
                }
            });
        }
        return actions;
    }

    static String topic(String name) {
        return MskIamPolicy.CLUSTER_ARN.replace(":cluster/", ":topic/") + "/" + name;
    }

    @Test
    void everyRoleConnectsAndEveryWriterMayProduceIdempotently() {
        for (var service : SERVICES.entrySet()) {
            JsonNode policy = MskIamPolicy.of(service.getValue());
            assertThat(allowed(policy, MskIamPolicy.CLUSTER_ARN)).as(service.getKey())
                    .containsExactlyInAnyOrder("kafka-cluster:Connect", "kafka-cluster:WriteDataIdempotently");
        }
    }

    @Test
    void eachRoleHasOnlyItsServicesTopics() {
        JsonNode probe = MskIamPolicy.of(ServiceAcls.PROBE_GRANTS);
        assertThat(allowed(probe, topic(Topics.PROBE_RESULTS))).containsExactlyInAnyOrder("kafka-cluster:DescribeTopic",
                "kafka-cluster:WriteData");
        assertThat(allowed(probe, topic(Topics.DECISIONS))).as("a probe-service's role writing decisions").isEmpty();
        JsonNode decision = MskIamPolicy.of(ServiceAcls.DECISION_GRANTS);
        assertThat(allowed(decision, topic(Topics.DECISIONS))).containsExactlyInAnyOrder("kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData", "kafka-cluster:WriteData", "kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopicDynamicConfiguration");
        assertThat(allowed(decision, MskIamPolicy.CLUSTER_ARN.replace(":cluster/", ":group/") + "/"
                + ServiceAcls.DECISION_VIEW_GROUP_PREFIX + "*"))
                .containsExactlyInAnyOrder("kafka-cluster:DescribeGroup",
                        "kafka-cluster:AlterGroup");
        JsonNode actuator = MskIamPolicy.of(ServiceAcls.ACTUATOR_GRANTS);
        assertThat(allowed(actuator, topic(Topics.DECISIONS))).containsExactlyInAnyOrder("kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData");
    }

    /**
     * The committed files are what the ACLs give. On a difference the generated ones are in target/msk-policies: copy
     * them over (cp failover-kafka/target/msk-policies/*.json deploy/aws/msk/) after checking the change.
     */
    @Test
    void theCommittedPoliciesAreTheAcls() throws Exception {
        Path generated = Path.of("target", "msk-policies");
        Files.createDirectories(generated);
        Map<String, String> expected = new TreeMap<>();
        for (var service : SERVICES.entrySet()) {
            String file = service.getKey() + "-policy.json";
            expected.put(file,
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(MskIamPolicy.of(service.getValue()))
                            + "\n");
            Files.writeString(generated.resolve(file), expected.get(file), StandardCharsets.UTF_8);
        }
        for (var file : expected.entrySet()) {
            String name = "deploy/aws/msk/" + file.getKey();
            assertThat(COMMITTED.resolve(file.getKey())).as(name + " (generated in failover-kafka/target/msk-policies)")
                    .exists();
            assertThat(JSON.readTree(COMMITTED.resolve(file.getKey()).toFile()))
                    .as(name + " = the ACLs of ServiceAcls (cp failover-kafka/target/msk-policies/*.json deploy/aws/msk/)")
                    .isEqualTo(JSON.readTree(file.getValue()));
        }
    }
}
