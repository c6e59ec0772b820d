package dev.failover.actuator.scaling;

import java.util.Optional;
import java.util.stream.Collectors;

import dev.failover.actuator.aws.AwsFailure;
import dev.failover.contract.topology.ScalingRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * ECS: observed with one DescribeServices (desiredCount, and runningCount as ready), scaled with one UpdateService of
 * the desiredCount. Never waits: the reconciler polls {@link #observe}.
 */
public final class EcsScaler implements Scaler<ScalingRef.EcsService> {

    /** The only status in which a service runs tasks; DRAINING and INACTIVE are a service being or been deleted. */
    private static final String ACTIVE = "ACTIVE";

    private final EcsClient ecs;

    public EcsScaler(EcsClient ecs) {
        this.ecs = ecs;
    }

    @Override
    public ScalingRef.Kind kind() {
        return ScalingRef.Kind.ECS;
    }

    @Override
    public CapacityOutcome observe(ScalingRef.EcsService ref) {
        DescribeServicesResponse answer;
        try {
            answer = ecs.describeServices(r -> r.cluster(ref.cluster()).services(ref.service()));
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": DescribeServices failed", e).as(CapacityOutcome.Unavailable::new,
                    CapacityOutcome.Rejected::new);
        }
        Optional<Service> found = answer.services().stream().findFirst();
        if (found.isEmpty()) {
            // ECS answers 200 with a failure per service it does not know (reason MISSING)
            String failures = answer.failures().stream().map(f -> f.arn() + " " + f.reason()
                    + (f.detail() == null ? "" : " (" + f.detail() + ")")).collect(Collectors.joining("; "));
            return new CapacityOutcome.Rejected(what(ref) + " not found" + (failures.isEmpty() ? "" : ": " + failures));
        }
        Service service = found.get();
        if (!ACTIVE.equals(service.status())) {
            return new CapacityOutcome.Rejected(
                    what(ref) + " is " + service.status() + ", not ACTIVE: it cannot run tasks");
        }
        return new CapacityOutcome.Observed(service.desiredCount(), service.runningCount());
    }

    @Override
    public ScaleOutcome scaleUp(ScalingRef.EcsService ref) {
        return desiredCount(ref, ref.activeSize());
    }

    @Override
    public ScaleOutcome scaleDown(ScalingRef.EcsService ref) {
        return desiredCount(ref, ref.pilotLightSize() == null ? 0 : ref.pilotLightSize());
    }

    private ScaleOutcome desiredCount(ScalingRef.EcsService ref, int count) {
        try {
            ecs.updateService(r -> r.cluster(ref.cluster()).service(ref.service()).desiredCount(count));
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": UpdateService failed", e).as(ScaleOutcome.Unavailable::new,
                    ScaleOutcome.Rejected::new);
        }
        return new ScaleOutcome.Requested(what(ref) + ": desiredCount " + count);
    }

    private static String what(ScalingRef.EcsService ref) {
        return "ECS service " + ref.service() + " in cluster " + ref.cluster();
    }
}
