package dev.failover.actuator.startup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import dev.failover.actuator.aws.WholeResponses;
import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.database.AuroraGlobalDatabase;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresDatabase;
import dev.failover.actuator.database.RdsDatabase;
import dev.failover.actuator.dns.ArcRoutingControlProvider;
import dev.failover.actuator.dns.ArcSafetyRuleCatalog;
import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.regionswitch.AwsRegionSwitch;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.AutoScalingGroupScaler;
import dev.failover.actuator.scaling.EcsScaler;
import dev.failover.actuator.scaling.KubernetesScaler;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.arcregionswitch.ArcRegionSwitchClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.route53recoverycontrolconfig.Route53RecoveryControlConfigClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The clients of the backends the actuator acts on, built from the checked settings alone: Route 53, ARC, AWS (scaling,
 * databases, Region switch, each region's own, a role assumed where the target's account wants one) and Kubernetes. The
 * SDKs' own retries are off everywhere: the reconcile loop retries, so that there is one policy, measured and tested.
 */
final class BackendClients {

    private static final Logger LOG = Logger.getLogger(BackendClients.class);

    private BackendClients() {
    }

    /** How the actuator's calls show in the target account's CloudTrail when it assumes a role there. */
    static final String ROLE_SESSION_NAME = "failover-actuator";

    /**
     * A Route 53 instance's client, with its role assumed through its own region's STS where it names one (ADR 0036). The
     * SDK's own retries are off: the reconcile loop retries, so that there is one policy, measured and tested.
     */
    static Route53Client route53Client(Route53Settings settings) {
        AwsCredentialsProvider own = DefaultCredentialsProvider.builder().build();
        var builder = Route53Client.builder()
                .region(Region.of(settings.signingRegion()))
                .credentialsProvider(settings.role()
                        .map(role -> assumedRole(role.arn(), role.stsRegion(), Optional.empty(),
                                settings.callTimeout(), own))
                        .orElse(own))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(settings.callTimeout())
                        .socketTimeout(settings.callTimeout()).build())
                .overrideConfiguration(c -> c.addExecutionInterceptor(WholeResponses.INSTANCE)
                        .retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(settings.callTimeout()));
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * An ARC instance's provider for the groups configured for it: one client per regional endpoint, each signed for
     * its region with credentials of its own (the role assumed through that region's STS), with the per-endpoint timeout
     * and no SDK retries (the provider moves on to the next endpoint; the loop retries). The first endpoint tried is
     * random, so that the actuators of several regions do not all start at the same one.
     */
    static ArcRoutingControlProvider arcProvider(ArcSettings arc, ArcSafetyRuleCatalog safetyRules, Lease lease) {
        AwsCredentialsProvider own = DefaultCredentialsProvider.builder().build();
        List<ArcRoutingControlProvider.Endpoint> endpoints = arc.endpoints().stream().map(e -> {
            AwsCredentialsProvider credentials = arcCredentials(arc, e.region(), own);
            Route53RecoveryClusterClient client = Route53RecoveryClusterClient.builder().region(Region.of(e.region()))
                    .endpointOverride(e.url()).credentialsProvider(credentials)
                    .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(arc.endpointTimeout())
                            .socketTimeout(arc.endpointTimeout()).build())
                    .overrideConfiguration(c -> c.addExecutionInterceptor(WholeResponses.INSTANCE)
                            .retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallTimeout(arc.endpointTimeout()))
                    .build();
            return new ArcRoutingControlProvider.Endpoint(e.region(), e.url().toString(), client);
        }).toList();
        LOG.infof("ARC routing controls for groups %s through %d endpoints",
                new java.util.TreeSet<>(arc.groups().keySet()),
                endpoints.size());
        return new ArcRoutingControlProvider(endpoints, arc.groups(),
                ThreadLocalRandom.current().nextInt(endpoints.size()),
                safetyRules, ArcRoutingControlProvider.updateBudget(), lease);
    }

    /** The ARC groups' record: their routing controls switch, one step (ADR 0014). */
    static GroupDns arcDns(DnsProvider provider, int ttlFloorSeconds) {
        return GroupDns.oneLane(provider, new TrafficPlan(DnsProvider.Routing.SWITCHES, 1, List.of(), ttlFloorSeconds));
    }

    /**
     * The safety rules of an ARC instance's control panels, checked before a database moves (ADR 0020), read in the
     * background from the control-configuration API in us-west-2 with the instance's credentials for that region;
     * nothing when it switches no group.
     */
    static ArcSafetyRuleCatalog arcSafetyRules(ArcSettings arc) {
        if (arc.groups().isEmpty()) {
            return ArcSafetyRuleCatalog.none();
        }
        var builder = Route53RecoveryControlConfigClient.builder().region(Region.of(ArcSettings.CONTROL_CONFIG_REGION))
                .credentialsProvider(arcCredentials(arc, ArcSettings.CONTROL_CONFIG_REGION,
                        DefaultCredentialsProvider.builder().build()))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(arc.endpointTimeout())
                        .socketTimeout(arc.endpointTimeout()).build())
                .overrideConfiguration(c -> c.addExecutionInterceptor(WholeResponses.INSTANCE)
                        .apiCallTimeout(arc.endpointTimeout().multipliedBy(3)));
        arc.controlConfigEndpointOverride().ifPresent(builder::endpointOverride);
        ArcSafetyRuleCatalog catalog = new ArcSafetyRuleCatalog(builder.build(), arc.controlPanels(),
                Clock.systemUTC());
        catalog.start(arc.safetyRulesRefresh());
        return catalog;
    }

    /** The ARC credentials for calls signed for {@code region}: the role assumed through that region's STS, or our own. */
    static AwsCredentialsProvider arcCredentials(ArcSettings arc, String region, AwsCredentialsProvider own) {
        return arc.roleArn()
                .map(role -> assumedRole(role, region, arc.stsEndpointOverride(), arc.endpointTimeout(), own))
                .orElse(own);
    }

    /**
     * The database backends (ADR 0020): PostgreSQL over JDBC with the logins the configuration gives; RDS and Aurora
     * global databases with an RDS and a CloudWatch client per place (region and role) made on first use, each with that
     * place's credentials and the scaling clients' endpoint overrides, timeout and no retry of its own.
     */
    static Databases databases(ActuatorSettings.DatabaseSettings settings, ScalingSettings scaling) {
        ScalingSettings.Aws aws = scaling.aws();
        java.time.Duration timeout = scaling.callTimeout();
        AwsCredentialsProvider own = DefaultCredentialsProvider.builder().build();
        Map<ScalingRef.Place.Aws, AwsCredentialsProvider> credentials = new java.util.concurrent.ConcurrentHashMap<>();
        Map<ScalingRef.Place.Aws, RdsClient> rds = new java.util.concurrent.ConcurrentHashMap<>();
        Map<ScalingRef.Place.Aws, CloudWatchClient> cloudWatch = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<ScalingRef.Place.Aws, RdsClient> rdsIn = place -> rds.computeIfAbsent(place,
                p -> aws(RdsClient.builder(), aws, p,
                        credentials.computeIfAbsent(p, c -> credentials(c, aws, own, timeout)),
                        timeout).build());
        java.util.function.Function<ScalingRef.Place.Aws, CloudWatchClient> cloudWatchIn = place -> cloudWatch
                .computeIfAbsent(
                        place,
                        p -> aws(CloudWatchClient.builder(), aws, p,
                                credentials.computeIfAbsent(p, c -> credentials(c, aws, own,
                                        timeout)),
                                timeout).build());
        return new Databases(new PostgresDatabase(settings.callTimeout(), settings.sslMode(), settings.sslRootCert(),
                settings.maintenance()),
                new RdsDatabase(ref -> rdsIn.apply(new ScalingRef.Place.Aws(ref.region(), ref.roleArn())),
                        ref -> cloudWatchIn.apply(new ScalingRef.Place.Aws(ref.region(), ref.roleArn())),
                        Clock.systemUTC()),
                new AuroraGlobalDatabase(ref -> rdsIn.apply(new ScalingRef.Place.Aws(ref.region(), ref.roleArn())),
                        ref -> cloudWatchIn.apply(new ScalingRef.Place.Aws(ref.region(), ref.roleArn())),
                        Clock.systemUTC()),
                settings.logins());
    }

    /**
     * ARC Region switch (ADR 0028): a client per place (the region a plan activates, and the plan's role) made on first
     * use, with that place's credentials and the AWS clients' endpoint overrides, timeout and no retry of its own, as the
     * scalers' and databases'. Its writes ask the lease first.
     */
    static RegionSwitch regionSwitch(ScalingSettings scaling, dev.failover.actuator.lease.Lease lease) {
        ScalingSettings.Aws aws = scaling.aws();
        AwsCredentialsProvider own = DefaultCredentialsProvider.builder().build();
        Map<ScalingRef.Place.Aws, ArcRegionSwitchClient> clients = new java.util.concurrent.ConcurrentHashMap<>();
        return new AwsRegionSwitch(
                plan -> clients.computeIfAbsent(new ScalingRef.Place.Aws(plan.region(), plan.roleArn()),
                        p -> aws(ArcRegionSwitchClient.builder(), aws, p,
                                credentials(p, aws, own, scaling.callTimeout()),
                                scaling.callTimeout()).build()),
                lease);
    }

    /**
     * A scaler for each place the topology's targets are in, and only those: ECS and Auto Scaling clients for each region
     * (and role), a Kubernetes client for each cluster, all made here at start. The owner of a group calls its target's
     * region or cluster with that place's credentials, whatever region it runs in (ADR 0005).
     */
    static Scalers scalers(ScalingSettings settings) {
        Map<ScalingSettings.Placed, Scaler<?>> scalers = new LinkedHashMap<>();
        AwsCredentialsProvider own = DefaultCredentialsProvider.builder().build();
        Map<ScalingRef.Place.Aws, AwsCredentialsProvider> credentials = new HashMap<>();
        Map<String, KubernetesClient> clusters = new HashMap<>();
        for (ScalingSettings.Placed placed : settings.scalers()) {
            Scaler<?> scaler = switch (placed.kind()) {
                case ECS -> new EcsScaler(aws(EcsClient.builder(), settings.aws(), aws(placed),
                        credentials.computeIfAbsent(aws(placed), p -> credentials(p, settings.aws(), own,
                                settings.callTimeout())),
                        settings.callTimeout()).build());
                case AUTO_SCALING_GROUP -> new AutoScalingGroupScaler(
                        aws(AutoScalingClient.builder(), settings.aws(), aws(placed),
                                credentials.computeIfAbsent(aws(placed), p -> credentials(p, settings.aws(), own,
                                        settings.callTimeout())),
                                settings.callTimeout()).build(),
                        settings.pilotLightOnDemandPercentage());
                case KUBERNETES -> {
                    String name = ((ScalingRef.Place.Cluster) placed.place()).name();
                    yield new KubernetesScaler(
                            clusters.computeIfAbsent(name, n -> kubernetes(settings.clusters().get(n),
                                    settings.callTimeout())));
                }
            };
            scalers.put(placed, scaler);
            LOG.infof("scaler for %s targets: %s", placed, scaler.getClass().getSimpleName());
        }
        return new Scalers(scalers);
    }

    private static ScalingRef.Place.Aws aws(ScalingSettings.Placed placed) {
        return (ScalingRef.Place.Aws) placed.place();
    }

    /** The actuator's own credentials (IRSA, env, profile), or a role of the target's account assumed with them. */
    static AwsCredentialsProvider credentials(ScalingRef.Place.Aws place, ScalingSettings.Aws aws,
            AwsCredentialsProvider own, java.time.Duration callTimeout) {
        return place.roleArn() == null ? own
                : assumedRole(place.roleArn(), place.region(), aws.stsEndpointOverride(), callTimeout, own);
    }

    /**
     * A role assumed with the actuator's own credentials through {@code region}'s STS (or the override), the one way
     * every AWS backend assumes one: fetched at once in the background, and renewed in the background
     * from five minutes before expiry (the SDK's prefetch time), so that no call of a failover waits for STS, nor fails
     * because that region's STS is impaired just then while the credentials in hand are still good. Only once they are
     * within a minute of expiry (the SDK's stale time) does a call fetch them itself.
     */
    static AwsCredentialsProvider assumedRole(String roleArn, String region, Optional<java.net.URI> stsEndpointOverride,
            java.time.Duration callTimeout, AwsCredentialsProvider own) {
        return assumedRole(roleArn, region, stsEndpointOverride, callTimeout, own, RENEWAL);
    }

    /**
     * When assumed-role credentials are renewed: from {@code prefetch} before expiry in the background (the SDK spreads
     * the renewals of many providers over the window up to {@code stale}), and on the calling thread only from
     * {@code stale} before expiry. Production uses the SDK's defaults, {@link #RENEWAL}.
     */
    record Renewal(java.time.Duration prefetch, java.time.Duration stale) {
    }

    static final Renewal RENEWAL = new Renewal(java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(1));

    static AwsCredentialsProvider assumedRole(String roleArn, String region, Optional<java.net.URI> stsEndpointOverride,
            java.time.Duration callTimeout, AwsCredentialsProvider own, Renewal renewal) {
        var sts = StsClient.builder().region(Region.of(region)).credentialsProvider(own)
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(
                        c -> c.addExecutionInterceptor(WholeResponses.INSTANCE).apiCallTimeout(callTimeout));
        stsEndpointOverride.ifPresent(sts::endpointOverride);
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts.build())
                .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(ROLE_SESSION_NAME))
                .prefetchTime(renewal.prefetch()).staleTime(renewal.stale()).asyncCredentialUpdateEnabled(true).build();
        java.util.concurrent.CompletableFuture.runAsync(provider::resolveCredentials).exceptionally(e -> {
            LOG.warnf("role %s not assumed through the STS of %s yet (tried again on first use): %s", roleArn, region,
                    e.getCause() != null ? e.getCause() : e);
            return null;
        });
        return provider;
    }

    /** The resolver checked that the region has a usable endpoint. */
    private static <B extends AwsClientBuilder<B, ?>> B aws(B builder, ScalingSettings.Aws aws,
            ScalingRef.Place.Aws place,
            AwsCredentialsProvider credentials, java.time.Duration callTimeout) {
        builder.region(Region.of(place.region()));
        builder.credentialsProvider(credentials);
        // one retry policy (the reconcile loop's), not two stacked; a write made under the lease lands within its margin
        builder.overrideConfiguration(c -> c.addExecutionInterceptor(WholeResponses.INSTANCE)
                .retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout));
        aws.endpointFor(place.region()).ifPresent(builder::endpointOverride);
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClient(UrlConnectionHttpClient.builder().build());
        }
        return builder;
    }

    /** A client of one cluster that, like the AWS ones, leaves retrying to the reconcile loop. */
    static KubernetesClient kubernetes(ScalingSettings.Cluster cluster, java.time.Duration callTimeout) {
        Config config;
        if (cluster instanceof ScalingSettings.Cluster.ApiServer api) {
            ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(api.url().toString())
                    .withOauthTokenProvider(() -> readToken(api.tokenFile()));
            api.caFile().ifPresent(ca -> builder.withCaCertFile(ca.toString()));
            config = builder.build();
        } else if (cluster instanceof ScalingSettings.Cluster.KubeconfigContext context) {
            config = Config.autoConfigure(context.context());
        } else {
            config = Config.autoConfigure(null); // in cluster: the pod's service account
        }
        config.setRequestRetryBackoffLimit(0);
        // connection and request together within the call timeout: a write made under the lease lands within its margin
        config.setRequestTimeout((int) callTimeout.dividedBy(2).toMillis());
        config.setConnectionTimeout((int) callTimeout.dividedBy(2).toMillis());
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kubernetes token file " + file, e);
        }
    }
}
