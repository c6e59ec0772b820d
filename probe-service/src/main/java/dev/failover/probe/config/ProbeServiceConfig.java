package dev.failover.probe.config;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** Configuration of one probe-service instance, validated once at start-up. */
@ConfigMapping(prefix = "failover")
public interface ProbeServiceConfig {

    /**
     * The probing location this instance runs as (env {@code FAILOVER_LOCATION}). Required, and must be one of the
     * topology's {@code locations}: every result is labelled with it.
     */
    String location();

    /** Path of the topology file shared by all services (env {@code FAILOVER_TOPOLOGY_FILE}). */
    @WithName("topology-file")
    Path topologyFile();
}
