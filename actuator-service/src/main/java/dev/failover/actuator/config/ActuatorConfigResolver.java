package dev.failover.actuator.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.dns.DnsSettings;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.lease.LeaseTerms;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.actuator.state.DesiredStateSigning;
import dev.failover.contract.signing.RecordSigner;
import dev.failover.contract.signing.SigningKeysResolver;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.kafka.security.KafkaSecurityCheck;
import software.amazon.awssdk.regions.Region;

/**
 * The one place the actuator's configuration is checked: reads {@link ActuatorConfig} and the topology once at start,
 * checks each setting and the settings against the topology, and either hands back plain {@link ActuatorSettings} or
 * throws with every problem at once, each naming its key. Adapters take the settings and check nothing themselves.
 */
public final class ActuatorConfigResolver {

    /** The key of the actuator topics' replication factor, named when a topic is below it. */
    public static final String REPLICATION_KEY = "failover.topics.replication-factor";

    /**
     * One AWS or Kubernetes call, where the lease's margin allows it: the loop retries after it, so it can be short, and a
     * hung call must not hold a reconcile thread for long.
     */
    static final Duration CLIENT_CALL_TIMEOUT = Duration.ofSeconds(10);

    private final List<ConfigError> errors = new ArrayList<>();

    private ActuatorConfigResolver() {
    }

    /**
     * @param kafkaSecurity the check of the {@code kafka.*} settings every Kafka client of the actuator gets
     * @throws InvalidConfigurationException naming every bad key of the configuration and the topology
     */
    public static ActuatorSettings resolve(ActuatorConfig config, KafkaSecurityCheck kafkaSecurity) {
        return resolve(config, kafkaSecurity, List.of(), LeaseTerms.DEFAULTS);
    }

    /**
     * @param present every configuration property name the sources hold (environment variables by their own names):
     *                those of settings no longer read stop the start, naming where the value goes now, rather than
     *                being ignored in silence
     */
    public static ActuatorSettings resolve(ActuatorConfig config, KafkaSecurityCheck kafkaSecurity,
            Collection<String> present) {
        return resolve(config, kafkaSecurity, present, LeaseTerms.DEFAULTS);
    }

    /**
     * @param lease the decisions consumer's session and heartbeat, which every call timeout of a write made under the
     *              lease must fit (ADR 0006, "A write lands within the lease's margin")
     */
    public static ActuatorSettings resolve(ActuatorConfig config, KafkaSecurityCheck kafkaSecurity,
            Collection<String> present,
            LeaseTerms lease) {
        ActuatorConfigResolver resolver = new ActuatorConfigResolver();
        resolver.lease = lease;
        return resolver.settings(config, kafkaSecurity, present);
    }

    /** The lease's terms, set before {@link #settings} runs. */
    private LeaseTerms lease;

    /** Property names (as set, or as environment variables) whose values moved to the topology. */
    private static final Pattern MOVED_TO_TOPOLOGY = Pattern
            .compile("failover\\.dns\\.arc\\.groups\\..*|FAILOVER_DNS_ARC_GROUPS_.*");

    private ActuatorSettings settings(ActuatorConfig config, KafkaSecurityCheck kafkaSecurity,
            Collection<String> present) {
        kafkaSecurity.problems().forEach(p -> error(p.key(), p.message()));
        present.stream().filter(name -> MOVED_TO_TOPOLOGY.matcher(name).matches()).sorted().forEach(name -> error(name,
                "is no longer read: a group's routing controls and break-glass rules are in the topology (groups[].arc:"
                        + " routingControls, breakGlassRules; docs/aws-arc.md)"));
        Topology topology = topology(config);
        DnsInstances dns = new DnsInstancesResolver(this::error, lease).resolve(config.dns(), topology,
                config.region());
        ScalingSettings scaling = scaling(config.scaling(), config.region(), topology);
        ReconcileSettings reconcile = reconcile(config.reconcile(), dns.fallback(), scaling, config.database());
        int ttlFloor = ttlFloorSeconds(config.switchover().ttlFloor());
        if (config.parallelGroups() < 1) {
            error("failover.parallel-groups", "must be at least 1, was " + config.parallelGroups());
        }
        SigningKeysResolver signing = new SigningKeysResolver(SigningKeysResolver.PREFIX);
        TrustedKeys trustedKeys = signing.trustedKeys(config.signing().trustedKeysDir());
        signing.problems().forEach(p -> error(p.key(), p.message()));
        DesiredStateSigning stateSigning = stateSigning(config, trustedKeys);
        ActuatorSettings.DatabaseSettings databases = databases(config.database(), topology);
        if (!errors.isEmpty()) {
            throw new InvalidConfigurationException(config.topologyFile(), errors);
        }
        config.topics().replicationFactor().filter(r -> r < 1)
                .ifPresent(r -> error(REPLICATION_KEY, "must be at least 1, was " + r));
        return new ActuatorSettings(topology, dns, reconcile, scaling, config.parallelGroups(), trustedKeys, ttlFloor,
                stateSigning, databases, config.topics().replicationFactor());
    }

    /**
     * The actuator's own key for its desired states and the actuator keys it restores them by (ADR 0009, stored
     * state): the signing settings' shape under {@value SigningKeysResolver#STATE_PREFIX}. No key may be in both trusted
     * sets: an actuator key trusted for decisions would let any actuator move traffic on its own say.
     */
    private DesiredStateSigning stateSigning(ActuatorConfig config, TrustedKeys decisionKeys) {
        ActuatorConfig.StateSigning settings = config.stateSigning();
        SigningKeysResolver keys = new SigningKeysResolver(SigningKeysResolver.STATE_PREFIX);
        TrustedKeys actuatorKeys = keys.trustedKeys(settings.trustedKeysDir());
        RecordSigner signer = keys.signer(settings, actuatorKeys);
        keys.problems().forEach(p -> error(p.key(), p.message()));
        if (actuatorKeys != null && decisionKeys != null && actuatorKeys.sharesAKeyWith(decisionKeys)) {
            error(SigningKeysResolver.STATE_PREFIX + ".trusted-keys-dir", "shares a public key with "
                    + SigningKeysResolver.TRUSTED_KEYS_DIR
                    + ": keep the actuators' keys and the decision-service's apart, "
                    + "or an actuator's key could sign decisions");
        }
        if (signer == null || actuatorKeys == null) {
            return null;
        }
        return new DesiredStateSigning(signer, new StoredStateTrust(actuatorKeys, config.state().acceptUnsigned()),
                settings.batchResults());
    }

    private void error(String key, String message) {
        errors.add(new ConfigError(key, message));
    }

    /** The topology's own errors are reported with the configuration's, so that one start shows every problem. */
    private Topology topology(ActuatorConfig config) {
        Topology topology;
        try {
            topology = TopologyLoader.load(config.topologyFile());
        } catch (InvalidTopologyException e) {
            for (TopologyError error : e.errors()) {
                boolean wholeFile = error.path().startsWith("(");
                error(wholeFile ? "failover.topology-file" : error.path(), error.message());
            }
            return null;
        }
        return topology;
    }

    private ReconcileSettings reconcile(ActuatorConfig.Reconcile reconcile, DnsSettings dns, ScalingSettings scaling,
            ActuatorConfig.Database database) {
        Duration resync = positive("failover.reconcile.resync-interval", reconcile.resyncInterval());
        ActuatorConfig.Retry retry = reconcile.retry();
        positive("failover.reconcile.retry.initial-delay", retry.initialDelay());
        if (retry.maxDelay().compareTo(retry.initialDelay()) < 0) {
            error("failover.reconcile.retry.max-delay", "must not be below failover.reconcile.retry.initial-delay ("
                    + retry.initialDelay() + "), was " + retry.maxDelay());
        }
        if (retry.jitter().isNegative()) {
            error("failover.reconcile.retry.jitter", "must not be negative, was " + retry.jitter());
        }
        Duration throttledMax = retry.throttled().maxDelay();
        if (throttledMax.compareTo(retry.maxDelay()) < 0) {
            error("failover.reconcile.retry.throttled.max-delay",
                    "must not be below failover.reconcile.retry.max-delay ("
                            + retry.maxDelay() + "), was " + throttledMax);
        }
        Backoff backoff = new Backoff(retry.initialDelay(), retry.maxDelay(), retry.jitter(),
                () -> ThreadLocalRandom.current().nextDouble(), throttledMax);
        Duration stepPause = dns instanceof Route53Settings r53 ? r53.failbackStepPause() : Duration.ZERO;
        return new ReconcileSettings(resync, scaling.pollInterval(), backoff, stepPause,
                scaling.scaleDownAfter().orElse(null),
                positive("failover.database.watch-interval", database.watchInterval()));
    }

    /**
     * One scaler per place a target's capacity lives in. Each ECS and Auto Scaling region must be one the AWS SDK knows
     * or have an endpoint of its own; each Kubernetes cluster a ref names must be configured, one way. Nothing falls back
     * to this actuator's own region or cluster: that is the region it would scale by mistake.
     */
    private ScalingSettings scaling(ActuatorConfig.Scaling scaling, Optional<String> ownRegion, Topology topology) {
        scaling.awsRegion()
                .ifPresent(r -> error("failover.scaling.aws-region", "is no longer read: a scaling ref is called "
                        + "in its target's region, or the region it names (scaling.region); remove the setting"));
        Map<ScalingSettings.Placed, String> firstUse = new LinkedHashMap<>();
        Map<String, List<PlacedTarget>> clusterTargets = new TreeMap<>();
        if (topology != null) {
            eachTarget(topology, (path, target) -> {
                if (target.scaling() != null) {
                    ScalingSettings.Placed placed = ScalingSettings.Placed.of(target.scaling());
                    firstUse.putIfAbsent(placed, path + ".scaling");
                    if (placed.place() instanceof ScalingRef.Place.Cluster cluster) {
                        clusterTargets.computeIfAbsent(cluster.name(), n -> new ArrayList<>())
                                .add(new PlacedTarget(path, target.region()));
                    }
                }
            });
        }
        clusterTargets.forEach((name, targets) -> inClusterOnlyForOwnRegion(name, targets,
                scaling.kubernetesClusters().get(name), ownRegion));
        ScalingSettings.Aws aws = new ScalingSettings.Aws(scaling.awsEndpointOverrides(), scaling.awsEndpointOverride(),
                scaling.awsStsEndpointOverride());
        Map<String, ScalingSettings.Cluster> clusters = new TreeMap<>();
        firstUse.forEach((placed, path) -> {
            if (placed.place() instanceof ScalingRef.Place.Aws place) {
                awsRegion(path, place.region(), aws);
            } else if (placed.place() instanceof ScalingRef.Place.Cluster cluster
                    && !clusters.containsKey(cluster.name())) {
                cluster(path, cluster.name(), scaling.kubernetesClusters().get(cluster.name()))
                        .ifPresent(c -> clusters.put(cluster.name(), c));
            }
        });
        Duration poll = positive("failover.scaling.poll-interval", scaling.pollInterval());
        if (scaling.pilotLightOnDemandPercentage() < 0 || scaling.pilotLightOnDemandPercentage() > 100) {
            error("failover.scaling.pilot-light-on-demand-percentage", "must be between 0 and 100, was "
                    + scaling.pilotLightOnDemandPercentage());
        }
        scaling.scaleDownAfter().filter(Duration::isNegative)
                .ifPresent(after -> error("failover.scaling.scale-down-after",
                        "must not be negative, was " + after));
        return new ScalingSettings(firstUse.keySet(), aws, clusters, poll, scaling.pilotLightOnDemandPercentage(),
                scaling.scaleDownAfter(), lease.clientCallTimeout(CLIENT_CALL_TIMEOUT));
    }

    /** A region the SDK does not know would be called at a made-up host name: refused unless it has an endpoint. */
    private void awsRegion(String path, String region, ScalingSettings.Aws aws) {
        if (aws.endpointFor(region).isEmpty() && !Region.regions().contains(Region.of(region))) {
            error(path + ".region", "'" + region + "' is not an AWS region this actuator knows, and "
                    + "failover.scaling.aws-endpoint-overrides has no endpoint for it");
        }
    }

    /**
     * {@code in-cluster=true} means the cluster this pod runs in, which is in this actuator's region: a target of another
     * region placed there would be scaled in the wrong cluster by every region sharing the configuration.
     */
    private void inClusterOnlyForOwnRegion(String name, List<PlacedTarget> targets,
            ActuatorConfig.KubernetesCluster config,
            Optional<String> ownRegion) {
        if (config == null || !config.inCluster() || config.context().isPresent() || config.apiUrl().isPresent()) {
            return; // not configured, or not in-cluster alone: reported by cluster(...)
        }
        String key = "failover.scaling.kubernetes-clusters." + name + ".in-cluster";
        if (ownRegion.isEmpty()) {
            error("failover.region",
                    "is required with " + key + "=true: the cluster this pod runs in is only its own region's");
            return;
        }
        targets.stream().filter(t -> !t.region().equals(ownRegion.get())).findFirst().ifPresent(t -> error(key,
                "this actuator runs in " + ownRegion.get() + " (failover.region), but " + t.path() + " of region "
                        + t.region()
                        + " is scaled in this cluster: reach it by context or api-url"));
    }

    /** A target scaled in a Kubernetes cluster, by its place in the topology. */
    private record PlacedTarget(String path, String region) {
    }

    private Optional<ScalingSettings.Cluster> cluster(String path, String name,
            ActuatorConfig.KubernetesCluster config) {
        String key = "failover.scaling.kubernetes-clusters." + name;
        if (config == null) {
            error(path + ".cluster",
                    "'" + name + "' is not configured: set " + key + ".in-cluster, .context or .api-url "
                            + "(a ref without cluster is in the cluster named like its target's region)");
            return Optional.empty();
        }
        int ways = (config.inCluster() ? 1 : 0) + (config.context().isPresent() ? 1 : 0)
                + (config.apiUrl().isPresent() ? 1 : 0);
        if (ways != 1) {
            error(key, "must set exactly one of in-cluster=true, context, api-url; " + ways + " are set");
            return Optional.empty();
        }
        if (config.inCluster()) {
            return Optional.of(new ScalingSettings.Cluster.InCluster());
        }
        if (config.context().isPresent()) {
            return Optional.of(new ScalingSettings.Cluster.KubeconfigContext(config.context().get()));
        }
        java.net.URI url = config.apiUrl().get();
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
            error(key + ".api-url", "must be an https URL, was " + url);
        }
        if (config.tokenFile().isEmpty()) {
            error(key + ".token-file", "required with " + key + ".api-url");
            return Optional.empty();
        }
        readable(key + ".token-file", config.tokenFile().get());
        config.caFile().ifPresent(ca -> readable(key + ".ca-file", ca));
        return Optional.of(new ScalingSettings.Cluster.ApiServer(url, config.tokenFile().get(), config.caFile()));
    }

    /**
     * Every credentials name the topology's database nodes use must have a login here, with a readable password file
     * where one is given; the password is read once, at start.
     */
    private ActuatorSettings.DatabaseSettings databases(ActuatorConfig.Database database, Topology topology) {
        String prefix = "failover.database.credentials.";
        Map<String, Databases.Login> logins = new TreeMap<>();
        Duration callTimeout = positive("failover.database.call-timeout", database.callTimeout());
        Duration lands = LeaseTerms.postgresLandsWithin(callTimeout);
        if (!callTimeout.isNegative() && !callTimeout.isZero() && callTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            // the driver would wait a whole second, longer than the lease's bound counts (ADR 0006)
            error("failover.database.call-timeout", "must be at least 1s (PostgreSQL's driver counts its timeouts in"
                    + " whole seconds), was " + callTimeout);
        } else if (lands.compareTo(lease.surelyAhead()) > 0) {
            error("failover.database.call-timeout", "must be at most half of " + lease.surelyAhead() + " ("
                    + LeaseTerms.SESSION_KEY + " less " + LeaseTerms.HEARTBEAT_KEY + ", the lease's reading and a"
                    + " heartbeat's answer), was " + callTimeout + ": a fence"
                    + " or promotion may land two call timeouts (its connection, its statement) after it is asked for,"
                    + " and the lease refuses a write that may land after another actuator could own the group (ADR 0006)");
        }
        String sslMode = database.sslMode().trim();
        if (!SSL_MODES.contains(sslMode)) {
            error("failover.database.ssl-mode",
                    "'" + database.sslMode() + "' is not one of " + String.join(", ", SSL_MODES));
        }
        Path rootCert = database.sslRootCert().orElse(null);
        if (rootCert != null && !Files.isReadable(rootCert)) {
            error("failover.database.ssl-root-cert", "cannot read " + rootCert);
        }
        String maintenance = database.maintenanceDatabase().trim();
        if (maintenance.isEmpty()) {
            error("failover.database.maintenance-database", "must name a database (default postgres)");
        }
        if (topology == null) {
            return new ActuatorSettings.DatabaseSettings(logins, callTimeout, sslMode, rootCert, maintenance); // errors reported already
        }
        eachTarget(topology, (path, target) -> {
            if (target == null || target.database() == null || target.database().credentials() == null) {
                return;
            }
            String name = target.database().credentials();
            ActuatorConfig.DatabaseLogin login = database.credentials().get(name);
            if (login == null) {
                error(prefix + name + ".user",
                        "is required: " + path + ".database names the credentials '" + name + "'");
                return;
            }
            if (login.user().isBlank()) {
                error(prefix + name + ".user", "must not be blank");
            }
            String password = login.passwordFile().map(file -> password(prefix + name + ".password-file", file))
                    .orElse(null);
            logins.put(name, new Databases.Login(login.user(), password));
        });
        return new ActuatorSettings.DatabaseSettings(logins, callTimeout, sslMode, rootCert, maintenance);
    }

    /** PgJDBC's sslmode values. */
    private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    /** The file's content without its trailing line break; null (and an error naming the key) when unreadable. */
    private String password(String key, Path file) {
        try {
            return Files.readString(file).stripTrailing();
        } catch (IOException e) {
            error(key, "cannot read " + file);
            return null;
        }
    }

    private void readable(String key, Path file) {
        if (!Files.isReadable(file)) {
            error(key, "cannot read " + file);
        }
    }

    /** DNS TTLs are whole seconds: a floor of 2.5 s would be served as something else than configured. */
    private int ttlFloorSeconds(Duration floor) {
        String key = "failover.switchover.ttl-floor";
        if (floor.toMillis() % 1000 != 0 || floor.toSeconds() < 1 || floor.toSeconds() > 3600) {
            error(key, "must be whole seconds between 1s and 3600s, was " + floor);
            return TrafficPlan.DEFAULT_TTL_FLOOR_SECONDS;
        }
        return (int) floor.toSeconds();
    }

    private Duration positive(String key, Duration value) {
        return positive(this::error, key, value);
    }

    static Duration positive(BiConsumer<String, String> error, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            error.accept(key, "must be positive, was " + value);
        }
        return value;
    }

    /** Calls {@code visitor} with each target and its path. */
    private static void eachTarget(Topology topology, BiConsumer<String, Target> visitor) {
        for (int g = 0; g < topology.groups().size(); g++) {
            FailoverGroup group = topology.groups().get(g);
            for (int t = 0; t < group.targets().size(); t++) {
                visitor.accept("groups[" + g + "].targets[" + t + "]", group.targets().get(t));
            }
        }
    }
}
