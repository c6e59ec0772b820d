package dev.failover.actuator.permissions;

import java.util.List;
import java.util.Map;

import dev.failover.contract.topology.ScalingRef;

/**
 * One permission the topology needs, before a failover needs it: who (the place's credentials: the actuator's own, or
 * a role it assumes), the IAM action, the resource, and the request context a condition of the policy may look at.
 *
 * @param place    whose credentials make the call: an AWS place (a null role: the actuator's own), or a Kubernetes
 *                 cluster (the identity the actuator reaches it with)
 * @param action   the IAM action, {@code service:Action}; for a cluster {@code <api group>/<resource>:<verb>}
 * @param resource the resource ARN; {@value #ACCOUNT} and {@value #PARTITION} stand for the account and partition of
 *                 the principal that makes the call (a topology names a cluster or an instance, not its account); for
 *                 a cluster {@code <namespace>/<name>}, the name {@code *} for any
 * @param context  condition keys and their values as the call would carry them (Route 53's record names and types)
 * @param why      what in the topology needs it, for the operator who reads the report
 */
public record Needed(ScalingRef.Place place, String action, String resource, Map<String, List<String>> context,
        String why) {

    public static final String ACCOUNT = "{account}";
    public static final String PARTITION = "{partition}";

    public Needed {
        context = Map.copyOf(context);
    }

    Needed(ScalingRef.Place place, String action, String resource, String why) {
        this(place, action, resource, Map.of(), why);
    }

    /** The resource ARN for a principal of this account and partition. */
    public String resourceFor(String account, String partition) {
        return resource.replace(ACCOUNT, account).replace(PARTITION, partition);
    }
}
