package dev.failover.probe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Configuration of one probe-service instance as read; {@link ProbeConfigResolver} checks it once at start and hands the
 * rest of the service plain {@link ProbeSettings}.
 */
@ConfigMapping(prefix = "failover")
public interface ProbeServiceConfig {

    /**
     * The probing location this instance runs as (env {@code FAILOVER_LOCATION}). Required, and must be one of the
     * topology's {@code locations}: every result is labelled with it.
     */
    String location();

    /**
     * This instance's name, sent with every result as {@code prober} (env {@code FAILOVER_INSTANCE_ID}, else the host
     * name, which is the pod name in Kubernetes, else a new random id at every start). The decision-service uses it to
     * tell two instances reporting as one location apart: it counts one of them and warns (ADR 0008). Unique per running
     * instance; 1 to 249 ASCII letters, digits, '.', '_' and '-'.
     */
    @WithName("instance-id")
    String instanceId();

    /** Path of the topology file shared by all services (env {@code FAILOVER_TOPOLOGY_FILE}). */
    @WithName("topology-file")
    Path topologyFile();

    /** How often the topology file is checked for changes; a valid new file is applied without a restart. */
    @WithName("reload-interval")
    @WithDefault("5s")
    Duration reloadInterval();

    /** Results held while Kafka is unreachable; when full, the oldest are dropped (a stale result is worthless). */
    @WithName("buffer-size")
    @WithDefault("10000")
    int bufferSize();

    /**
     * Upper bound of probes (HTTP and TCP) in flight at once in this instance. A probe due while the bound is reached is
     * not made: its result is UNKNOWN with impairment IN_FLIGHT_LIMIT (ADR 0008), never a DOWN from waiting in a queue.
     */
    @WithName("max-connections")
    @WithDefault("512")
    int maxConnections();

    /** When this location's own trouble, not the target, explains a failed probe (ADR 0008). */
    Probe probe();

    interface Probe {
        /**
         * A probe whose connect attempt begins later than this after its scheduled tick is late: if it fails, the result
         * is UNKNOWN with impairment LATE_START, not DOWN. Empty: a quarter of the target's probe interval.
         */
        @WithName("max-start-delay")
        Optional<Duration> maxStartDelay();

        /**
         * An event loop held up longer than this while a probe ran makes its timeout (or TOO_SLOW) UNKNOWN with impairment
         * CPU_STARVED, not DOWN: the location's CPU, not the target, may have made it late.
         */
        @WithName("max-loop-lag")
        @WithDefault("200ms")
        Duration maxLoopLag();

        /**
         * How often this location asks each of its observers (the topology's {@code observers}) for every group's
         * failover record (ADR 0026); also each question's timeout. The point a switch is seen at this location is
         * known to within it.
         */
        @WithName("observe-interval")
        @WithDefault("1s")
        Duration observeInterval();
    }

    /** What the probe-service exports at /q/metrics. */
    Metrics metrics();

    interface Metrics {
        /**
         * Also export a probe-duration histogram per target (about 70 series per target: 8 MB per scrape at 1,000
         * targets). Off: the duration is one histogram for the whole location, and each target has only its up gauge,
         * its results by outcome and reason, and its certificate's days to expiry — a few series per target.
         */
        @WithName("per-target-detail")
        @WithDefault("false")
        boolean perTargetDetail();
    }

    /** The location's own health check. */
    @WithName("self-check")
    SelfCheck selfCheck();

    interface SelfCheck {
        /**
         * Reference URLs this location should always reach (e.g. well-known sites in other networks). When all of them
         * fail, this location's results are marked locationImpaired and the decision-service leaves it out of quorums.
         * Empty: no self-check.
         */
        Optional<List<String>> urls();

        /** How often the reference URLs are probed. */
        @WithDefault("10s")
        Duration interval();

        /** Timeout of one reference probe. */
        @WithDefault("3s")
        Duration timeout();
    }
}
