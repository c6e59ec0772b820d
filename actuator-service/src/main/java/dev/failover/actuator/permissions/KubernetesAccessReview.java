package dev.failover.actuator.permissions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Asks a cluster's API server whether the identity the actuator reaches it with may do what the scaler needs there, one
 * SelfSubjectAccessReview per permission: the server evaluates its own RBAC (and any authorizer), nothing is written.
 */
public final class KubernetesAccessReview implements PermissionSimulator {

    private final Function<String, KubernetesClient> clusters;

    /** @param clusters the client of each cluster by name, as the scaler has them */
    public KubernetesAccessReview(Function<String, KubernetesClient> clusters) {
        this.clusters = clusters;
    }

    @Override
    public List<Answer> simulate(ScalingRef.Place at, List<Needed> needed) {
        if (!(at instanceof ScalingRef.Place.Cluster cluster)) {
            throw new IllegalArgumentException(at + " is not a Kubernetes cluster");
        }
        KubernetesClient client = clusters.apply(cluster.name());
        List<Answer> answers = new ArrayList<>();
        for (Needed n : needed) {
            String[] action = n.action().split("[/:]", 3); // group/resource:verb
            String[] resource = n.resource().split("/", 2); // namespace/name
            if (action.length != 3 || resource.length != 2) {
                throw new IllegalArgumentException(
                        "not a Kubernetes permission: " + n.action() + " on " + n.resource());
            }
            SelfSubjectAccessReview review = client.authorization().v1().selfSubjectAccessReview().create(
                    new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                            .withGroup(action[0]).withResource(action[1]).withVerb(action[2])
                            .withNamespace(resource[0]).withName(resource[1].equals("*") ? null : resource[1])
                            .endResourceAttributes().endSpec().build());
            boolean allowed = review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
            String reason = review.getStatus() == null ? "no status" : review.getStatus().getReason();
            answers.add(new Answer(n, n.resource(), allowed ? Decision.ALLOWED : Decision.DENIED, cluster + ": "
                    + (allowed ? "allowed" : "denied")
                    + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")));
        }
        return answers;
    }
}
