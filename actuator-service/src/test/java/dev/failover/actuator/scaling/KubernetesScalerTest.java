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
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
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
        return new ScalingRef.KubernetesDeployment("prod", "api", 3, 1, null, null, null);
    }

    void createDeployment(int replicas) {
        client.apps().deployments().inNamespace("prod")
                .resource(new DeploymentBuilder().withNewMetadata().withName("api")
                        .withNamespace("prod").addToLabels("app", "api").endMetadata().withNewSpec()
                        .withReplicas(replicas).endSpec().build())
                .create();
    }

    /** What the Deployment controller does once pods pass their readiness probes. */
    void makeReady(int ready) {
        Deployment d = client.apps().deployments().inNamespace("prod").withName("api").get();
        d.setStatus(
                new DeploymentStatusBuilder().withReplicas(d.getSpec().getReplicas()).withReadyReplicas(ready).build());
        client.apps().deployments().inNamespace("prod").resource(d).updateStatus();
    }

    int specReplicas() {
        return client.apps().deployments().inNamespace("prod").withName("api").get().getSpec().getReplicas();
    }

    /** A client that, like the actuator's, leaves retrying to the reconciler. */
    static KubernetesClient notRetrying(String masterUrl) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl)
                .withTrustCerts(true).withRequestRetryBackoffLimit(0).withConnectionTimeout(2_000)
                .withRequestTimeout(5_000).build()).build();
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
                .isInstanceOfSatisfying(ScaleOutcome.Requested.class,
                        r -> assertThat(r.details()).contains("replicas 3"));

        assertThat(server.getRequestCount() - before)
                .as("two requests: the autoscalers asked for, the patch; no polling")
                .isEqualTo(2);
        RecordedRequest patch = server.getLastRequest();
        assertThat(patch.getMethod()).as("method").isEqualTo("PATCH");
        assertThat(patch.getPath()).as("the Deployment itself").isEqualTo(DEPLOYMENT_PATH);
        assertThat(patch.getHeader("Content-Type")).as("a JSON merge patch").startsWith("application/merge-patch+json");
        // the body was read by the CRUD dispatcher that applied it: what it did is checked below instead
        assertThat(new KubernetesScaler(client).observe(ref())).as("asked for, not ready yet: the reconciler polls")
                .isEqualTo(new CapacityOutcome.Observed(3, 1));
        assertThat(client.apps().deployments().inNamespace("prod").withName("api").get().getMetadata().getLabels())
                .as("a merge patch of spec.replicas leaves the rest of the Deployment as it was")
                .containsEntry("app", "api");
    }

    /** A HorizontalPodAutoscaler of min..max replicas on the Deployment {@code target}. */
    void createAutoscaler(String name, String target, int min, int max) {
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("prod")
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata().withName(name).withNamespace("prod").endMetadata().withNewSpec()
                        .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(target)
                        .endScaleTargetRef()
                        .withMinReplicas(min).withMaxReplicas(max).endSpec().build())
                .create();
    }

    HorizontalPodAutoscaler autoscaler(String name) {
        return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("prod").withName(name).get();
    }

    /**
     * What the HPA controller does at each sync (every 15 s by default) for a pilot-light target with little load: the
     * replicas its metrics ask for, clamped to the HPA's min and max; nothing while the Deployment is at zero (Kubernetes
     * turns autoscaling off for a target scaled to zero).
     */
    void autoscalerSyncs(String name, int wantedByLoad) {
        HorizontalPodAutoscaler hpa = autoscaler(name);
        Deployment d = client.apps().deployments().inNamespace("prod").withName("api").get();
        if (d.getSpec().getReplicas() == 0) {
            return;
        }
        d.getSpec().setReplicas(
                Math.min(hpa.getSpec().getMaxReplicas(), Math.max(hpa.getSpec().getMinReplicas(), wantedByLoad)));
        client.apps().deployments().inNamespace("prod").resource(d).update();
    }

    /**
     * With an HPA on the Deployment, a patch of spec.replicas alone was undone at the HPA's next sync (a quiet
     * pilot-light region has no load to keep 3 replicas), and traffic moved to 1 replica. The scaler now raises the
     * HPA's minReplicas first, and gives it back at scale-down.
     */
    @Test
    void anAutoscalerDoesNotUndoTheScaleUp() {
        createDeployment(1);
        createAutoscaler("api", "api", 1, 10);
        createAutoscaler("other", "worker", 2, 4);

        ScaleOutcome up = new KubernetesScaler(client).scaleUp(ref());
        autoscalerSyncs("api", 1);
        assertThat(specReplicas()).as("after the HPA's sync, with no load").isEqualTo(3);
        assertThat(up).as("the writes are accepted").isInstanceOfSatisfying(ScaleOutcome.Requested.class,
                r -> assertThat(r.details())
                        .contains("replicas 3").contains("HorizontalPodAutoscaler prod/api minReplicas 3"));
        assertThat(autoscaler("other").getSpec().getMinReplicas()).as("another Deployment's HPA").isEqualTo(2);

        assertThat(new KubernetesScaler(client).scaleDown(ref())).as("the writes are accepted")
                .isInstanceOf(ScaleOutcome.Requested.class);
        autoscalerSyncs("api", 1);
        assertThat(autoscaler("api").getSpec().getMinReplicas()).as("back to the pilot-light size").isEqualTo(1);
        assertThat(specReplicas()).isEqualTo(1);

        assertThat(new KubernetesScaler(client)
                .scaleDown(new ScalingRef.KubernetesDeployment("prod", "api", 3, null, null, null, null)))
                .as("the writes are accepted").isInstanceOf(ScaleOutcome.Requested.class);
        autoscalerSyncs("api", 1);
        assertThat(autoscaler("api").getSpec().getMinReplicas()).as("an HPA's minimum is at least 1").isEqualTo(1);
        assertThat(specReplicas()).as("zero: the HPA leaves a target at zero alone").isZero();
    }

    /**
     * Review findings: a Deployment an HPA already holds above the active size, under a minimum below it, is still scaled
     * up (observe reports the minimum), which raises the minimum and lowers nothing; a minimum the team set higher stays.
     */
    @Test
    void aLargeDeploymentUnderALowMinimumGetsItsMinimumRaisedAndKeepsItsReplicas() {
        createDeployment(5);
        makeReady(5);
        createAutoscaler("api", "api", 1, 10);
        CapacityOutcome seen = new KubernetesScaler(client).observe(ref());
        assertThat(seen).as("held at the HPA's minimum, whatever runs now: not ready for a switch, so scaled up first")
                .isEqualTo(new CapacityOutcome.Observed(1, 1));

        assertThat(new KubernetesScaler(client).scaleUp(ref())).isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(autoscaler("api").getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(specReplicas()).as("a scale-up never lowers the replicas").isEqualTo(5);
        assertThat(new KubernetesScaler(client).observe(ref())).isEqualTo(new CapacityOutcome.Observed(3, 3));

        createAutoscaler("api-floor", "api", 4, 10);
        assertThat(new KubernetesScaler(client).scaleUp(ref())).isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(autoscaler("api-floor").getSpec().getMinReplicas()).as("a minimum set higher by the team")
                .isEqualTo(4);
    }

    /** Review finding: an older Role without HPA rights no longer blocks every scale: it scales as before, and says so. */
    @Test
    void autoscalersThatCannotBeReadLeaveTheScaleAsWithoutThem() {
        createDeployment(1);
        try (KubernetesClient direct = notRetrying(server.url("/"))) {
            server.expect().get().withPath("/apis/autoscaling/v2/namespaces/prod/horizontalpodautoscalers")
                    .andReturn(403,
                            new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403).withMessage(
                                    "horizontalpodautoscalers.autoscaling is forbidden").build())
                    .always();
            assertThat(new KubernetesScaler(direct).scaleUp(ref())).isInstanceOfSatisfying(ScaleOutcome.Requested.class,
                    r -> assertThat(r.details()).contains("replicas 3")
                            .contains("HorizontalPodAutoscalers not readable"));
            assertThat(new KubernetesScaler(direct).observe(ref())).isEqualTo(new CapacityOutcome.Observed(3, 0));
        }
        assertThat(specReplicas()).isEqualTo(3);
    }

    /** Review finding: an API that does not answer now is not "no HPA": nothing is written, and it is asked again. */
    @Test
    void autoscalersThatTheApiCannotListNowAreAskedAgain() {
        createDeployment(1);
        try (KubernetesClient direct = notRetrying(server.url("/"))) {
            server.expect().get().withPath("/apis/autoscaling/v2/namespaces/prod/horizontalpodautoscalers")
                    .andReturn(503,
                            new StatusBuilder().withStatus("Failure").withCode(503)
                                    .withMessage("etcdserver: leader changed").build())
                    .always();
            assertThat(new KubernetesScaler(direct).scaleUp(ref())).isInstanceOf(ScaleOutcome.Unavailable.class);
            assertThat(new KubernetesScaler(direct).observe(ref())).isInstanceOf(CapacityOutcome.Unavailable.class);
        }
        assertThat(specReplicas()).as("nothing written").isEqualTo(1);
    }

    @Test
    void anAutoscalerWhoseMaximumIsBelowTheActiveSizeIsRefusedNamingIt() {
        createDeployment(1);
        createAutoscaler("api", "api", 1, 2);

        assertThat(new KubernetesScaler(client).scaleUp(ref())).as("the HPA could never hold 3")
                .isInstanceOfSatisfying(ScaleOutcome.Rejected.class, r -> assertThat(r.reason())
                        .contains("HorizontalPodAutoscaler prod/api").contains("maxReplicas 2")
                        .contains("below the 3 replicas asked for"));
        assertThat(specReplicas()).as("nothing written").isEqualTo(1);
        assertThat(autoscaler("api").getSpec().getMinReplicas()).isEqualTo(1);
    }

    @Test
    void scaleDownGoesToThePilotLightSizeOrZero() {
        createDeployment(3);
        assertThat(new KubernetesScaler(client).scaleDown(ref())).as("the write is accepted")
                .isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(specReplicas()).as("pilot-light size").isEqualTo(1);

        assertThat(new KubernetesScaler(client)
                .scaleDown(new ScalingRef.KubernetesDeployment("prod", "api", 3, null, null, null, null)))
                .as("the write is accepted").isInstanceOf(ScaleOutcome.Requested.class);
        assertThat(specReplicas()).as("no pilot-light size: zero").isZero();
    }

    @Test
    void aMissingDeploymentIsRejectedAndNotCreated() {
        assertThat(new KubernetesScaler(client).observe(ref())).as("no such Deployment")
                .isInstanceOfSatisfying(CapacityOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("does not exist"));
        assertThat(new KubernetesScaler(client).scaleUp(ref())).as("the API server answers 404 to the patch")
                .isInstanceOf(ScaleOutcome.Rejected.class);
        assertThat(client.apps().deployments().inNamespace("prod").withName("api").get()).as("not created by the patch")
                .isNull();
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
                    .isInstanceOfSatisfying(ScaleOutcome.Rejected.class,
                            r -> assertThat(r.reason()).contains("forbidden"));

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
