package dev.failover.actuator.scaling;

import java.util.Optional;

import dev.failover.actuator.aws.AwsFailure;
import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.autoscaling.model.UpdateAutoScalingGroupRequest;

/**
 * EC2 Auto Scaling. Observed with one DescribeAutoScalingGroups: DesiredCapacity, and as ready the instances InService
 * and Healthy. Scaled up with UpdateAutoScalingGroup to the active size (min = desired = active size, max raised if
 * needed) and, for a group with a mixed instances policy, 100 % on-demand above base capacity, so the failover capacity
 * does not wait on, or lose, spot instances; scaled down to the pilot-light size and the configured on-demand share.
 *
 * <p>Each write is preceded by one DescribeAutoScalingGroups: the request depends on the group's maximum size (a
 * desired capacity above it is a ValidationError) and on whether it has a mixed instances policy (one may not be
 * sent to a group without). Neither call waits or retries; the reconciler polls {@link #observe}.
 */
public final class AutoScalingGroupScaler implements Scaler<ScalingRef.AutoScalingGroup> {

    /** The HealthStatus of an instance that passes its health checks; the other is "Unhealthy". */
    private static final String HEALTHY = "Healthy";

    private final AutoScalingClient autoscaling;
    private final int pilotLightOnDemandPercentage;

    /** @param pilotLightOnDemandPercentage the on-demand share above base capacity to return to at pilot-light size */
    public AutoScalingGroupScaler(AutoScalingClient autoscaling, int pilotLightOnDemandPercentage) {
        this.autoscaling = autoscaling;
        this.pilotLightOnDemandPercentage = pilotLightOnDemandPercentage;
    }

    @Override
    public ScalingRef.Kind kind() {
        return ScalingRef.Kind.AUTO_SCALING_GROUP;
    }

    @Override
    public CapacityOutcome observe(ScalingRef.AutoScalingGroup ref) {
        Optional<AutoScalingGroup> group;
        try {
            group = describe(ref);
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": DescribeAutoScalingGroups failed", e)
                    .as(CapacityOutcome.Unavailable::new, CapacityOutcome.Rejected::new);
        }
        if (group.isEmpty()) {
            return new CapacityOutcome.Rejected(notFound(ref));
        }
        int ready = (int) group.get().instances().stream().filter(AutoScalingGroupScaler::ready).count();
        return new CapacityOutcome.Observed(group.get().desiredCapacity(), ready);
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.AutoScalingGroup ref) {
        int size = ref.activeSize();
        return update(ref, (group, request) -> {
            request.minSize(size).desiredCapacity(size)
                    .maxSize(Math.max(size, group.maxSize() == null ? size : group.maxSize()));
            if (group.mixedInstancesPolicy() != null) {
                request.mixedInstancesPolicy(
                        p -> p.instancesDistribution(d -> d.onDemandPercentageAboveBaseCapacity(100)));
                return "min = desired = " + size + ", 100 % on-demand above base";
            }
            return "min = desired = " + size;
        });
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.AutoScalingGroup ref) {
        int size = ref.pilotLightSize() == null ? 0 : ref.pilotLightSize();
        return update(ref, (group, request) -> {
            request.minSize(size).desiredCapacity(size);
            if (group.mixedInstancesPolicy() != null) {
                request.mixedInstancesPolicy(p -> p.instancesDistribution(d -> d.onDemandPercentageAboveBaseCapacity(
                        pilotLightOnDemandPercentage)));
                return "back to " + size + ", " + pilotLightOnDemandPercentage + " % on-demand above base";
            }
            return "back to " + size;
        });
    }

    /** Fills the request from the group as described and says what it asks for. */
    private interface Change {
        String fill(AutoScalingGroup group, UpdateAutoScalingGroupRequest.Builder request);
    }

    private ScaleOutcome update(ScalingRef.AutoScalingGroup ref, Change change) {
        Optional<AutoScalingGroup> group;
        try {
            group = describe(ref);
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": DescribeAutoScalingGroups failed", e).as(ScaleOutcome.Unavailable::new,
                    ScaleOutcome.Rejected::new);
        }
        if (group.isEmpty()) {
            return new ScaleOutcome.Rejected(notFound(ref));
        }
        UpdateAutoScalingGroupRequest.Builder request = UpdateAutoScalingGroupRequest.builder()
                .autoScalingGroupName(ref.autoScalingGroup());
        String asked = change.fill(group.get(), request);
        try {
            autoscaling.updateAutoScalingGroup(request.build());
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": UpdateAutoScalingGroup failed", e).as(ScaleOutcome.Unavailable::new,
                    ScaleOutcome.Rejected::new);
        }
        return new ScaleOutcome.Requested(what(ref) + ": " + asked);
    }

    private Optional<AutoScalingGroup> describe(ScalingRef.AutoScalingGroup ref) {
        return autoscaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(ref.autoScalingGroup()))
                .autoScalingGroups()
                .stream().findFirst();
    }

    private static boolean ready(Instance instance) {
        return instance.lifecycleState() == LifecycleState.IN_SERVICE
                && HEALTHY.equalsIgnoreCase(instance.healthStatus());
    }

    private static String what(ScalingRef.AutoScalingGroup ref) {
        return "Auto Scaling group " + ref.autoScalingGroup();
    }

    /** DescribeAutoScalingGroups answers an empty list, not an error, for a name it does not know. */
    private static String notFound(ScalingRef.AutoScalingGroup ref) {
        return what(ref) + " not found (DescribeAutoScalingGroups returned no group of that name)";
    }
}
