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
     * coming from a location with a wrong clock. Also the bound a location's clock estimate is held to either way
     * (GroupView.ClockSkew, metric failover_decision_clock_skew_tolerance_seconds, alert FailoverProbeClockSkewed).
     */
    @WithName("clock-skew-tolerance")
    @WithDefault("5s")
    Duration clockSkewTolerance();

    /** How often owned groups are re-evaluated for the passing of time (silent locations, expiries, hold-downs). */
    @WithName("tick-interval")
    @WithDefault("1s")
    Duration tickInterval();

    /** How long a write to the override API waits for the owning instance to apply the command before answering 202. */
    @WithName("command-timeout")
    @WithDefault("10s")
    Duration commandTimeout();

    /**
     * How old an operator command (by its {@code issuedAt}) may be when the owning instance reads it. Older ones are not
     * applied but rejected as EXPIRED in the group's audit trail: a command that waited that long in Kafka (an owner
     * down, an offset reset) was meant for a state of the group that has passed. Commands are also remembered by id for
     * this long, so none is acted on twice. Must be positive; well above {@code command-timeout}.
     */
    @WithName("command-max-age")
    @WithDefault("5m")
    Duration commandMaxAge();

    /** Topics this service creates when they are missing. */
    Topics topics();

    interface Topics {
        /**
         * Partitions of the topics created when missing. All failover topics must have the same count, because an
         * instance owns a group through its partition number; an existing failover.probe-results sets the count.
         */
        @WithDefault("3")
        int partitions();

        /** Replication factor of created topics; 3 on a production cluster. */
        @WithName("replication-factor")
        @WithDefault("1")
        short replicationFactor();
    }
}
