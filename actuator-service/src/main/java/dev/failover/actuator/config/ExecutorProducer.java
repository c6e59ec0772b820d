package dev.failover.actuator.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
import dev.failover.actuator.dns.Route53DnsProvider;
import dev.failover.actuator.domain.DecisionExecutor;
import dev.failover.actuator.fence.KafkaEpochFence;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.scaling.AutoScalingGroupScaler;
import dev.failover.actuator.scaling.EcsScaler;
import dev.failover.actuator.scaling.KubernetesScaler;
import dev.failover.actuator.scaling.RetryingScaler;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
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
 * Loads the topology, picks the DNS backend by config and builds the executor at start-up. A backend that is missing
 * a setting, or a topology it cannot serve, stops the start with the key named.
 */
@Singleton
public class ExecutorProducer {

    private static final Logger LOG = Logger.getLogger(ExecutorProducer.class);

    @Produces
    @Singleton
    Topology topology(ActuatorConfig config) {
        Topology topology = TopologyLoader.load(config.topologyFile());
        List<TopologyError> errors = new ArrayList<>();
        if (config.dns().provider() == ActuatorConfig.Provider.RFC2136) {
            for (int g = 0; g < topology.groups().size(); g++) {
                FailoverGroup group = topology.groups().get(g);
                for (int t = 0; t < group.targets().size(); t++) {
                    if (group.targets().get(t).dns().alias() != null) {
                        errors.add(new TopologyError("groups[" + g + "].targets[" + t + "].dns.alias",
                                "alias targets are a Route 53 feature; failover.dns.provider is rfc2136"));
                    }
                }
            }
        }
        if (config.dns().provider() == ActuatorConfig.Provider.ROUTE53) {
            for (int g = 0; g < topology.groups().size(); g++) {
                if (topology.groups().get(g).dns().hostedZoneId() == null) {
                    errors.add(new TopologyError("groups[" + g + "].dns.hostedZoneId",
                            "is required when failover.dns.provider is route53"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidTopologyException(config.topologyFile() + " for this actuator", errors);
        }
        LOG.infof("topology %s loaded: %d groups", config.topologyFile(), topology.groups().size());
        return topology;
    }

    @Produces
    @Singleton
    DnsProvider dnsProvider(ActuatorConfig config, ActuatorMetrics metrics) {
        ActuatorConfig.Dns dns = config.dns();
        DnsProvider provider = switch (dns.provider()) {
            case DRY_RUN -> new DryRunDnsProvider();
            case RFC2136 -> {
                ActuatorConfig.Rfc2136 rfc = dns.rfc2136();
                yield new Rfc2136DnsProvider(required(rfc.server().orElse(null), "failover.dns.rfc2136.server"), rfc.port(),
                        required(rfc.tsigKeyName().orElse(null), "failover.dns.rfc2136.tsig-key-name"), rfc.tsigAlgorithm(),
                        required(rfc.tsigSecret().orElse(null), "failover.dns.rfc2136.tsig-secret"), dns.callTimeout(),
                        dns.verifyPollInterval());
            }
            case ROUTE53 -> new Route53DnsProvider(route53Client(dns), dns.route53().routing(), dns.route53().activeWeight(),
                    dns.verifyPollInterval(), dns.route53().failbackSteps().orElse(List.of()), dns.route53().failbackStepPause());
        };
        LOG.infof("DNS provider: %s", provider.name());
        return provider instanceof DryRunDnsProvider ? provider : new RetryingDnsProvider(provider, dns.retry(), metrics);
    }

    /** The SDK's own retries are off: the provider's retry policy decides, so that it is one policy, measured and tested. */
    static Route53Client route53Client(ActuatorConfig.Dns dns) {
        var builder = Route53Client.builder()
                .region(Region.of(dns.route53().region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(dns.callTimeout()).socketTimeout(dns.callTimeout())
                        .build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(dns.callTimeout()));
        dns.route53().endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static String required(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required when failover.dns.provider is rfc2136");
        }
        return value;
    }

    @Produces
    @Singleton
    DecisionExecutor executor(Topology topology, DnsProvider dns, KafkaEpochFence fence, ActuatorConfig config,
            ActuatorMetrics metrics, Instance<KubernetesClient> kubernetes) {
        topology.groups().forEach(g -> metrics.trackEpoch(g.id(), fence::lastApplied));
        var delayed = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "actuator-scale-down");
            t.setDaemon(true);
            return t;
        });
        return new DecisionExecutor(topology, fence, dns, scalers(topology, config.scaling(), config.dns().retry(), metrics, kubernetes),
                config.dns().verifyTimeout(), Clock.systemUTC(), config.scaling().scaleDownAfter().orElse(null),
                (task, delay) -> delayed.schedule(task, delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** A scaler for each kind the topology uses, and only those: no AWS or Kubernetes client is made for nothing. */
    static Map<ScalingRef.Kind, Scaler> scalers(Topology topology, ActuatorConfig.Scaling config, ActuatorConfig.Retry retry,
            ActuatorMetrics metrics, Instance<KubernetesClient> kubernetes) {
        Set<ScalingRef.Kind> kinds = topology.groups().stream().flatMap(g -> g.targets().stream())
                .map(Target::scaling).filter(Objects::nonNull).map(ScalingRef::kind).collect(Collectors.toSet());
        Map<ScalingRef.Kind, Scaler> scalers = new EnumMap<>(ScalingRef.Kind.class);
        for (ScalingRef.Kind kind : kinds) {
            Scaler scaler = switch (kind) {
                case ECS -> new EcsScaler(aws(EcsClient.builder(), config).build(), config.pollInterval());
                case AUTO_SCALING_GROUP -> new AutoScalingGroupScaler(aws(AutoScalingClient.builder(), config).build(),
                        config.pollInterval(), config.pilotLightOnDemandPercentage());
                case KUBERNETES -> new KubernetesScaler(kubernetes.get(), config.pollInterval());
            };
            scalers.put(kind, new RetryingScaler(scaler, retry, metrics));
            LOG.infof("scaler for %s targets: %s", kind, scaler.getClass().getSimpleName());
        }
        return scalers;
    }

    private static <B extends AwsClientBuilder<B, ?>> B aws(B builder, ActuatorConfig.Scaling config) {
        try {
            builder.region(config.awsRegion().map(Region::of).orElseGet(() -> DefaultAwsRegionProviderChain.builder().build()
                    .getRegion()));
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("failover.scaling.aws-region is required: the topology has ECS or Auto Scaling "
                    + "targets and no region was found in AWS_REGION or the AWS profile", e);
        }
        builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        // one retry policy (RetryingScaler), not two stacked
        builder.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        config.awsEndpointOverride().ifPresent(builder::endpointOverride);
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
