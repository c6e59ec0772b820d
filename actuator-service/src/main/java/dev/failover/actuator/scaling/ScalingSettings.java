package dev.failover.actuator.scaling;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import dev.failover.contract.topology.ScalingRef;

/**
 * The capacity backends the topology needs, checked by the config resolver.
 *
 * @param kinds                        the scaling kinds the topology's targets use: a scaler is made for these only
 * @param aws                          where the ECS and Auto Scaling APIs are; present exactly when {@code kinds} has one
 * @param pollInterval                 how often readiness is polled while a target scales up
 * @param pilotLightOnDemandPercentage Auto Scaling groups with a mixed instances policy return to this on-demand share
 *                                     above base at pilot-light size, 0 to 100
 * @param scaleDownAfter               after a failback, the target traffic left returns to pilot light after this; empty:
 *                                     never
 */
public record ScalingSettings(Set<ScalingRef.Kind> kinds, Optional<Aws> aws, Duration pollInterval,
        int pilotLightOnDemandPercentage, Optional<Duration> scaleDownAfter) {

    public ScalingSettings {
        kinds = Set.copyOf(kinds);
    }

    /**
     * @param region           region of the ECS services and Auto Scaling groups
     * @param endpointOverride another endpoint for the ECS and Auto Scaling APIs, for tests or a proxy
     */
    public record Aws(String region, Optional<URI> endpointOverride) {
    }
}
