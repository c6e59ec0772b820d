package dev.failover.actuator.scaling;

import java.time.Duration;

import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Kubernetes: scale a Deployment's replicas, then ready when its readyReplicas reach them. */
public final class KubernetesScaler implements Scaler<ScalingRef.KubernetesDeployment> {

    private final KubernetesClient kubernetes;
    private final Duration poll;

    public KubernetesScaler(KubernetesClient kubernetes, Duration poll) {
        this.kubernetes = kubernetes;
        this.poll = poll;
    }

    @Override
    public ScalingRef.Kind kind() {
        return ScalingRef.Kind.KUBERNETES;
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.KubernetesDeployment ref) {
        String what = "Deployment " + ref.namespace() + "/" + ref.deployment();
        try {
            if (kubernetes.apps().deployments().inNamespace(ref.namespace()).withName(ref.deployment()).get() == null) {
                return new ScaleOutcome.NotReady(what + " does not exist");
            }
            kubernetes.apps().deployments().inNamespace(ref.namespace()).withName(ref.deployment()).scale(ref.activeSize());
        } catch (KubernetesClientException e) {
            return passing(e) ? new ScaleOutcome.Unavailable(what + ": scale failed: " + e.getMessage())
                    : new ScaleOutcome.NotReady(what + ": scale failed: " + e.getMessage());
        }
        return ReadinessGate.await(what, ref.activeSize(), Duration.ofSeconds(ref.readyTimeoutSeconds()), poll, () -> {
            Deployment d = kubernetes.apps().deployments().inNamespace(ref.namespace()).withName(ref.deployment()).get();
            Integer ready = d == null || d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
            return ready == null ? 0 : ready;
        });
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.KubernetesDeployment ref) {
        int size = ref.pilotLightSize() == null ? 0 : ref.pilotLightSize();
        try {
            kubernetes.apps().deployments().inNamespace(ref.namespace()).withName(ref.deployment()).scale(size);
            return new ScaleOutcome.Ready("Deployment " + ref.namespace() + "/" + ref.deployment() + " scaled to " + size);
        } catch (KubernetesClientException e) {
            String reason = "Deployment " + ref.namespace() + "/" + ref.deployment() + ": scale failed: " + e.getMessage();
            return passing(e) ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.NotReady(reason);
        }
    }

    /** No answer, 429 or 5xx from the API server: worth retrying. */
    private static boolean passing(KubernetesClientException e) {
        return e.getCode() == 0 || e.getCode() == 429 || e.getCode() >= 500;
    }
}
