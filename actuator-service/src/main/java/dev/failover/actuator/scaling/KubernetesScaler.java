package dev.failover.actuator.scaling;

import java.util.List;

import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Kubernetes: observed with one GET of the Deployment (spec.replicas, and status.readyReplicas as ready), scaled with one
 * JSON merge patch of spec.replicas. Never waits: the reconciler polls {@link #observe}.
 * <p>
 * A Deployment under a HorizontalPodAutoscaler (autoscaling/v2, found by its scaleTargetRef) would have spec.replicas
 * put back at the HPA's next sync: a quiet pilot-light region has no load to hold the active size. So a scale first
 * sets the HPA's {@code minReplicas} to the size (at least 1, an HPA's lowest; at zero replicas Kubernetes leaves the
 * target alone), then patches the replicas so as not to wait for that sync. An HPA whose {@code maxReplicas} is below
 * the active size could never hold it: refused, naming it, with nothing written.
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
        return scale(ref, ref.activeSize());
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.KubernetesDeployment ref) {
        return scale(ref, ref.pilotLightSize() == null ? 0 : ref.pilotLightSize());
    }

    private ScaleOutcome scale(ScalingRef.KubernetesDeployment ref, int replicas) {
        List<HorizontalPodAutoscaler> autoscalers;
        try {
            autoscalers = kubernetes.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ref.namespace()).list().getItems()
                    .stream().filter(hpa -> scales(hpa, ref)).toList();
        } catch (KubernetesClientException e) {
            String reason = what(ref) + ": its HorizontalPodAutoscalers could not be read: " + e.getMessage();
            return passing(e) ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.Rejected(reason);
        }
        int minimum = Math.max(1, replicas);
        StringBuilder held = new StringBuilder();
        for (HorizontalPodAutoscaler hpa : autoscalers) {
            String name = "HorizontalPodAutoscaler " + ref.namespace() + "/" + hpa.getMetadata().getName();
            Integer max = hpa.getSpec().getMaxReplicas();
            if (max != null && max < replicas) {
                return new ScaleOutcome.Rejected(what(ref) + ": " + name + " has maxReplicas " + max + ", below the " + replicas
                        + " replicas asked for: it could never hold them; raise its maxReplicas or lower the target's size");
            }
            try {
                kubernetes.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ref.namespace()).resource(named(hpa))
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"minReplicas\":" + minimum + "}}");
            } catch (KubernetesClientException e) {
                String reason = what(ref) + ": " + name + " minReplicas " + minimum + " failed: " + e.getMessage();
                return passing(e) ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.Rejected(reason);
            }
            held.append(", ").append(name).append(" minReplicas ").append(minimum);
        }
        ScaleOutcome outcome = replicas(ref, replicas);
        return outcome instanceof ScaleOutcome.Requested requested
                ? new ScaleOutcome.Requested(requested.details() + held) : outcome;
    }

    /** Whether the HPA scales this Deployment. */
    private static boolean scales(HorizontalPodAutoscaler hpa, ScalingRef.KubernetesDeployment ref) {
        CrossVersionObjectReference target = hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
        return target != null && "Deployment".equals(target.getKind()) && ref.deployment().equals(target.getName())
                && (target.getApiVersion() == null || target.getApiVersion().startsWith("apps/"));
    }

    /** An HPA that only names it: the client sends a patch of it alone, without reading it first. */
    private static HorizontalPodAutoscaler named(HorizontalPodAutoscaler hpa) {
        return new HorizontalPodAutoscalerBuilder().withNewMetadata().withNamespace(hpa.getMetadata().getNamespace())
                .withName(hpa.getMetadata().getName()).endMetadata().build();
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
