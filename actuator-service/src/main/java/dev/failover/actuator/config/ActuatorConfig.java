package dev.failover.actuator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.failover.contract.signing.SigningKeySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * Configuration of the actuator-service as read. {@link ActuatorConfigResolver} checks it once at start-up, together with
 * the topology, and hands the adapters plain settings; nothing else reads it.
 */
@ConfigMapping(prefix = "failover")
public interface ActuatorConfig {

    /** Path of the topology file shared by all services (env {@code FAILOVER_TOPOLOGY_FILE}). */
    @WithName("topology-file")
    Path topologyFile();

    /**
     * The region this actuator runs in (env {@code FAILOVER_REGION}; the manifests set it from the overlay's
     * {@code failover.dev/region} label). Required with a Kubernetes cluster reached {@code in-cluster=true}: the cluster
     * this pod runs in is only its own region's.
     */
    Optional<String> region();

    /** DNS settings. */
    Dns dns();

    /** The public keys whose signatures on decisions this actuator accepts (ADR 0009). */
    Signing signing();

    interface Signing {
        /**
         * Directory of trusted Ed25519 public keys, one {@code <key-id>.pub} each in X.509 PEM as
         * {@code openssl pkey -pubout} writes it (env {@code FAILOVER_SIGNING_TRUSTED_KEYS_DIR}), e.g. a mounted
         * Kubernetes Secret. Required: a decision without a valid signature by one of them is dead-lettered, never acted on.
         */
        @WithName("trusted-keys-dir")
        Optional<Path> trustedKeysDir();
    }

    /**
     * The actuators' own key, which signs every desired state this actuator stores in failover.actuator-desired, and
     * the actuator keys whose desired states it restores (ADR 0009, stored state). Required: the same four settings as
     * the decision-service's {@code failover.signing.*}, under {@code failover.state-signing}. Its trusted set holds the
     * actuators' keys only: a group moves between the actuators of every region, so each must trust what the others
     * stored; no actuator key is ever trusted for decisions.
     */
    @WithName("state-signing")
    StateSigning stateSigning();

    /**
     * The four key settings under {@code failover.state-signing} (env {@code FAILOVER_STATE_SIGNING_KEY_ID},
     * {@code FAILOVER_STATE_SIGNING_PRIVATE_KEY_FILE}, {@code FAILOVER_STATE_SIGNING_PRIVATE_KEY},
     * {@code FAILOVER_STATE_SIGNING_TRUSTED_KEYS_DIR}): this actuator's key id, whose {@code .pub} is in every actuator's
     * trusted-keys-dir, and that directory, which must hold this actuator's own key and share no key with
     * {@code failover.signing.trusted-keys-dir}.
     */
    interface StateSigning extends SigningKeySettings {
        /**
         * Whether the results this actuator publishes to failover.actuations are signed in batches, one signature of a
         * Merkle root for the results of 20 ms (env {@code FAILOVER_STATE_SIGNING_BATCH_RESULTS}, ADR 0029). Upgrade the
         * decision-services first: one built before batch signatures refuses such results as unsigned; set this to
         * false until every decision-service reads them.
         */
        @WithName("batch-results")
        @WithDefault("true")
        boolean batchResults();
    }

    /** The desired states this actuator restores (ADR 0009, stored state). */
    State state();

    interface State {
        /**
         * Whether a desired state with no signature at all is restored (env {@code FAILOVER_STATE_ACCEPT_UNSIGNED}); it is
         * then written again signed at once. Only for the upgrade from a release that did not sign them: set it for
         * that rollout (every partition is restored once), then remove it. A record signed by an unknown key or whose
         * signature does not verify is never restored, nor an epoch above 2^53.
         */
        @WithName("accept-unsigned")
        @WithDefault("false")
        boolean acceptUnsigned();
    }

    /** Capacity backends for pilot-light targets (targets with a scaling ref). */
    Scaling scaling();

    /** The data tier: how the actuator reaches the targets' database nodes (ADR 0020). */
    Database database();

    interface Database {
        /**
         * The logins to the targets' database nodes, by the name a target's {@code database.credentials} gives in the
         * topology, e.g. {@code failover.database.credentials.app-east.user}. Every name the topology uses must be here.
         */
        Map<String, DatabaseLogin> credentials();

        /**
         * Connect and statement timeout of each call to a database node. An unplanned failover tries the old primary once
         * before it promotes: with that region cut off, this is what the attempt costs.
         */
        @WithName("call-timeout")
        @WithDefault("2s")
        Duration callTimeout();

        /**
         * How often each actuator instance observes each database node of every group, whether it drives the group or not,
         * off the reconcile passes: a new owner then knows what a promotion may lose.
         * The primary's WAL position sampled this often is what a failover's loss exposure is measured against: with
         * asynchronous replication, {@code safety.maxDataLossSeconds} must cover this interval plus the time to detect
         * and decide a failure. A node that does not answer is left for a growing while, up to 30 s.
         */
        @WithName("watch-interval")
        @WithDefault("1s")
        Duration watchInterval();

        /**
         * How the actuator's PostgreSQL connections use TLS: PgJDBC's {@code sslmode}, one of disable, allow, prefer,
         * require, verify-ca, verify-full. Default verify-full: encrypted, and the server's certificate must be signed by
         * {@code ssl-root-cert} and name the host the URL names. A node's URL may set its own {@code sslmode}.
         */
        @WithName("ssl-mode")
        @WithDefault("verify-full")
        String sslMode();

        /**
         * The CA certificates (PEM) a server's certificate is checked against with verify-ca and verify-full (for RDS,
         * AWS's regional bundle); absent: PgJDBC's default, {@code ~/.postgresql/root.crt}.
         */
        @WithName("ssl-root-cert")
        Optional<Path> sslRootCert();

        /**
         * The database the actuator logs in to on every PostgreSQL node. A fence closes the application's database (the
         * one a node's URL names) to new sessions and leaves this one open, so that the fenced node is still observed;
         * where a node's URL names this database, its fence is default_transaction_read_only alone, which a client
         * asking for read-write explicitly passes (ADR 0020, "A fence no client passes").
         */
        @WithName("maintenance-database")
        @WithDefault("postgres")
        String maintenanceDatabase();
    }

    interface DatabaseLogin {
        /** The login role (PostgreSQL: a superuser, or a role granted pg_promote, ALTER SYSTEM and pg_signal_backend). */
        String user();

        /** A file holding its password (a mounted secret); absent: the server authenticates the actuator otherwise. */
        @WithName("password-file")
        Optional<Path> passwordFile();
    }

    interface Scaling {
        /**
         * No longer read, and refused at start when set: each scaling ref is called in its target's own region (or the
         * {@code region} it names), whichever region this actuator runs in (ADR 0005).
         */
        @WithName("aws-region")
        Optional<String> awsRegion();

        /** Another endpoint for the ECS and Auto Scaling APIs of every region without one of its own, for a proxy or tests. */
        @WithName("aws-endpoint-override")
        Optional<java.net.URI> awsEndpointOverride();

        /**
         * Per AWS region, another endpoint for its ECS and Auto Scaling APIs (a VPC interface endpoint, a proxy, a test
         * fixture), e.g. {@code failover.scaling.aws-endpoint-overrides.us-west-2=https://vpce-....ecs.us-west-2.vpce.amazonaws.com}.
         */
        @WithName("aws-endpoint-overrides")
        Map<String, java.net.URI> awsEndpointOverrides();

        /** Another endpoint for STS, where a scaling ref's {@code roleArn} is assumed (default the ref's regional STS). */
        @WithName("aws-sts-endpoint-override")
        Optional<java.net.URI> awsStsEndpointOverride();

        /**
         * The Kubernetes clusters scaling refs name ({@code cluster}, default the target's region), each reached one way:
         * {@code in-cluster=true} (this pod's service account), {@code context} (a kubeconfig context), or {@code api-url}
         * with {@code token-file} (and {@code ca-file}). Only clusters the topology names are connected to.
         */
        @WithName("kubernetes-clusters")
        Map<String, KubernetesCluster> kubernetesClusters();

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

        /** How often a target's readiness is read while it scales up (it is waited for as long as it takes). */
        @WithName("poll-interval")
        @WithDefault("5s")
        Duration pollInterval();
    }

    /** How the actuator reaches one Kubernetes cluster: exactly one of in-cluster, context, api-url. */
    interface KubernetesCluster {
        /**
         * The cluster this actuator runs in, with its pod's service account: only for a cluster whose targets are all of
         * this actuator's own region ({@code failover.region}), since a configuration shared by the regions would
         * otherwise have every region scale its own cluster for another region's targets.
         */
        @WithName("in-cluster")
        @WithDefault("false")
        boolean inCluster();

        /** A context of the kubeconfig file (KUBECONFIG, or ~/.kube/config). */
        Optional<String> context();

        /** The API server's URL (https), with {@code token-file}. */
        @WithName("api-url")
        Optional<java.net.URI> apiUrl();

        /** File holding the bearer token (a mounted Secret); read on every request, so a rotated token needs no restart. */
        @WithName("token-file")
        Optional<Path> tokenFile();

        /** PEM file of the CA that signed the API server's certificate; default the JVM's trust store. */
        @WithName("ca-file")
        Optional<Path> caFile();
    }

    /**
     * This instance's id in the decisions consumer group (static membership, env {@code FAILOVER_INSTANCE_ID}, default
     * the host name): unique per instance and stable across its restarts, so that a restart gets its partitions back at
     * once. Two instances with one id fence each other out.
     */
    @WithName("instance-id")
    Optional<String> instanceId();

    /** The actuator's own topics, failover.actuator-desired and failover.actuator-evidence. */
    Topics topics();

    interface Topics {
        /**
         * Replication factor of the actuator's topics when it creates them, and the least they must have (the start stops
         * when one has fewer, naming this key). Absent: the broker's default.replication.factor. Set it like the
         * decision-service's {@code failover.topics.replication-factor} (3 on the production cluster of ADR 0005). Every
         * topic must in any case have at least its min.insync.replicas replicas and, being compacted, cleanup.policy compact.
         */
        @WithName("replication-factor")
        Optional<Short> replicationFactor();
    }

    /**
     * Threads that run reconcile passes at most (one group's passes never overlap). A group waiting to be retried holds
     * none; a pass waiting on a provider's call holds one, and the calls of passes waiting together share requests (a
     * Route 53 change batch, a zone listing, ADR 0022), so this many groups of a region's failover can go out in one
     * request. Threads are made as passes wait and ended after 30 s idle: a quiet instance keeps 4.
     */
    @WithName("parallel-groups")
    @WithDefault("512")
    int parallelGroups();

    /** The reconcile loop that keeps every group's record and capacity on its decision (ADR 0006). */
    Reconcile reconcile();

    interface Reconcile {
        /** How often a group's record is read again when nothing else happens: drift is found within this period. */
        @WithName("resync-interval")
        @WithDefault("10s")
        Duration resyncInterval();

        /**
         * Delays between attempts after passing failures (unreachable, timeouts, throttling, SERVFAIL), for DNS and
         * scalers alike; throttling with its own, longer cap. There is no attempt limit: a decision is retried until it is served or superseded.
         */
        Retry retry();
    }

    /** Planned moves: switchover and drills (ADR 0012). */
    Switchover switchover();

    interface Switchover {
        /**
         * The TTL a planned switchover (and a drill's start and end) lowers the record to before the switch, held for the
         * old TTL so that no resolver caches the old answer for long, and restored after the switch is verified. A group
         * whose TTL is not above it switches in one step. Whole seconds, at least 1 s, at most 3600 s.
         */
        @WithName("ttl-floor")
        @WithDefault("5s")
        Duration ttlFloor();
    }

    interface Dns {
        /**
         * Which DNS backend switches records (env {@code FAILOVER_DNS_PROVIDER}): dry-run, rfc2136 or route53. Read as text
         * so that an unknown name is reported by the resolver with every other error.
         */
        @WithDefault("dry-run")
        String provider();

        /** Timeout of one call to the DNS backend. */
        @WithName("call-timeout")
        @WithDefault("10s")
        Duration callTimeout();

        /** RFC 2136 settings, used when the provider is rfc2136. */
        Rfc2136 rfc2136();

        /** Route 53 settings, used when the provider is route53. Credentials come from the default AWS chain. */
        Route53 route53();

        /**
         * How the Route 53 Application Recovery Controller cluster is reached (the {@code route53-arc} provider), for the
         * topology's groups with an {@code arc} key (their routing controls): those groups are switched through the ARC
         * cluster's data plane whatever {@code failover.dns.provider} says for the others (ADR 0014, docs/aws-arc.md).
         */
        Arc arc();

        /**
         * The DNS provider instances the topology's groups name in {@code dns.providers} (ADR 0036), by the id its
         * {@code dnsProviders} declares, e.g. {@code failover.dns.providers.knot.kind=rfc2136}: each id a group names
         * must be here with the topology's kind, and no other. The keys above are the instances {@code default} and
         * {@code arc} of the groups without {@code providers}.
         */
        Map<String, Provider> providers();
    }

    /**
     * One DNS provider instance (ADR 0036, "Configuration per provider instance"): its kind and that kind's keys, named
     * as under {@code failover.dns.route53}, {@code failover.dns.rfc2136} or {@code failover.dns.arc}, plus the few an
     * instance has of its own. Each region's overlay sets its own values (a role through its own region's STS, a TSIG
     * key per region).
     */
    interface Provider {
        /** route53, rfc2136 or route53-arc: the kind the topology's {@code dnsProviders} gives this id. */
        Optional<String> kind();

        /** Timeout of one call to a route53 or rfc2136 instance; default {@code failover.dns.call-timeout}. */
        @WithName("call-timeout")
        Optional<Duration> callTimeout();

        /** route53: the keys of {@code failover.dns.route53}, with {@code budget.account}. */
        @WithParentName
        Route53 route53();

        /**
         * route53: a role to assume for this instance's calls (the zone's account), through the STS of
         * {@code sts-region}; route53-arc: as {@code failover.dns.arc.role-arn}. Absent: the actuator's own credentials.
         */
        @WithName("role-arn")
        Optional<String> roleArn();

        /** route53: the region whose STS assumes {@code role-arn}; default {@code failover.region}, this actuator's. */
        @WithName("sts-region")
        Optional<String> stsRegion();

        /** rfc2136: the keys of {@code failover.dns.rfc2136}, but the TSIG secret in a file ({@code tsig-secret-file}). */
        @WithParentName
        Rfc2136 rfc2136();

        /** rfc2136: a file holding the TSIG secret, base64 (a secret per id, mounted); read once, at start. */
        @WithName("tsig-secret-file")
        Optional<Path> tsigSecretFile();

        /** route53-arc: the keys of {@code failover.dns.arc}. */
        @WithParentName
        Arc arc();
    }

    interface Arc {
        /**
         * The ARC cluster's regional endpoints by region, as {@code aws route53-recovery-control-config describe-cluster}
         * lists them, e.g. {@code failover.dns.arc.endpoints.us-west-2=https://host-aaaa.us-west-2.example.com/v1}; each is
         * signed for its own region. Required when a group of the topology has an {@code arc} key (its routing controls,
         * docs/aws-arc.md); all five of the cluster's.
         */
        Map<String, java.net.URI> endpoints();

        /**
         * The longest one call to one endpoint may take before the next is tried (the per-endpoint timeout): a hanging
         * endpoint costs at most this once, since the endpoint that answered last is tried first afterwards.
         */
        @WithName("endpoint-timeout")
        @WithDefault("2s")
        Duration endpointTimeout();

        /**
         * A role to assume for the cluster calls (e.g. in the account that owns the control panel), through each
         * endpoint's own regional STS, so that losing one region loses none of the others' credentials; absent: the
         * actuator's own credentials (IRSA, env, profile).
         */
        @WithName("role-arn")
        Optional<String> roleArn();

        /** Another endpoint for STS, where {@code role-arn} is assumed, for tests or a proxy. */
        @WithName("sts-endpoint-override")
        Optional<java.net.URI> stsEndpointOverride();

        /**
         * How often the control panels' safety rules are read again from ARC's control-configuration API (served from
         * us-west-2 only, never called on the path of a switch). A switch of a group with database nodes is evaluated
         * against the rules last read before its database is fenced or promoted; a failed read keeps them.
         */
        @WithName("safety-rules-refresh")
        @WithDefault("5m")
        Duration safetyRulesRefresh();

        /** Another endpoint for the control-configuration API (ListSafetyRules), for tests or a proxy. */
        @WithName("control-config-endpoint-override")
        Optional<java.net.URI> controlConfigEndpointOverride();
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

        /** How long each failback step is held, once it is served, before the next. */
        @WithName("failback-step-pause")
        @WithDefault("60s")
        Duration failbackStepPause();

        /** Signing region; Route 53 is global. */
        @WithDefault("aws-global")
        String region();

        /** Another endpoint than AWS's, for tests or a proxy (env {@code FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE}). */
        @WithName("endpoint-override")
        Optional<java.net.URI> endpointOverride();

        /**
         * What a group's first write does with sets of its record the plane does not write (a simple or failover-routing
         * set made before it): refuse (write nothing, say so) or replace (delete them in the first write's batch).
         */
        @WithName("take-over")
        @WithDefault("refuse")
        String takeOver();

        /** How many Route 53 API calls the actuators make, together. */
        Route53Budget budget();
    }

    /**
     * Route 53 answers more than five API calls a second per account with Throttling, whoever makes them. The actuators
     * of every region share one budget (ADR 0022): each instance keeps to
     * {@code account-requests-per-second / instances}.
     */
    interface Route53Budget {
        /**
         * The most Route 53 API calls all actuators together make per second against the account (env
         * {@code FAILOVER_DNS_ROUTE53_BUDGET_ACCOUNT_REQUESTS_PER_SECOND}); above 0, at most 5; default 4, which leaves
         * one a second for people and other tools.
         */
        @WithName("account-requests-per-second")
        @WithDefault("4")
        double accountRequestsPerSecond();

        /**
         * How many actuator instances share that budget (env {@code FAILOVER_DNS_ROUTE53_BUDGET_INSTANCES}): every
         * instance of every region whose Route 53 calls count against the account, i.e. the actuator replicas of all the
         * regions' overlays summed (the shipped manifests: 3 regions × 2 = 6). At least 1. Declaring fewer than run
         * spends more than the budget; more, less.
         */
        @WithDefault("1")
        int instances();

        /**
         * The AWS account whose budget this instance's calls count against (ADR 0036): the instances of one account
         * share it, and must give it the same {@code account-requests-per-second} and {@code instances}. Default the
         * instance's id ({@code default} for {@code failover.dns.route53}).
         */
        Optional<String> account();

        /** No longer read; refused at start when set (a budget per instance adds up past the account's as instances are added). */
        @WithName("requests-per-second")
        Optional<Double> requestsPerSecond();
    }

    interface Retry {
        /** First delay; doubled each attempt up to max-delay. */
        @WithName("initial-delay")
        @WithDefault("200ms")
        Duration initialDelay();

        /**
         * Longest delay between two attempts: a provider back from an outage is used within about this long. Short by
         * default, because a failover waits on it; a provider that asks to slow down is waited for longer
         * ({@code throttled.max-delay}), and Route 53 calls keep to {@code failover.dns.route53.budget.requests-per-second}.
         */
        @WithName("max-delay")
        @WithDefault("1s")
        Duration maxDelay();

        /** Random extra delay, so that many actuators do not retry in step. */
        @WithDefault("100ms")
        Duration jitter();

        /** Delays after the provider asked to slow down (Route 53's Throttling). */
        RetryThrottled throttled();
    }

    interface RetryThrottled {
        /**
         * Longest delay after a throttled call: the same doubling as other failures up to this cap, less up to half of
         * it at random, so that the account's request budget recovers and the groups throttled together come back apart.
         * At least {@code failover.reconcile.retry.max-delay}.
         */
        @WithName("max-delay")
        @WithDefault("30s")
        Duration maxDelay();
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

        /**
         * The zone's other authoritative servers, {@code host} or {@code host:port} ({@code [address]:port} for IPv6),
         * comma-separated (env {@code FAILOVER_DNS_RFC2136_SECONDARIES}): every name server of the zone's NS set but the
         * primary. A switch is reported propagated only once each serves the zone's serial of the update; until then the
         * group waits as written, not yet served everywhere. Absent: only the primary is read.
         */
        Optional<java.util.List<String>> secondaries();
    }

    /** Who may call the API: what a bearer token must name, where its roles and name are (docs/security.md). */
    Identity identity();

    interface Identity {
        /**
         * The value a token's audience claim must hold (env {@code FAILOVER_JWT_AUDIENCE}): this API's name at the
         * identity provider (its own, not the decision-service's), or for Cognito access tokens the app client id.
         */
        @WithDefault("failover-actuator-service")
        String audience();

        /**
         * The claim that names the audience (env {@code FAILOVER_JWT_AUDIENCE_CLAIM}): {@code aud}, or {@code client_id}
         * for Cognito access tokens, which carry no {@code aud}.
         */
        @WithName("audience-claim")
        @WithDefault("aud")
        String audienceClaim();

        /**
         * The claim the caller's name is taken from, as the actuations record it (env {@code FAILOVER_JWT_NAME_CLAIM};
         * Cognito access tokens: {@code username}). Absent: upn, preferred_username, then sub.
         */
        @WithName("name-claim")
        Optional<String> nameClaim();
    }

    /**
     * Permissions checked ahead: every AWS permission the topology needs, asked of IAM's policy simulator
     * for each place's principal with that place's credentials, at start and then periodically (docs/security.md).
     */
    Permissions permissions();

    interface Permissions {
        /**
         * How often (env {@code FAILOVER_PERMISSIONS_CHECK_INTERVAL}); {@code 0} turns the check off. Default 30 min, as
         * ARC's Region switch evaluates its plans. Each run is one {@code SimulatePrincipalPolicy} per resource.
         */
        @WithName("check-interval")
        @WithDefault("30m")
        Duration checkInterval();

        /**
         * The role of the actuator's own credentials (IRSA sets {@code AWS_ROLE_ARN}); absent: the role STS names for
         * them, which lacks the role's path (set this for a role with a path).
         */
        @WithName("own-role-arn")
        Optional<String> ownRoleArn();

        /** The region whose STS the actuator's own principal is asked of, and Route 53's place (env {@code AWS_REGION}). */
        @WithName("own-region")
        @WithDefault("us-east-1")
        String ownRegion();

        /** IAM's endpoint (env {@code FAILOVER_PERMISSIONS_IAM_ENDPOINT}); absent: the partition's global endpoint. */
        @WithName("iam-endpoint")
        Optional<java.net.URI> iamEndpoint();
    }
}
