package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What the actuator scales up before it switches traffic to a pilot-light target: one variant per capacity backend,
 * each with only its own keys, chosen in the file by {@code kind} (ecs, asg or kubernetes). A key of another kind is an
 * unknown key there.
 * <p>
 * Every ref says where its target's capacity lives ({@link #place()}): the AWS region (default the target's
 * {@code region}) and optionally an IAM role of the target's account to assume, or the Kubernetes cluster (default a
 * cluster named like the target's {@code region}). The actuator that owns the group may run in any region (ADR 0005):
 * it scales the target's region, never its own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ScalingRef.EcsService.class, name = "ecs"),
        @JsonSubTypes.Type(value = ScalingRef.AutoScalingGroup.class, name = "asg"),
        @JsonSubTypes.Type(value = ScalingRef.KubernetesDeployment.class, name = "kubernetes") })
public sealed interface ScalingRef
        permits ScalingRef.EcsService, ScalingRef.AutoScalingGroup, ScalingRef.KubernetesDeployment {

    /** How long the actuator waits for a target to become ready when the file does not say. */
    int DEFAULT_READY_TIMEOUT_SECONDS = 600;

    Kind kind();

    /** Tasks, instances or replicas the target needs to take the traffic. */
    Integer activeSize();

    /** The size it returns to after a failback, when scale-down is enabled; absent: it keeps its size. */
    Integer pilotLightSize();

    /** How long the actuator waits for the target to become ready before it gives up; default 600. */
    Integer readyTimeoutSeconds();

    /** Whether traffic waits for capacity that cannot be read; default {@link CapacityPolicy#REQUIRED}. */
    CapacityPolicy capacity();

    /** Where the target's capacity is: the API endpoint and the credentials its scaler uses. */
    @JsonIgnore
    Place place();

    /** This ref with its place defaulted from the target's region where the file names none. */
    ScalingRef placedIn(String targetRegion);

    /**
     * Where a target's capacity lives, so the owning actuator, in whatever region it runs, calls that place's API with
     * that place's credentials: one scaler per place.
     */
    sealed interface Place permits Place.Aws, Place.Cluster {

        /**
         * @param region  the AWS region whose ECS or Auto Scaling API is called
         * @param roleArn the role assumed for it, or null for the actuator's own credentials
         */
        record Aws(String region, String roleArn) implements Place {
            @Override
            public String toString() {
                return region + (roleArn == null ? "" : " as " + roleArn);
            }
        }

        /** @param name the Kubernetes cluster, as the actuator's configuration names it */
        record Cluster(String name) implements Place {
            @Override
            public String toString() {
                return "cluster " + name;
            }
        }
    }

    /**
     * An ECS service, scaled by its desired count.
     *
     * @param cluster cluster name or ARN
     * @param service service name
     * @param region  AWS region of the cluster; default the target's region
     * @param roleArn IAM role (of the target's account) to assume for the calls; absent: the actuator's own credentials
     * @param capacity whether traffic waits for capacity that cannot be read; default required
     */
    record EcsService(String cluster, String service, Integer activeSize, Integer pilotLightSize,
            Integer readyTimeoutSeconds,
            String region, String roleArn, CapacityPolicy capacity) implements ScalingRef {

        public EcsService {
            readyTimeoutSeconds = readyTimeoutOrDefault(readyTimeoutSeconds);
            capacity = capacityOrDefault(capacity);
        }

        @Override
        public Place place() {
            return new Place.Aws(region, roleArn);
        }

        @Override
        public EcsService placedIn(String targetRegion) {
            return region != null ? this
                    : new EcsService(cluster, service, activeSize, pilotLightSize, readyTimeoutSeconds, targetRegion,
                            roleArn,
                            capacity);
        }

        @Override
        public Kind kind() {
            return Kind.ECS;
        }
    }

    /**
     * An EC2 Auto Scaling group, scaled by its minimum and desired capacity.
     *
     * @param autoScalingGroup the group's name
     * @param region           AWS region of the group; default the target's region
     * @param roleArn          IAM role (of the target's account) to assume for the calls; absent: the actuator's own
     *                         credentials
     * @param capacity         whether traffic waits for capacity that cannot be read; default required
     */
    record AutoScalingGroup(String autoScalingGroup, Integer activeSize, Integer pilotLightSize,
            Integer readyTimeoutSeconds,
            String region, String roleArn, CapacityPolicy capacity) implements ScalingRef {

        public AutoScalingGroup {
            readyTimeoutSeconds = readyTimeoutOrDefault(readyTimeoutSeconds);
            capacity = capacityOrDefault(capacity);
        }

        @Override
        public Place place() {
            return new Place.Aws(region, roleArn);
        }

        @Override
        public AutoScalingGroup placedIn(String targetRegion) {
            return region != null ? this
                    : new AutoScalingGroup(autoScalingGroup, activeSize, pilotLightSize, readyTimeoutSeconds,
                            targetRegion, roleArn,
                            capacity);
        }

        @Override
        public Kind kind() {
            return Kind.AUTO_SCALING_GROUP;
        }
    }

    /**
     * A Kubernetes Deployment, scaled by its replicas.
     *
     * @param namespace  namespace of the Deployment
     * @param deployment the Deployment's name
     * @param cluster    the cluster it runs in, as the actuator's {@code failover.scaling.kubernetes-clusters} names it;
     *                   default the target's region
     * @param capacity   whether traffic waits for capacity that cannot be read; default required
     */
    record KubernetesDeployment(String namespace, String deployment, Integer activeSize, Integer pilotLightSize,
            Integer readyTimeoutSeconds, String cluster, CapacityPolicy capacity) implements ScalingRef {

        public KubernetesDeployment {
            readyTimeoutSeconds = readyTimeoutOrDefault(readyTimeoutSeconds);
            capacity = capacityOrDefault(capacity);
        }

        @Override
        public Place place() {
            return new Place.Cluster(cluster);
        }

        @Override
        public KubernetesDeployment placedIn(String targetRegion) {
            return cluster != null ? this
                    : new KubernetesDeployment(namespace, deployment, activeSize, pilotLightSize, readyTimeoutSeconds,
                            targetRegion,
                            capacity);
        }

        @Override
        public Kind kind() {
            return Kind.KUBERNETES;
        }
    }

    private static CapacityPolicy capacityOrDefault(CapacityPolicy capacity) {
        return capacity == null ? CapacityPolicy.REQUIRED : capacity;
    }

    private static Integer readyTimeoutOrDefault(Integer readyTimeoutSeconds) {
        return readyTimeoutSeconds == null ? DEFAULT_READY_TIMEOUT_SECONDS : readyTimeoutSeconds;
    }

    /** The capacity backend of a target; one scaler each. */
    enum Kind {
        ECS("ecs"),
        AUTO_SCALING_GROUP("asg"),
        KUBERNETES("kubernetes");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * Its {@code kind} in the topology file (the name its variant is listed under above), and the one value it has
         * wherever it is named: metrics, actuation results, logs.
         */
        public String label() {
            return label;
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
