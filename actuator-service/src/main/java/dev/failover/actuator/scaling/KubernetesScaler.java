package dev.failover.actuator.scaling;

import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Kubernetes: observed with one GET of the Deployment (spec.replicas, and status.readyReplicas as ready), scaled with one
 * JSON merge patch of spec.replicas. Never waits: the reconciler polls {@link #observe}.
 */
public final class KubernetesScaler implements Scaler<ScalingRef.KubernetesDeployment> {

    /** What the API server sets spec.replicas to when a Deployment is created without it. */
    private static final int DEFAULT_REPLICAS = 1;

    private final KubernetesClient kubernetes;

    public KubernetesScaler(KubernetesClient kubernetes) {
        this.kubernetes = kubernetes;
    }

    @Override
    public ScalingRef.Kind kind() {
        return ScalingRef.Kind.KUBERNETES;
    }

    @Override
    public CapacityOutcome observe(ScalingRef.KubernetesDeployment ref) {
        Deployment deployment;
        try {
            deployment = kubernetes.apps().deployments().inNamespace(ref.namespace()).withName(ref.deployment()).get();
        } catch (KubernetesClientException e) {
            String reason = what(ref) + ": read failed: " + e.getMessage();
            return passing(e) ? new CapacityOutcome.Unavailable(reason) : new CapacityOutcome.Rejected(reason);
        }
        if (deployment == null) {
            return new CapacityOutcome.Rejected(what(ref) + " does not exist");
        }
        Integer desired = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        Integer ready = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        return new CapacityOutcome.Observed(desired == null ? DEFAULT_REPLICAS : desired, ready == null ? 0 : ready);
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.KubernetesDeployment ref) {
        return replicas(ref, ref.activeSize());
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.KubernetesDeployment ref) {
        return replicas(ref, ref.pilotLightSize() == null ? 0 : ref.pilotLightSize());
    }

    /**
     * One PATCH. Not the client's scale(n), which reads the scale subresource first and the Deployment after, nor
     * withName(..).patch(..), which reads the Deployment first: given a resource that only names it, the client sends
     * the patch alone.
     */
    private ScaleOutcome replicas(ScalingRef.KubernetesDeployment ref, int replicas) {
        Deployment named = new DeploymentBuilder().withNewMetadata().withNamespace(ref.namespace()).withName(ref.deployment())
                .endMetadata().build();
        try {
            kubernetes.apps().deployments().inNamespace(ref.namespace()).resource(named)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
        } catch (KubernetesClientException e) {
            // a missing Deployment is a 404 here: refused, like any other 4xx but a conflict or throttling
            String reason = what(ref) + ": scale to " + replicas + " failed: " + e.getMessage();
            return passing(e) ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.Rejected(reason);
        }
        return new ScaleOutcome.Requested(what(ref) + ": replicas " + replicas);
    }

    /**
     * No answer (code -1, as the client sets it when the request failed before any status came back: refused,
     * timed out), 409 (a concurrent write: try again), 429 (throttled) or 5xx from the API
     * server: worth trying again. 401, 403, 404, 422 are refusals.
     */
    private static boolean passing(KubernetesClientException e) {
        return e.getCode() <= 0 || e.getCode() == 409 || e.getCode() == 429 || e.getCode() >= 500;
    }

    private static String what(ScalingRef.KubernetesDeployment ref) {
        return "Deployment " + ref.namespace() + "/" + ref.deployment();
    }
}
