package dev.failover.actuator.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.topology.TestTopology;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The scaler's permissions in a cluster, checked ahead by the API server's own authorizer (SelfSubjectAccessReview),
 * against a mock API server that answers as RBAC would for a Role granting the Deployment but not its HPAs: the Role
 * of k8s/scaler before the HPA rights were added to it.
 */
@EnableKubernetesMockClient
class KubernetesAccessReviewTest {

    static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    static final ObjectMapper JSON = new ObjectMapper();

    KubernetesClient client;
    KubernetesMockServer server;

    /** RBAC of the old scaler Role: apps/deployments get and patch in namespace shop, nothing else. */
    void answerAsTheOldRole() {
        server.expect().post().withPath(REVIEWS).andReply(201, request -> {
            try {
                JsonNode review = JSON.readTree(request.getBody().readUtf8());
                JsonNode attributes = review.at("/spec/resourceAttributes");
                boolean allowed = attributes.path("group").asText().equals("apps")
                        && attributes.path("resource").asText().equals("deployments")
                        && attributes.path("namespace").asText().equals("shop")
                        && List.of("get", "patch").contains(attributes.path("verb").asText());
                ((com.fasterxml.jackson.databind.node.ObjectNode) review).putObject("status").put("allowed", allowed)
                        .put("reason", allowed ? "RBAC: allowed by RoleBinding \"failover-actuator-scaler/shop\"" : "");
                return review.toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).always();
    }

    @Test
    void theScalersPermissionsAreAskedOfTheClusterAndTheMissingOnesNamed() {
        answerAsTheOldRole();
        String yaml = TestTopology.yaml("http://127.0.0.1:1/", "http://127.0.0.1:2/").replace(
                "dns: {values: [" + TestTopology.SECONDARY_IP + "]}",
                "dns: {values: [" + TestTopology.SECONDARY_IP
                        + "]}\n        scaling: {kind: kubernetes, namespace: shop,"
                        + " deployment: api, activeSize: 3, pilotLightSize: 1, cluster: dr-eks}");
        List<Needed> plan = PermissionPlan.of(TopologyLoader.parse(yaml, "test"), false,
                dev.failover.actuator.dns.ArcSettings.none(),
                "us-east-1");
        assertThat(plan).extracting(Needed::action).containsExactly("apps/deployments:get", "apps/deployments:patch",
                "autoscaling/horizontalpodautoscalers:list", "autoscaling/horizontalpodautoscalers:patch");
        assertThat(plan).extracting(Needed::place).containsOnly(new ScalingRef.Place.Cluster("dr-eks"));

        PermissionSimulator simulator = PermissionSimulator.byPlace((place, needed) -> {
            throw new AssertionError("IAM asked about " + place);
        }, new KubernetesAccessReview(name -> {
            assertThat(name).as("the cluster the target names").isEqualTo("dr-eks");
            return client;
        }));
        PermissionCheck.Report report = new PermissionCheck(plan, simulator, java.time.Clock.systemUTC()).run();

        assertThat(report.unknown()).isEmpty();
        assertThat(report.missing().stream().map(a -> a.needed().action() + " on " + a.resource())
                .collect(Collectors.toList()))
                .containsExactly("autoscaling/horizontalpodautoscalers:list on shop/*",
                        "autoscaling/horizontalpodautoscalers:patch on shop/*");
        assertThat(report.answers()).filteredOn(a -> a.decision() == PermissionSimulator.Decision.ALLOWED)
                .extracting(PermissionSimulator.Answer::detail)
                .allMatch(d -> d.startsWith("cluster dr-eks: allowed (RBAC"));
        assertThat(server.getRequestCount()).as("one review per permission, nothing written").isEqualTo(4);
    }

    @Test
    void aClusterThatDoesNotAnswerIsNotKnownRatherThanAllowed() {
        Needed needed = new Needed(new ScalingRef.Place.Cluster("dr-eks"), "apps/deployments:patch", "shop/api",
                "test");
        PermissionCheck.Report report = new PermissionCheck(List.of(needed), new KubernetesAccessReview(name -> {
            throw new IllegalStateException("no route to the API server of " + name);
        }), java.time.Clock.systemUTC()).run();
        assertThat(report.answers()).isEmpty();
        assertThat(report.unknown()).containsKey(new ScalingRef.Place.Cluster("dr-eks"));
    }
}
