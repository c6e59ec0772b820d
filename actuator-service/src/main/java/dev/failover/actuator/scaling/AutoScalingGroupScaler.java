package dev.failover.actuator.scaling;

import java.time.Duration;

import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/**
 * EC2 Auto Scaling: UpdateAutoScalingGroup to the active size (min = desired = active size, max raised if needed) and,
 * for a group with a mixed instances policy, 100 % on-demand above base capacity, so the failover capacity does not
 * wait on, or lose, spot instances. Ready when enough instances are InService.
 */
public final class AutoScalingGroupScaler implements Scaler<ScalingRef.AutoScalingGroup> {

    private final AutoScalingClient autoscaling;
    private final Duration poll;
    private final int pilotLightOnDemandPercentage;

    /** @param pilotLightOnDemandPercentage the on-demand share above base capacity to return to at pilot-light size */
    public AutoScalingGroupScaler(AutoScalingClient autoscaling, Duration poll, int pilotLightOnDemandPercentage) {
        this.autoscaling = autoscaling;
        this.poll = poll;
        this.pilotLightOnDemandPercentage = pilotLightOnDemandPercentage;
    }

    @Override
    public ScalingRef.Kind kind() {
        return ScalingRef.Kind.AUTO_SCALING_GROUP;
    }

    private AutoScalingGroup describe(String name) {
        return autoscaling.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name)).autoScalingGroups().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no Auto Scaling group " + name));
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.AutoScalingGroup ref) {
        String what = "Auto Scaling group " + ref.autoScalingGroup();
        int size = ref.activeSize();
        try {
            AutoScalingGroup group = describe(ref.autoScalingGroup());
            boolean mixed = group.mixedInstancesPolicy() != null;
            autoscaling.updateAutoScalingGroup(r -> {
                r.autoScalingGroupName(ref.autoScalingGroup()).minSize(size).desiredCapacity(size)
                        .maxSize(Math.max(size, group.maxSize() == null ? size : group.maxSize()));
                if (mixed) {
                    r.mixedInstancesPolicy(p -> p.instancesDistribution(d -> d.onDemandPercentageAboveBaseCapacity(100)));
                }
            });
        } catch (SdkException e) {
            return ReadinessGate.failed(what + ": update failed", e);
        } catch (IllegalStateException e) {
            return new ScaleOutcome.NotReady(what + ": " + e.getMessage());
        }
        return ReadinessGate.await(what, size, Duration.ofSeconds(ref.readyTimeoutSeconds()), poll,
                () -> (int) describe(ref.autoScalingGroup()).instances().stream()
                        .filter(i -> i.lifecycleState() == LifecycleState.IN_SERVICE).count());
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.AutoScalingGroup ref) {
        int size = ref.pilotLightSize() == null ? 0 : ref.pilotLightSize();
        try {
            boolean mixed = describe(ref.autoScalingGroup()).mixedInstancesPolicy() != null;
            autoscaling.updateAutoScalingGroup(r -> {
                r.autoScalingGroupName(ref.autoScalingGroup()).minSize(size).desiredCapacity(size);
                if (mixed) {
                    r.mixedInstancesPolicy(p -> p.instancesDistribution(d -> d.onDemandPercentageAboveBaseCapacity(
                            pilotLightOnDemandPercentage)));
                }
            });
            return new ScaleOutcome.Ready("Auto Scaling group " + ref.autoScalingGroup() + " back to " + size
                    + (mixed ? ", " + pilotLightOnDemandPercentage + " % on-demand above base" : ""));
        } catch (SdkException e) {
            return ReadinessGate.failed("Auto Scaling group " + ref.autoScalingGroup() + ": update failed", e);
        } catch (IllegalStateException e) {
            return new ScaleOutcome.NotReady("Auto Scaling group " + ref.autoScalingGroup() + ": " + e.getMessage());
        }
    }
}
