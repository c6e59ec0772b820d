package dev.failover.actuator.scaling;

import java.time.Duration;

import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;

/** ECS: UpdateService desiredCount, then ready when the service's runningCount reaches it. */
public final class EcsScaler implements Scaler<ScalingRef.EcsService> {

    private final EcsClient ecs;
    private final Duration poll;

    public EcsScaler(EcsClient ecs, Duration poll) {
        this.ecs = ecs;
        this.poll = poll;
    }

    @Override
    public ScalingRef.Kind kind() {
        return ScalingRef.Kind.ECS;
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.EcsService ref) {
        String what = "ECS service " + ref.service() + " in cluster " + ref.cluster();
        try {
            ecs.updateService(r -> r.cluster(ref.cluster()).service(ref.service()).desiredCount(ref.activeSize()));
        } catch (SdkException e) {
            return ReadinessGate.failed(what + ": UpdateService failed", e);
        }
        return ReadinessGate.await(what, ref.activeSize(), Duration.ofSeconds(ref.readyTimeoutSeconds()), poll, () -> {
            Service service = ecs.describeServices(r -> r.cluster(ref.cluster()).services(ref.service())).services().stream()
                    .findFirst().orElseThrow(() -> new IllegalStateException("DescribeServices did not return the service"));
            return service.runningCount();
        });
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.EcsService ref) {
        int size = ref.pilotLightSize() == null ? 0 : ref.pilotLightSize();
        try {
            ecs.updateService(r -> r.cluster(ref.cluster()).service(ref.service()).desiredCount(size));
            return new ScaleOutcome.Ready("ECS service " + ref.service() + " desiredCount " + size);
        } catch (SdkException e) {
            return ReadinessGate.failed("ECS service " + ref.service() + ": UpdateService failed", e);
        }
    }
}
