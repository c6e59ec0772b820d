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

    public enum Kind {
        @JsonProperty("ecs")
        ECS,
        @JsonProperty("asg")
        AUTO_SCALING_GROUP,
        @JsonProperty("kubernetes")
        KUBERNETES
    }
}
