package dev.failover.actuator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/** The fabric8 mock API server in CRUD mode; the test plays the Deployment controller that makes replicas ready. */
@EnableKubernetesMockClient(crud = true)
class KubernetesScalerTest {

    KubernetesClient client;

    static ScalingRef.KubernetesDeployment ref(int timeoutSeconds) {
        return new ScalingRef.KubernetesDeployment("prod", "api", 3, 1, timeoutSeconds);
    }

    void createDeployment(int replicas) {
        client.apps().deployments().inNamespace("prod").resource(new DeploymentBuilder().withNewMetadata().withName("api")
                .withNamespace("prod").endMetadata().withNewSpec().withReplicas(replicas).endSpec().build()).create();
    }

    @Test
    void scalesTheDeploymentAndWaitsForReadyReplicas() {
        createDeployment(1);
        ScheduledExecutorService controller = Executors.newSingleThreadScheduledExecutor();
        // a controller that makes the requested replicas ready a little later
        controller.schedule(() -> {
            Deployment d = client.apps().deployments().inNamespace("prod").withName("api").get();
            d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                    .withReplicas(d.getSpec().getReplicas()).withReadyReplicas(d.getSpec().getReplicas()).build());
            client.apps().deployments().inNamespace("prod").resource(d).updateStatus();
        }, 300, TimeUnit.MILLISECONDS);
        try {
            Scaler.ScaleOutcome outcome = new KubernetesScaler(client, Duration.ofMillis(50)).scaleUp(ref(10));
            assertThat(outcome).isInstanceOfSatisfying(Scaler.ScaleOutcome.Ready.class,
                    r -> assertThat(r.details()).contains("3 of 3 ready"));
            assertThat(client.apps().deployments().inNamespace("prod").withName("api").get().getSpec().getReplicas()).isEqualTo(3);
        } finally {
            controller.shutdownNow();
        }
    }

    @Test
    void replicasThatNeverBecomeReadyAreReportedNotReady() {
        createDeployment(1);
        assertThat(new KubernetesScaler(client, Duration.ofMillis(50)).scaleUp(ref(1)))
                .isInstanceOfSatisfying(Scaler.ScaleOutcome.NotReady.class, n -> assertThat(n.reason()).contains("0 of 3 ready"));
    }

    @Test
    void aMissingDeploymentIsNotReady() {
        assertThat(new KubernetesScaler(client, Duration.ofMillis(50)).scaleUp(ref(1)))
                .isInstanceOfSatisfying(Scaler.ScaleOutcome.NotReady.class, n -> assertThat(n.reason()).contains("does not exist"));
    }
}
