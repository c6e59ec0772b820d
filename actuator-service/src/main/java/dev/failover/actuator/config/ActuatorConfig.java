package dev.failover.actuator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Configuration of the actuator-service as read. {@link ActuatorConfigResolver} checks it once at start-up, together with
 * the topology, and hands the adapters plain settings; nothing else reads it.
 */
@ConfigMapping(prefix = "failover")
public interface ActuatorConfig {

    /** Path of the topology file shared by all services (env {@code FAILOVER_TOPOLOGY_FILE}). */
    @WithName("topology-file")
    Path topologyFile();

    /** DNS settings. */
    Dns dns();

    /** Capacity backends for pilot-light targets (targets with a scaling ref). */
    Scaling scaling();

    interface Scaling {
        /** AWS region of the ECS services and Auto Scaling groups; default the SDK's region chain (AWS_REGION, profile). */
        @WithName("aws-region")
        Optional<String> awsRegion();

        /** Another endpoint for the ECS and Auto Scaling APIs, for tests or a proxy. */
        @WithName("aws-endpoint-override")
        Optional<java.net.URI> awsEndpointOverride();

        /**
         * After a failback (or the end of a drill), return the target traffic left to its pilot-light size after this
         * delay (env {@code FAILOVER_SCALING_SCALE_DOWN_AFTER}, e.g. 30m); absent: never.
         */
        @WithName("scale-down-after")
        Optional<Duration> scaleDownAfter();

        /** Auto Scaling groups with a mixed instances policy return to this on-demand share above base at pilot light. */
        @WithName("pilot-light-on-demand-percentage")
        @WithDefault("0")
        int pilotLightOnDemandPercentage();

        /** How often readiness is polled while a target scales up. */
        @WithName("poll-interval")
        @WithDefault("5s")
        Duration pollInterval();
    }

    /** How many groups' plans may run at the same time (one group's plans always run one after another). */
    @WithName("parallel-groups")
    @WithDefault("4")
    int parallelGroups();

    interface Dns {
        /**
         * Which DNS backend switches records (env {@code FAILOVER_DNS_PROVIDER}): dry-run, rfc2136 or route53. Read as text
         * so that an unknown name is reported by the resolver with every other error.
         */
        @WithDefault("dry-run")
        String provider();

        /** How long to wait for a change to be served before the switch is reported as not verified. */
        @WithName("verify-timeout")
        @WithDefault("120s")
        Duration verifyTimeout();

        /** How often verification asks again. */
        @WithName("verify-poll-interval")
        @WithDefault("500ms")
        Duration verifyPollInterval();

        /** Timeout of one call to the DNS backend. */
        @WithName("call-timeout")
        @WithDefault("10s")
        Duration callTimeout();

        /**
         * Retries of calls that failed for a passing reason (timeout, throttling, 5xx, SERVFAIL), to the DNS backend and to
         * the scaling backends alike.
         */
        Retry retry();

        /** RFC 2136 settings, used when the provider is rfc2136. */
        Rfc2136 rfc2136();

        /** Route 53 settings, used when the provider is route53. Credentials come from the default AWS chain. */
        Route53 route53();
    }

    interface Route53 {
        /** weighted: one record set per target (SetIdentifier), active weight > 0, others 0. simple: one record. */
        @WithDefault("weighted")
        String routing();

        /** Weight of the active target's record set, 1 to 255. */
        @WithName("active-weight")
        @WithDefault("100")
        long activeWeight();

        /** Failback in steps: percentages of traffic moved in turn, ending at 100 (e.g. 10,50,100); empty: at once. */
        @WithName("failback-steps")
        Optional<java.util.List<Integer>> failbackSteps();

        /** Pause after each failback step is in sync. */
        @WithName("failback-step-pause")
        @WithDefault("60s")
        Duration failbackStepPause();

        /** Signing region; Route 53 is global. */
        @WithDefault("aws-global")
        String region();

        /** Another endpoint than AWS's, for tests or a proxy (env {@code FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE}). */
        @WithName("endpoint-override")
        Optional<java.net.URI> endpointOverride();
    }

    interface Retry {
        /** Retries after the first attempt. */
        @WithName("max-retries")
        @WithDefault("5")
        int maxRetries();

        /** First delay; doubled each retry up to max-delay. */
        @WithName("initial-delay")
        @WithDefault("200ms")
        Duration initialDelay();

        /** Longest delay between two attempts. */
        @WithName("max-delay")
        @WithDefault("10s")
        Duration maxDelay();

        /** Random extra delay, so that many actuators do not retry in step. */
        @WithDefault("100ms")
        Duration jitter();
    }

    interface Rfc2136 {
        /** The authoritative server that takes the updates (env {@code FAILOVER_DNS_RFC2136_SERVER}). */
        Optional<String> server();

        /** Its port. */
        @WithDefault("53")
        int port();

        /** Name of the TSIG key the server accepts updates with. */
        @WithName("tsig-key-name")
        Optional<String> tsigKeyName();

        /** TSIG algorithm, as BIND names it. */
        @WithName("tsig-algorithm")
        @WithDefault("hmac-sha256")
        String tsigAlgorithm();

        /** The TSIG secret, base64 (env {@code FAILOVER_DNS_RFC2136_TSIG_SECRET}); never logged. */
        @WithName("tsig-secret")
        Optional<String> tsigSecret();
    }
}
