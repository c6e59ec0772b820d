package dev.failover.decision.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Configuration of the decision-service, validated once at start-up. */
@ConfigMapping(prefix = "failover")
public interface DecisionServiceConfig {

    /** Path of the topology file shared by all services (env {@code FAILOVER_TOPOLOGY_FILE}). */
    @WithName("topology-file")
    Path topologyFile();

    /**
     * How far in the future a probe result's start time may be, by this service's clock, before it is ignored as
     * coming from a location with a wrong clock.
     */
    @WithName("clock-skew-tolerance")
    @WithDefault("5s")
    Duration clockSkewTolerance();
}
