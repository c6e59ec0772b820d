package dev.failover.actuator.scaling;

import java.util.List;
import java.util.Optional;

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
 * Kubernetes: observed with a GET of the Deployment (spec.replicas, and status.readyReplicas as ready) and a list of its
 * namespace's HPAs, scaled with a JSON merge patch of spec.replicas. Never waits: the reconciler polls {@link #observe}.
 * <p>
 * A Deployment under a HorizontalPodAutoscaler (autoscaling/v2, found by its scaleTargetRef) would have spec.replicas
 * put back at the HPA's next sync: a quiet pilot-light region has no load to hold the active size. So a scale first
 * sets the HPA's {@code minReplicas} to the size (at least 1, an HPA's lowest; never lower on a scale-up than the team
 * set it; at zero replicas Kubernetes leaves the target alone), then patches the replicas so as not to wait for that
 * sync (never lower on a scale-up). {@link #observe} reports the size no higher than an HPA's minimum, so a Deployment
 * already large enough under a too-low minimum is still scaled up, which raises it (its ready count is reported no
 * higher than the minimum either, so the switch waits for that). An HPA whose {@code maxReplicas} is
 * below the size could never hold it: refused, naming it, with nothing written. HPAs that cannot be read (the Role
 * lacks them) leave the scale as it was without HPA handling, and the result says so.
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
        int held = desired == null ? DEFAULT_REPLICAS : desired;
        int readyNow = ready == null ? 0 : ready;
        // what an HPA holds it at is its minimum: below the active size it would shrink the Deployment again, so neither
        // the size nor the ready count is reported above it, and a scale-up raises the minimum first (HPAs the Role may
        // not read: as without one)
        Optional<List<HorizontalPodAutoscaler>> autoscalers;
        try {
            autoscalers = autoscalers(ref);
        } catch (KubernetesClientException e) {
            return new CapacityOutcome.Unavailable(
                    what(ref) + ": its HorizontalPodAutoscalers could not be read: " + e.getMessage());
        }
        for (HorizontalPodAutoscaler hpa : autoscalers.orElse(List.of())) {
            Integer min = hpa.getSpec().getMinReplicas();
            held = Math.min(held, min == null ? 1 : min);
            readyNow = Math.min(readyNow, held);
        }
        return new CapacityOutcome.Observed(held, readyNow);
    }

    /**
     * The HPAs of the Deployment; empty when none, and not present when the Role may not read them (403, or 404 where
     * the API is not served): the size is then set as without an HPA, and says so.
     *
     * @throws KubernetesClientException when the API could not answer now (no answer, 409, 429, 5xx): tried again, never
     *         taken for "no HPA"
     */
    private Optional<List<HorizontalPodAutoscaler>> autoscalers(ScalingRef.KubernetesDeployment ref) {
        try {
            return Optional
                    .of(kubernetes.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ref.namespace()).list()
                            .getItems().stream().filter(hpa -> scales(hpa, ref)).toList());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403 || e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.KubernetesDeployment ref) {
        return scale(ref, ref.activeSize(), true);
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.KubernetesDeployment ref) {
        return scale(ref, ref.pilotLightSize() == null ? 0 : ref.pilotLightSize(), false);
    }

    private ScaleOutcome scale(ScalingRef.KubernetesDeployment ref, int replicas, boolean up) {
        Optional<List<HorizontalPodAutoscaler>> found;
        try {
            found = autoscalers(ref);
        } catch (KubernetesClientException e) {
            return new ScaleOutcome.Unavailable(
                    what(ref) + ": its HorizontalPodAutoscalers could not be read: " + e.getMessage());
        }
        List<HorizontalPodAutoscaler> autoscalers = found.orElse(List.of());
        // every HPA checked before any is written: one that could never hold the size refuses the scale, nothing written
        for (HorizontalPodAutoscaler hpa : autoscalers) {
            Integer max = hpa.getSpec().getMaxReplicas();
            if (max != null && max < replicas) {
                return new ScaleOutcome.Rejected(what(ref) + ": " + name(ref, hpa) + " has maxReplicas " + max
                        + ", below the "
                        + replicas + " replicas asked for: it could never hold them; raise its maxReplicas or lower the"
                        + " target's size");
            }
        }
        StringBuilder held = new StringBuilder(found.isPresent() ? "" : ", its HorizontalPodAutoscalers not readable"
                + " (an HPA on it would undo this: grant list and patch on horizontalpodautoscalers, k8s/scaler)");
        for (HorizontalPodAutoscaler hpa : autoscalers) {
            Integer current = hpa.getSpec().getMinReplicas();
            // up: never below a minimum the team set higher; down: the pilot-light size (an HPA's lowest is 1)
            int minimum = up ? Math.max(current == null ? 1 : current, Math.max(1, replicas)) : Math.max(1, replicas);
            try {
                kubernetes.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ref.namespace())
                        .resource(named(hpa))
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"minReplicas\":" + minimum + "}}");
            } catch (KubernetesClientException e) {
                String reason = what(ref) + ": " + name(ref, hpa) + " minReplicas " + minimum + " failed: "
                        + e.getMessage();
                return passing(e) ? new ScaleOutcome.Unavailable(reason) : new ScaleOutcome.Rejected(reason);
            }
            held.append(", ").append(name(ref, hpa)).append(" minReplicas ").append(minimum);
        }
        int size = replicas;
        if (up && !autoscalers.isEmpty()) {
            // under an HPA the Deployment may already run more than the active size: a scale-up never lowers it
            CapacityOutcome now = observeReplicas(ref);
            if (!(now instanceof CapacityOutcome.Observed observed)) {
                // not knowing how many run, a patch could lower them: the raised minimum holds meanwhile, asked again
                return new ScaleOutcome.Unavailable(what(ref) + ": replicas not read before the scale-up" + held);
            }
            size = Math.max(size, observed.desired());
        }
        ScaleOutcome outcome = replicas(ref, size);
        return outcome instanceof ScaleOutcome.Requested requested
                ? new ScaleOutcome.Requested(requested.details() + held) : outcome;
    }

    /** spec.replicas as set, not what an HPA holds it at. */
    private CapacityOutcome observeReplicas(ScalingRef.KubernetesDeployment ref) {
        try {
            Deployment deployment = kubernetes.apps().deployments().inNamespace(ref.namespace())
                    .withName(ref.deployment()).get();
            Integer desired = deployment == null || deployment.getSpec() == null ? null
                    : deployment.getSpec().getReplicas();
            return new CapacityOutcome.Observed(desired == null ? DEFAULT_REPLICAS : desired, 0);
        } catch (KubernetesClientException e) {
            return new CapacityOutcome.Unavailable(e.getMessage());
        }
    }

    private static String name(ScalingRef.KubernetesDeployment ref, HorizontalPodAutoscaler hpa) {
        return "HorizontalPodAutoscaler " + ref.namespace() + "/" + hpa.getMetadata().getName();
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
        Deployment named = new DeploymentBuilder().withNewMetadata().withNamespace(ref.namespace())
                .withName(ref.deployment())
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
