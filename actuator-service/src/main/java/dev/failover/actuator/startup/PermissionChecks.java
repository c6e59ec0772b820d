package dev.failover.actuator.startup;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.failover.actuator.aws.WholeResponses;
import dev.failover.actuator.config.ActuatorConfig;
import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.permissions.IamPolicySimulator;
import dev.failover.actuator.permissions.KubernetesAccessReview;
import dev.failover.actuator.permissions.PermissionCheck;
import dev.failover.actuator.permissions.PermissionPlan;
import dev.failover.actuator.permissions.PermissionReports;
import dev.failover.actuator.permissions.PermissionSimulator;
import dev.failover.contract.topology.ScalingRef;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Runs the {@link PermissionCheck} at start, in the background, and then every {@code failover.permissions.check-interval}:
 * IAM and STS clients per place with that place's credentials (as the backends have them), and each Kubernetes cluster's
 * API with the scaler's identity there; each finding logged and exported ({@code failover_actuator_permission_missing},
 * alert FailoverPermissionMissing). Nothing is checked when the topology needs nothing of AWS or Kubernetes.
 */
@ApplicationScoped
public class PermissionChecks {

    private static final Logger LOG = Logger.getLogger(PermissionChecks.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Map<ScalingRef.Place.Aws, IamClient> iam = new ConcurrentHashMap<>();
    private final Map<ScalingRef.Place.Aws, StsClient> sts = new ConcurrentHashMap<>();
    private final Map<String, KubernetesClient> kubernetes = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;

    void start(@Observes StartupEvent event, ActuatorSettings settings, ActuatorConfig config, ActuatorMetrics metrics,
            PermissionReports reports) {
        ActuatorConfig.Permissions permissions = config.permissions();
        if (permissions.checkInterval().isNegative()) {
            throw new IllegalArgumentException(
                    "failover.permissions.check-interval (FAILOVER_PERMISSIONS_CHECK_INTERVAL) "
                            + "must not be negative: " + permissions.checkInterval());
        }
        // the instances default and arc: a group naming providers is refused at start until its lanes are built (ADR 0036)
        var plan = PermissionPlan.of(settings.topology(), settings.dns().fallback() instanceof Route53Settings,
                settings.dns().arc(), permissions.ownRegion());
        if (permissions.checkInterval().isZero() || plan.isEmpty()) {
            reports.notChecked(plan.isEmpty() ? "the topology needs nothing of AWS or Kubernetes"
                    : "failover.permissions.check-interval is 0", plan.size());
            LOG.infof("permissions not checked ahead (%s)", reports.notCheckedBecause());
            return;
        }
        AwsCredentialsProvider own = DefaultCredentialsProvider.builder().build();
        Map<ScalingRef.Place.Aws, AwsCredentialsProvider> credentials = new ConcurrentHashMap<>();
        java.util.function.Function<ScalingRef.Place.Aws, AwsCredentialsProvider> of = place -> credentials
                .computeIfAbsent(
                        place, p -> BackendClients.credentials(p, settings.scaling().aws(), own,
                                settings.scaling().callTimeout()));
        PermissionSimulator aws = new IamPolicySimulator(place -> iam.computeIfAbsent(place, p -> {
            // the place's region resolves to its partition's global IAM endpoint (aws, aws-us-gov, aws-cn)
            var builder = IamClient.builder().region(Region.of(p.region())).credentialsProvider(of.apply(p))
                    .httpClient(UrlConnectionHttpClient.builder().build())
                    .overrideConfiguration(
                            c -> c.addExecutionInterceptor(WholeResponses.INSTANCE).apiCallTimeout(CALL_TIMEOUT));
            permissions.iamEndpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        }), place -> sts.computeIfAbsent(place, p -> {
            var builder = StsClient.builder().region(Region.of(p.region())).credentialsProvider(of.apply(p))
                    .httpClient(UrlConnectionHttpClient.builder().build())
                    .overrideConfiguration(
                            c -> c.addExecutionInterceptor(WholeResponses.INSTANCE).apiCallTimeout(CALL_TIMEOUT));
            settings.scaling().aws().stsEndpointOverride().ifPresent(builder::endpointOverride);
            return builder.build();
        }), permissions.ownRoleArn());
        // each cluster asked with the client and identity the scaler reaches it with
        PermissionSimulator clusters = new KubernetesAccessReview(name -> kubernetes.computeIfAbsent(name,
                n -> BackendClients.kubernetes(java.util.Objects.requireNonNull(settings.scaling().clusters().get(n),
                        () -> "no settings for Kubernetes cluster " + n), settings.scaling().callTimeout())));
        PermissionCheck check = new PermissionCheck(plan, PermissionSimulator.byPlace(aws, clusters),
                Clock.systemUTC());
        reports.checking(check);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "permission-check");
            thread.setDaemon(true);
            return thread;
        });
        long every = permissions.checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> run(check, metrics), 0, every, TimeUnit.MILLISECONDS);
        LOG.infof("%d permissions the topology needs checked ahead every %s", plan.size(), permissions.checkInterval());
    }

    static void run(PermissionCheck check, ActuatorMetrics metrics) {
        try {
            PermissionCheck.Report report = check.run();
            report.missing().forEach(a -> LOG.warnf("permission missing: %s on %s for %s (%s; %s)", a.needed().action(),
                    a.resource(), a.needed().place(), a.needed().why(), a.detail()));
            report.unknown().forEach((place, why) -> LOG.warnf("permissions of %s not checked: %s", place, why));
            check.exportTo(metrics, report);
            if (report.missing().isEmpty() && report.unknown().isEmpty()) {
                LOG.infof("all %d permissions the topology needs are granted", check.plan().size());
            }
        } catch (RuntimeException e) {
            LOG.warn("permission check failed", e); // the scheduler would stop on a throw
        }
    }

    @PreDestroy
    void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        iam.values().forEach(IamClient::close);
        sts.values().forEach(StsClient::close);
        kubernetes.values().forEach(KubernetesClient::close);
    }
}
