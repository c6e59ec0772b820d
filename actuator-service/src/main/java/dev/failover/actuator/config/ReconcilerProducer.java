package dev.failover.actuator.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53DnsProvider;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.Reconciler;
import dev.failover.actuator.domain.TrafficPlan;
import dev.failover.actuator.messaging.ActuationPublisher;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.messaging.ReconcileLoop;
import dev.failover.actuator.scaling.AutoScalingGroupScaler;
import dev.failover.actuator.scaling.EcsScaler;
import dev.failover.actuator.scaling.KubernetesScaler;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Topology;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.security.KafkaSecurityCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * Builds the reconciler, its loop and its backends at start-up from the settings {@link ActuatorConfigResolver} checked;
 * a setting that is missing or wrong, or a topology this actuator cannot serve, stops the start with every bad key named.
 */
@Singleton
public class ReconcilerProducer {

    private static final Logger LOG = Logger.getLogger(ReconcilerProducer.class);
    /** One ECS or Auto Scaling API call; the loop retries after it, so it can be short. */
    private static final java.time.Duration SCALER_CALL_TIMEOUT = java.time.Duration.ofSeconds(10);

    @Produces
    @Singleton
    ActuatorSettings settings(ActuatorConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        KafkaSecurityCheck kafkaSecurity = KafkaSecurityCheck.of(kafka);
        ActuatorSettings settings = ActuatorConfigResolver.resolve(config, ReconcilerProducer::sdkDefaultRegion, kafkaSecurity);
        kafkaSecurity.warning().ifPresent(LOG::warn);
        LOG.infof("topology %s loaded: %d groups", config.topologyFile(), settings.topology().groups().size());
        return settings;
    }

    /** The AWS SDK's region chain (AWS_REGION, profile), for ECS and Auto Scaling targets when no region is configured. */
    static Optional<String> sdkDefaultRegion() {
        try {
            return Optional.of(DefaultAwsRegionProviderChain.builder().build().getRegion().id());
        } catch (SdkClientException e) {
            return Optional.empty();
        }
    }

    @Produces
    @Singleton
    Topology topology(ActuatorSettings settings) {
        return settings.topology();
    }

    @Produces
    @Singleton
    DnsProvider dnsProvider(ActuatorSettings settings) {
        DnsProvider provider;
        if (settings.dns() instanceof Rfc2136Settings rfc2136) {
            provider = new Rfc2136DnsProvider(rfc2136);
        } else if (settings.dns() instanceof Route53Settings route53) {
            provider = new Route53DnsProvider(route53Client(route53), route53);
        } else {
            DryRunDnsProvider dryRun = new DryRunDnsProvider(DnsProvider.Routing.SINGLE);
            // as a real zone before the plane is deployed: each record serves its chain's first target, unmarked
            TrafficPlan plan = trafficPlan(settings, dryRun);
            settings.topology().groups().forEach(g -> dryRun.serve(RecordKey.of(g), plan.initial(g)));
            provider = dryRun;
        }
        LOG.infof("DNS provider: %s (%s routing)", provider.name(), provider.routing());
        return provider;
    }

    /** The SDK's own retries are off: the reconcile loop retries, so that there is one policy, measured and tested. */
    static Route53Client route53Client(Route53Settings settings) {
        var builder = Route53Client.builder()
                .region(Region.of(settings.signingRegion()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(settings.callTimeout())
                        .socketTimeout(settings.callTimeout()).build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(settings.callTimeout()));
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * How the record's sets carry traffic: weights and failback steps only with Route 53 weighted routing; planned moves
     * lower the TTL to the configured floor first.
     */
    static TrafficPlan trafficPlan(ActuatorSettings settings, DnsProvider dns) {
        if (settings.dns() instanceof Route53Settings route53 && dns.routing() == DnsProvider.Routing.WEIGHTED) {
            return new TrafficPlan(DnsProvider.Routing.WEIGHTED, route53.activeWeight(), route53.failbackSteps(),
                    settings.ttlFloorSeconds());
        }
        return new TrafficPlan(dns.routing(), 100, List.of(), settings.ttlFloorSeconds());
    }

    @Produces
    @Singleton
    KafkaDesiredStore desiredStore(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        return new KafkaDesiredStore(new KafkaClientProperties(kafka));
    }

    void closeDesiredStore(@Disposes KafkaDesiredStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Reconciler reconciler(ActuatorSettings settings, DnsProvider dns, KafkaDesiredStore store, ActuationPublisher publisher,
            ActuatorMetrics metrics, Instance<KubernetesClient> kubernetes) {
        Reconciler reconciler = new Reconciler(settings.topology(), dns, scalers(settings.scaling(), kubernetes),
                trafficPlan(settings, dns), store, publisher::publish, Clock.systemUTC(), settings.reconcile());
        settings.topology().groups().forEach(g -> metrics.trackGroup(g.id(), () -> reconciler.status(g.id())));
        return reconciler;
    }

    @Produces
    @Singleton
    ReconcileLoop loop(ActuatorSettings settings, Reconciler reconciler) {
        return new ReconcileLoop(reconciler, settings.parallelGroups(), settings.reconcile().backoff());
    }

    void closeLoop(@Disposes ReconcileLoop loop) {
        loop.close();
    }

    /** A scaler for each kind the topology uses, and only those: no AWS or Kubernetes client is made for nothing. */
    static Scalers scalers(ScalingSettings settings, Instance<KubernetesClient> kubernetes) {
        List<Scaler<?>> scalers = new ArrayList<>();
        for (ScalingRef.Kind kind : settings.kinds()) {
            Scaler<?> scaler = switch (kind) {
                case ECS -> new EcsScaler(aws(EcsClient.builder(), settings).build());
                case AUTO_SCALING_GROUP -> new AutoScalingGroupScaler(aws(AutoScalingClient.builder(), settings).build(),
                        settings.pilotLightOnDemandPercentage());
                case KUBERNETES -> new KubernetesScaler(kubernetes.get());
            };
            scalers.add(scaler);
            LOG.infof("scaler for %s targets: %s", kind.label(), scaler.getClass().getSimpleName());
        }
        return new Scalers(scalers);
    }

    /** The resolver makes {@code aws} present whenever the topology has ECS or Auto Scaling targets. */
    private static <B extends AwsClientBuilder<B, ?>> B aws(B builder, ScalingSettings settings) {
        ScalingSettings.Aws aws = settings.aws().orElseThrow();
        builder.region(Region.of(aws.region()));
        builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        // one retry policy (the reconcile loop's), not two stacked; a hung call must not hold a reconcile thread for long
        builder.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(SCALER_CALL_TIMEOUT));
        aws.endpointOverride().ifPresent(builder::endpointOverride);
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClient(UrlConnectionHttpClient.builder().build());
        }
        return builder;
    }

    /** Runs first: a bad topology or DNS setting is reported before anything waits on Kafka. */
    void loadAtStartup(@Observes @Priority(1) StartupEvent event, Reconciler reconciler, KafkaDesiredStore store) {
        store.ensureTopic();
    }
}
