package dev.failover.actuator.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Configuration of the actuator-service, validated once at start-up. */
@ConfigMapping(prefix = "failover")
public interface ActuatorConfig {

    /** Path of the topology file shared by all services (env {@code FAILOVER_TOPOLOGY_FILE}). */
    @WithName("topology-file")
    Path topologyFile();

    /** DNS settings. */
    Dns dns();

    interface Dns {
        /**
         * Which DNS backend switches records (env {@code FAILOVER_DNS_PROVIDER}). Only {@code dry-run} exists in this
         * build: it logs and publishes the exact change and makes none.
         */
        @WithDefault("dry-run")
        Provider provider();

        /** How long to wait for a change to be served before the switch is reported as not verified. */
        @WithName("verify-timeout")
        @WithDefault("120s")
        Duration verifyTimeout();
    }

    enum Provider {
        DRY_RUN
    }
}
