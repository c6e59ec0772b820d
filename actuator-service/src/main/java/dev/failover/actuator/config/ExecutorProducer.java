package dev.failover.actuator.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.RetryingDnsProvider;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53DnsProvider;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.DecisionExecutor;
import dev.failover.actuator.fence.KafkaEpochFence;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.retry.RetrySettings;
import dev.failover.actuator.scaling.AutoScalingGroupScaler;
import dev.failover.actuator.scaling.EcsScaler;
import dev.failover.actuator.scaling.KubernetesScaler;
import dev.failover.actuator.scaling.RetryingScaler;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Topology;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.StartupEvent;
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
 * Builds the executor and its backends at start-up from the settings {@link ActuatorConfigResolver} checked; a setting
 * that is missing or wrong, or a topology this actuator cannot serve, stops the start with every bad key named.
 */
@Singleton
public class ExecutorProducer {

    private static final Logger LOG = Logger.getLogger(ExecutorProducer.class);

    @Produces
    @Singleton
    ActuatorSettings settings(ActuatorConfig config) {
        ActuatorSettings settings = ActuatorConfigResolver.resolve(config, ExecutorProducer::sdkDefaultRegion);
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
    DnsProvider dnsProvider(ActuatorSettings settings, ActuatorMetrics metrics) {
        DnsProvider provider;
        if (settings.dns() instanceof Rfc2136Settings rfc2136) {
            provider = new Rfc2136DnsProvider(rfc2136);
        } else if (settings.dns() instanceof Route53Settings route53) {
            provider = new Route53DnsProvider(route53Client(route53), route53);
        } else {
            provider = new DryRunDnsProvider();
        }
        LOG.infof("DNS provider: %s", provider.name());
        return provider instanceof DryRunDnsProvider ? provider : new RetryingDnsProvider(provider, settings.retry(), metrics);
    }

    /** The SDK's own retries are off: the provider's retry policy decides, so that it is one policy, measured and tested. */
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

    @Produces
    @Singleton
    DecisionExecutor executor(ActuatorSettings settings, DnsProvider dns, KafkaEpochFence fence, ActuatorMetrics metrics,
            Instance<KubernetesClient> kubernetes) {
        Topology topology = settings.topology();
        topology.groups().forEach(g -> metrics.trackEpoch(g.id(), fence::lastApplied));
        var delayed = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "actuator-scale-down");
            t.setDaemon(true);
            return t;
        });
        return new DecisionExecutor(topology, fence, dns, scalers(settings.scaling(), settings.retry(), metrics, kubernetes),
                settings.verifyTimeout(), Clock.systemUTC(), settings.scaling().scaleDownAfter().orElse(null),
                (task, delay) -> delayed.schedule(task, delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** A scaler for each kind the topology uses, and only those: no AWS or Kubernetes client is made for nothing. */
    static Scalers scalers(ScalingSettings settings, RetrySettings retry, ActuatorMetrics metrics,
            Instance<KubernetesClient> kubernetes) {
        List<Scaler<?>> scalers = new ArrayList<>();
        for (ScalingRef.Kind kind : settings.kinds()) {
            Scaler<?> scaler = switch (kind) {
                case ECS -> new EcsScaler(aws(EcsClient.builder(), settings).build(), settings.pollInterval());
                case AUTO_SCALING_GROUP -> new AutoScalingGroupScaler(aws(AutoScalingClient.builder(), settings).build(),
                        settings.pollInterval(), settings.pilotLightOnDemandPercentage());
                case KUBERNETES -> new KubernetesScaler(kubernetes.get(), settings.pollInterval());
            };
            scalers.add(retrying(scaler, retry, metrics));
            LOG.infof("scaler for %s targets: %s", kind.label(), scaler.getClass().getSimpleName());
        }
        return new Scalers(scalers);
    }

    private static <R extends ScalingRef> Scaler<R> retrying(Scaler<R> scaler, RetrySettings retry, ActuatorMetrics metrics) {
        return new RetryingScaler<>(scaler, retry, metrics);
    }

    /** The resolver makes {@code aws} present whenever the topology has ECS or Auto Scaling targets. */
    private static <B extends AwsClientBuilder<B, ?>> B aws(B builder, ScalingSettings settings) {
        ScalingSettings.Aws aws = settings.aws().orElseThrow();
        builder.region(Region.of(aws.region()));
        builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        // one retry policy (RetryingScaler), not two stacked
        builder.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        aws.endpointOverride().ifPresent(builder::endpointOverride);
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClient(UrlConnectionHttpClient.builder().build());
        }
        return builder;
    }

    /** Runs first: a bad topology or DNS setting is reported before anything waits on Kafka. */
    void loadAtStartup(@Observes @Priority(1) StartupEvent event, DecisionExecutor executor, KafkaEpochFence fence) {
        fence.ensureTopic();
    }
}
