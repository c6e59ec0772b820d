package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What the actuator scales up before it switches traffic to a pilot-light target: one variant per capacity backend,
 * each with only its own keys, chosen in the file by {@code kind} (ecs, asg or kubernetes). A key of another kind is an
 * unknown key there.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ScalingRef.EcsService.class, name = "ecs"),
        @JsonSubTypes.Type(value = ScalingRef.AutoScalingGroup.class, name = "asg"),
        @JsonSubTypes.Type(value = ScalingRef.KubernetesDeployment.class, name = "kubernetes") })
public sealed interface ScalingRef permits ScalingRef.EcsService, ScalingRef.AutoScalingGroup, ScalingRef.KubernetesDeployment {

    /** How long the actuator waits for a target to become ready when the file does not say. */
    int DEFAULT_READY_TIMEOUT_SECONDS = 600;

    Kind kind();

    /** Tasks, instances or replicas the target needs to take the traffic. */
    Integer activeSize();

    /** The size it returns to after a failback, when scale-down is enabled; absent: it keeps its size. */
    Integer pilotLightSize();

    /** How long the actuator waits for the target to become ready before it gives up; default 600. */
    Integer readyTimeoutSeconds();

    /**
     * An ECS service, scaled by its desired count.
     *
     * @param cluster cluster name or ARN
     * @param service service name
     */
    record EcsService(String cluster, String service, Integer activeSize, Integer pilotLightSize, Integer readyTimeoutSeconds)
            implements ScalingRef {

        public EcsService {
            readyTimeoutSeconds = readyTimeoutOrDefault(readyTimeoutSeconds);
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
     */
    record AutoScalingGroup(String autoScalingGroup, Integer activeSize, Integer pilotLightSize, Integer readyTimeoutSeconds)
            implements ScalingRef {

        public AutoScalingGroup {
            readyTimeoutSeconds = readyTimeoutOrDefault(readyTimeoutSeconds);
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
     */
    record KubernetesDeployment(String namespace, String deployment, Integer activeSize, Integer pilotLightSize,
            Integer readyTimeoutSeconds) implements ScalingRef {

        public KubernetesDeployment {
            readyTimeoutSeconds = readyTimeoutOrDefault(readyTimeoutSeconds);
        }

        @Override
        public Kind kind() {
            return Kind.KUBERNETES;
        }
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
