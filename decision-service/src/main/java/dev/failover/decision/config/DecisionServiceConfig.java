package dev.failover.decision.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.failover.contract.signing.SigningKeySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
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

    /**
     * How long a group's latest decision may go unserved before GET /groups/{id} says NOT_SERVED (decidedVsServed) and
     * FailoverServedAnotherDecision may fire: reported BLOCKED by the actuator for this long (a refusal: it will not move
     * without a retry or a new decision), or not reported as the actuator's record at all (another owner's decision of
     * the same epoch, a decision the actuator dead-lettered, an actuator that is down). Longer than your slowest
     * legitimate move's wait (a capacity scale-up, a managed database's promotion) is not needed: a move still converging
     * is ACTUATING, whatever its age. Must be positive.
     */
    @WithName("not-served-after")
    @WithDefault("60s")
    Duration notServedAfter();

    /**
     * This instance's id in the decision-service consumer group, Kafka's {@code group.instance.id} (static membership,
     * ADR 0007; env {@code FAILOVER_INSTANCE_ID}, else the host name, which is the pod name in Kubernetes, else a new
     * random id at every start). It must be unique per running instance and should stay the same across restarts of
     * one instance: a restart with the same id gets its partitions back at once, one with a new id waits until the old
     * membership times out. Two running instances with one id fence each other out of the group. 1 to 249 ASCII
     * letters, digits, '.', '_' and '-', as Kafka requires.
     */
    @WithName("instance-id")
    @WithConverter(InstanceIdConverter.class)
    String instanceId();

    /**
     * Signing of the decisions and operator commands this service publishes, and the keys whose signatures it accepts on
     * operator commands and on decisions it restores from (ADR 0009). Required: without keys the service does not start.
     * Checked at start by SigningProducer, each problem naming its key.
     */
    Signing signing();

    /**
     * The four key settings under {@code failover.signing} (env {@code FAILOVER_SIGNING_KEY_ID},
     * {@code FAILOVER_SIGNING_PRIVATE_KEY_FILE}, {@code FAILOVER_SIGNING_PRIVATE_KEY},
     * {@code FAILOVER_SIGNING_TRUSTED_KEYS_DIR}), as the actuators read theirs under {@code failover.state-signing}.
     */
    interface Signing extends SigningKeySettings {
        /**
         * Whether decisions published together share one signature (env {@code FAILOVER_SIGNING_BATCH_DECISIONS}, ADR
         * 0030): each decision carries the batch's signature and its own proof (ADR 0029). Set it to false while an
         * actuator built before batch signatures may still read failover.decisions (a rolling upgrade: such a build finds
         * these decisions unsigned and refuses them); then remove it.
         */
        @WithName("batch-decisions")
        @WithDefault("true")
        boolean batchDecisions();
    }

    /**
     * The actuators' keys, by which this service checks the actuation results it takes what is served from
     * (ADR 0009): a result not signed by one of them never changes what a group serves. Checked at start by
     * SigningProducer.
     */
    @WithName("actuator-signing")
    ActuatorSigning actuatorSigning();

    interface ActuatorSigning {
        /**
         * Directory of the actuators' public keys, one {@code <key-id>.pub} each (env
         * {@code FAILOVER_ACTUATOR_SIGNING_TRUSTED_KEYS_DIR}): the same set as the actuators'
         * {@code failover.state-signing.trusted-keys-dir}. Required.
         */
        @WithName("trusted-keys-dir")
        Optional<Path> trustedKeysDir();

        /**
         * Whether an actuation result with no signature at all is taken in (env
         * {@code FAILOVER_ACTUATOR_SIGNING_ACCEPT_UNSIGNED}). Only for the upgrade from an actuator release that did
         * not sign its results: set it until every actuator runs the new one, then remove it. A result signed by an
         * unknown key, or whose signature does not verify, is never taken in.
         */
        @WithName("accept-unsigned")
        @WithDefault("false")
        boolean acceptUnsigned();
    }

    /** The group state this service stores in failover.decision-state and restores from (ADR 0009, stored state). */
    State state();

    interface State {
        /**
         * Whether a state record with no signature at all is restored (env {@code FAILOVER_STATE_ACCEPT_UNSIGNED}). Only
         * for the upgrade from a release that did not sign its state: set it for that rollout, in which every owner
         * restores the old records and publishes each group's state again signed within a state interval; then remove
         * it. A record signed by an unknown key, or whose signature does not verify, is never restored, and an epoch
         * above 2^53 never is.
         */
        @WithName("accept-unsigned")
        @WithDefault("false")
        boolean acceptUnsigned();

        /** The default of {@link #heartbeat()}. */
        Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);

        /**
         * How long an owned group's state record goes without being published again while nothing in it changed. A
         * change (a decision, a command, an actuation report, a health or verdict change, a hold) is published within
         * 5 s whatever this says; the heartbeat refreshes the per-result counters and time stamps other instances show
         * in their reads, and bounds how stale those are. Longer means fewer writes to the compacted topic, and so less
         * for a takeover to read (docs/benchmarks.md, "Takeover after 24 h", ADR 0007); must be positive. The alert
         * FailoverDecisionStateNotPublished assumes at most 5 minutes.
         */
        @WithDefault("60s")
        Duration heartbeat();

        /**
         * Whether state records published together share one signature (env {@code FAILOVER_STATE_BATCH_SIGNATURES},
         * ADR 0029): each record carries the batch's signature and its own proof, and stands alone on the compacted
         * topic. Set it to false while a decision-service built before batch signatures may still read the topic (a
         * rolling upgrade: such a build finds these records unsigned and does not restore them); then remove it.
         */
        @WithName("batch-signatures")
        @WithDefault("true")
        boolean batchSignatures();
    }

    /** Topics this service creates when they are missing. */
    Topics topics();

    interface Topics {
        /**
         * Partitions of the topics created when missing. All failover topics must have the same count, because an
         * instance owns a group through its partition number; an existing failover.probe-results sets the count.
         */
        @WithDefault("3")
        int partitions();

        /**
         * Replication factor of created topics, and the least every failover topic must have (the start stops when one
         * has fewer). Absent: the broker's default.replication.factor (3 on the production cluster of ADR 0005). Every
         * topic must in any case have at least its min.insync.replicas replicas, or no write with acks=all succeeds.
         */
        @WithName("replication-factor")
        Optional<Short> replicationFactor();
    }

    /** Who may call the API and the page: what a token must name, where its roles and name are (docs/security.md). */
    Identity identity();

    interface Identity {
        /**
         * The issuer a token must name (env {@code FAILOVER_JWT_ISSUER}); also the issuer in an Application Load
         * Balancer's {@code x-amzn-oidc-data} header. Cognito: {@code https://cognito-idp.<region>.amazonaws.com/<pool id>}.
         */
        @WithDefault("failover")
        String issuer();

        /**
         * The value a token's audience claim must hold (env {@code FAILOVER_JWT_AUDIENCE}): this API's name at the
         * identity provider, or for Cognito access tokens the app client id. A token for another application is refused.
         */
        @WithDefault("failover-decision-service")
        String audience();

        /**
         * The claim that names the audience (env {@code FAILOVER_JWT_AUDIENCE_CLAIM}): {@code aud}, or {@code client_id}
         * for Cognito access tokens, which carry no {@code aud}.
         */
        @WithName("audience-claim")
        @WithDefault("aud")
        String audienceClaim();

        /**
         * The claim with the caller's roles (env {@code FAILOVER_JWT_GROUPS_CLAIM}): {@code groups}, {@code cognito:groups}
         * for Cognito, {@code roles} for Entra ID app roles.
         */
        @WithName("groups-claim")
        @WithDefault("groups")
        String groupsClaim();

        /**
         * The claim the caller's name is taken from, as the audit trail records it (env {@code FAILOVER_JWT_NAME_CLAIM};
         * Cognito access tokens: {@code username}). Absent: upn, preferred_username, then sub.
         */
        @WithName("name-claim")
        Optional<String> nameClaim();

        /** An Application Load Balancer in front that signs users in ({@code authenticate-oidc} or {@code authenticate-cognito}). */
        Alb alb();
    }

    /** The {@code x-amzn-oidc-data} header of an Application Load Balancer, believed only from the signers listed. */
    interface Alb {
        /**
         * The ARNs of the load balancers whose header is believed (env {@code FAILOVER_ALB_SIGNER_ARNS}, comma-separated).
         * Absent: the header is ignored and only bearer tokens count.
         */
        @WithName("signer-arns")
        Optional<java.util.List<String>> signerArns();

        /** The app client the load balancer signs users in with (env {@code FAILOVER_ALB_CLIENT_ID}); required with signers. */
        @WithName("client-id")
        Optional<String> clientId();

        /**
         * The claim of the header's payload with the caller's roles (env {@code FAILOVER_ALB_GROUPS_CLAIM}); a list, or
         * one string of roles separated by commas or spaces. Absent: {@code groups-claim}. Cognito's userinfo carries no
         * {@code cognito:groups}: use a custom attribute ({@code custom:failover_roles}).
         */
        @WithName("groups-claim")
        Optional<String> groupsClaim();

        /**
         * The claim of the header's payload with the caller's name (env {@code FAILOVER_ALB_NAME_CLAIM}): the identity
         * provider's userinfo, not its access token, so not {@code name-claim} (Cognito's userinfo has {@code username}
         * as an opaque id where the user signs in by email). Absent: preferred_username, email, then sub.
         */
        @WithName("name-claim")
        Optional<String> nameClaim();

        /**
         * Where the load balancer's public key is published, {@code {region}} (the signer's) and {@code {kid}} filled
         * in (env {@code FAILOVER_ALB_KEY_URL}; AWS GovCloud publishes elsewhere).
         */
        @WithName("key-url")
        @WithDefault("https://public-keys.auth.elb.{region}.amazonaws.com/{kid}")
        String keyUrl();
    }

    /** Alertmanager, read for the drills' {@code blockingAlerts} and {@code abortAlerts}. */
    Alertmanager alertmanager();

    interface Alertmanager {
        /**
         * Its base URL, e.g. {@code http://alertmanager-main.monitoring:9093} (env {@code FAILOVER_ALERTMANAGER_URL}):
         * {@code /api/v2/alerts} is read. Required when a group's drill names alerts; the start fails without it.
         */
        @WithName("url")
        Optional<java.net.URI> url();

        /** How often it is read while a group's drill names alerts; a reading is trusted 30 s. */
        @WithName("poll-interval")
        @WithDefault("10s")
        Duration pollInterval();

        /** How long one read may take. */
        @WithName("timeout")
        @WithDefault("2s")
        Duration timeout();
    }

    /** What-if replays over the recorded probe results ({@code POST /whatif}, ADR 0027). */
    WhatIf whatif();

    interface WhatIf {
        /**
         * The most results one what-if reads; a window that holds more is refused, naming it, rather than filling the
         * heap. Never more than a quarter of the heap at 250 bytes a result (about 268,000 in the default 256 MB):
         * seven days of one group with two targets probed every second from three locations is 3.6 million results,
         * for a larger heap or an export replayed offline (scripts/replay.sh).
         */
        @WithName("max-results")
        @WithDefault("1000000")
        int maxResults();

        /** How long reading the window from Kafka may take. */
        @WithName("read-timeout")
        @WithDefault("120s")
        Duration readTimeout();
    }
}
