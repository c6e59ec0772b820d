package dev.failover.actuator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.scaling.Scaler.CapacityOutcome;
import dev.failover.actuator.scaling.Scaler.ScaleOutcome;
import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The fabric8 mock API server in CRUD mode (expectations, where set, answer first); the test plays the Deployment
 * controller that makes replicas ready.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesScalerTest {

    static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/prod/deployments/api";

    KubernetesClient client;
    KubernetesMockServer server;

    static ScalingRef.KubernetesDeployment ref() {
        return new ScalingRef.KubernetesDeployment("prod", "api", 3, 1, null);
    }

    void createDeployment(int replicas) {
        client.apps().deployments().inNamespace("prod").resource(new DeploymentBuilder().withNewMetadata().withName("api")
                .withNamespace("prod").addToLabels("app", "api").endMetadata().withNewSpec().withReplicas(replicas).endSpec().build()).create();
    }

    /** What the Deployment controller does once pods pass their readiness probes. */
    void makeReady(int ready) {
        Deployment d = client.apps().deployments().inNamespace("prod").withName("api").get();
        d.setStatus(new DeploymentStatusBuilder().withReplicas(d.getSpec().getReplicas()).withReadyReplicas(ready).build());
        client.apps().deployments().inNamespace("prod").resource(d).updateStatus();
    }

    int specReplicas() {
        return client.apps().deployments().inNamespace("prod").withName("api").get().getSpec().getReplicas();
    }

    /** A client that, like the actuator's, leaves retrying to the reconciler. */
    KubernetesClient notRetrying(String masterUrl) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl)
                .withTrustCerts(true).withRequestRetryBackoffLimit(0).withConnectionTimeout(2_000).withRequestTimeout(5_000).build()).build();
    }

    @Test
    void observesSpecReplicasAndReadyReplicas() {
        createDeployment(3);
        assertThat(new KubernetesScaler(client).observe(ref())).as("no status yet: nothing ready")
                .isEqualTo(new CapacityOutcome.Observed(3, 0));
        makeReady(2);
        assertThat(new KubernetesScaler(client).observe(ref())).as("spec.replicas and status.readyReplicas")
                .isEqualTo(new CapacityOutcome.Observed(3, 2));
    }

    @Test
    void scaleUpPatchesTheReplicasOnceAndDoesNotWait() throws InterruptedException {
        createDeployment(1);
        makeReady(1);
        int before = server.getRequestCount();

        assertThat(new KubernetesScaler(client).scaleUp(ref())).as("the write is accepted")
                .isInstanceOfSatisfying(ScaleOutcome.Requested.class, r -> assertThat(r.details()).contains("replicas 3"));

        assertThat(server.getRequestCount() - before).as("one request: the patch, no polling").isEqualTo(1);
        RecordedRequest patch = server.getLastRequest();
        assertThat(patch.getMethod()).as("method").isEqualTo("PATCH");
        assertThat(patch.getPath()).as("the Deployment itself").isEqualTo(DEPLOYMENT_PATH);
        assertThat(patch.getHeader("Content-Type")).as("a JSON merge patch").startsWith("application/merge-patch+json");
        // the body was read by the CRUD dispatcher that applied it: what it did is checked below instead
        assertThat(new KubernetesScaler(client).observe(ref())).as("asked for, not ready yet: the reconciler polls")
                .isEqualTo(new CapacityOutcome.Observed(3, 1));
        assertThat(client.apps().deployments().inNamespace("prod").withName("api").get().getMetadata().getLabels())
                .as("a merge patch of spec.replicas leaves the rest of the Deployment as it was").containsEntry("app", "api");
    }

    @Test
    void scaleDownGoesToThePilotLightSizeOrZero() {
        createDeployment(3);
        assertThat(new KubernetesScaler(client).scaleDown(ref())).as("the write is accepted").isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(specReplicas()).as("pilot-light size").isEqualTo(1);

        assertThat(new KubernetesScaler(client).scaleDown(new ScalingRef.KubernetesDeployment("prod", "api", 3, null, null)))
                .as("the write is accepted").isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(specReplicas()).as("no pilot-light size: zero").isZero();
    }

    @Test
    void aMissingDeploymentIsRejectedAndNotCreated() {
        assertThat(new KubernetesScaler(client).observe(ref())).as("no such Deployment")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class, r -> assertThat(r.reason()).contains("does not exist"));
        assertThat(new KubernetesScaler(client).scaleUp(ref())).as("the API server answers 404 to the patch")
                .isInstanceOf(ScaleOutcome.Rejected.class);
        assertThat(client.apps().deployments().inNamespace("prod").withName("api").get()).as("not created by the patch").isNull();
    }

    @Test
    void forbiddenIsRejectedThrottledIsUnavailable() {
        createDeployment(1);
        try (KubernetesClient direct = notRetrying(server.url("/"))) {
            server.expect().patch().withPath(DEPLOYMENT_PATH).andReturn(403, new StatusBuilder().withStatus("Failure")
                    .withReason("Forbidden").withCode(403).withMessage("deployments.apps \"api\" is forbidden: User "
                            + "\"system:serviceaccount:failover:failover-actuator\" cannot patch resource \"deployments\"")
                    .build()).once();
            assertThat(new KubernetesScaler(direct).scaleUp(ref())).as("RBAC refuses: refused for good")
                    .isInstanceOfSatisfying(ScaleOutcome.Rejected.class, r -> assertThat(r.reason()).contains("forbidden"));

            server.expect().get().withPath(DEPLOYMENT_PATH).andReturn(429, new StatusBuilder().withStatus("Failure")
                    .withReason("TooManyRequests").withCode(429).withMessage("too many requests").build()).once();
            assertThat(new KubernetesScaler(direct).observe(ref())).as("throttled: try again later")
                    .isInstanceOf(CapacityOutcome.Unavailable.class);

            server.expect().patch().withPath(DEPLOYMENT_PATH).andReturn(503, new StatusBuilder().withStatus("Failure")
                    .withCode(503).withMessage("etcdserver: leader changed").build()).once();
            assertThat(new KubernetesScaler(direct).scaleDown(ref())).as("a 5xx: try again later")
                    .isInstanceOf(ScaleOutcome.Unavailable.class);
        }
        assertThat(specReplicas()).as("no refused or failed write went through").isEqualTo(1);
    }

    @Test
    void anUnreachableApiServerIsUnavailable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (KubernetesClient dead = notRetrying("http://127.0.0.1:" + closed)) {
            assertThat(new KubernetesScaler(dead).observe(ref())).as("read without an answer")
                    .isInstanceOf(CapacityOutcome.Unavailable.class);
            assertThat(new KubernetesScaler(dead).scaleUp(ref())).as("write without an answer")
                    .isInstanceOf(ScaleOutcome.Unavailable.class);
        }
    }
}
