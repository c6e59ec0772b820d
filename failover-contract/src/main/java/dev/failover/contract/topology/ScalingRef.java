package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the actuator scales up before it switches traffic to a pilot-light target.
 *
 * @param kind            ecs, asg or kubernetes
 * @param cluster         ecs: cluster name or ARN
 * @param service         ecs: service name
 * @param autoScalingGroup asg: Auto Scaling group name
 * @param namespace       kubernetes: namespace of the Deployment
 * @param deployment      kubernetes: Deployment name
 * @param activeSize      tasks, instances or replicas the target needs to take the traffic
 * @param pilotLightSize  the size it returns to after a failback, when scale-down is enabled
 * @param readyTimeoutSeconds how long the actuator waits for the target to become ready before it gives up; default 600
 */
public record ScalingRef(
        Kind kind,
        String cluster,
        String service,
        String autoScalingGroup,
        String namespace,
        String deployment,
        Integer activeSize,
        Integer pilotLightSize,
        Integer readyTimeoutSeconds) {

    public ScalingRef {
        readyTimeoutSeconds = readyTimeoutSeconds == null ? 600 : readyTimeoutSeconds;
    }

    /** The capacity backend of a target; one scaler each. */
    public enum Kind {
        @JsonProperty("ecs")
        ECS("ecs"),
        @JsonProperty("asg")
        AUTO_SCALING_GROUP("asg"),
        @JsonProperty("kubernetes")
        KUBERNETES("kubernetes");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Its name in the topology file, and the one value it has wherever it is named: metrics, actuation results, logs. */
        public String label() {
            return label;
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
