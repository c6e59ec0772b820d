package dev.failover.actuator.startup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.failover.actuator.aws.WholeResponses;
import dev.failover.actuator.config.ActuatorConfig;
import dev.failover.actuator.config.ActuatorConfigResolver;
import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.ArcSafetyRuleCatalog;
import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.LeasedDnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.actuator.dns.Route53DnsProvider;
import dev.failover.actuator.dns.Route53Settings;
import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Wiring;
import dev.failover.actuator.lease.CoordinatorLease;
import dev.failover.actuator.lease.LeaseTerms;
import dev.failover.actuator.messaging.ActuationPublisher;
import dev.failover.actuator.messaging.ReconcileLoop;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.actuator.state.KafkaEvidenceStore;
import dev.failover.contract.event.Topics;
import dev.failover.contract.topology.Topology;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.security.KafkaSecurityCheck;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53recoverycontrolconfig.Route53RecoveryControlConfigClient;

/**
 * Builds the reconciler, its loop and its backends at start-up from the settings {@link ActuatorConfigResolver} checked;
 * a setting that is missing or wrong, or a topology this actuator cannot serve, stops the start with every bad key named.
 */
@Singleton
public class ReconcilerProducer {

    private static final Logger LOG = Logger.getLogger(ReconcilerProducer.class);
    @Produces
    @Singleton
    ActuatorSettings settings(ActuatorConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            LeaseTerms lease) {
        KafkaSecurityCheck kafkaSecurity = KafkaSecurityCheck.of(kafka);
        // settings no longer read, which an environment variable would otherwise set in silence
        List<String> present = new ArrayList<>();
        ConfigProvider.getConfig().getPropertyNames().forEach(present::add);
        ActuatorSettings settings = ActuatorConfigResolver.resolve(config, kafkaSecurity, present, lease);
        kafkaSecurity.warning().ifPresent(LOG::warn);
        LOG.infof("topology %s loaded: %d groups", config.topologyFile(), settings.topology().groups().size());
        return settings;
    }

    @Produces
    @Singleton
    Topology topology(ActuatorSettings settings) {
        return settings.topology();
    }

    /** The decisions consumer's session and heartbeat: the lease's terms (ADR 0006). */
    @Produces
    @Singleton
    LeaseTerms leaseTerms(@ConfigProperty(name = LeaseTerms.SESSION_KEY) long sessionTimeoutMs,
            @ConfigProperty(name = LeaseTerms.HEARTBEAT_KEY) long heartbeatIntervalMs) {
        return new LeaseTerms(java.time.Duration.ofMillis(sessionTimeoutMs), java.time.Duration.ofMillis(heartbeatIntervalMs));
    }

    /**
     * The lease every external write asks first: half the decisions consumer's session timeout after the
     * group coordinator was last heard from.
     */
    @Produces
    @Singleton
    CoordinatorLease lease(LeaseTerms terms) {
        LOG.infof("external writes only under a lease of %d ms on the consumer group's assignment, landing within its"
                + " margin of %d ms", terms.length().toMillis(), terms.margin().toMillis());
        return new CoordinatorLease(System::nanoTime, terms.length());
    }

    @Produces
    @Singleton
    DnsProvider dnsProvider(ActuatorSettings settings, CoordinatorLease lease) {
        DnsProvider provider;
        if (settings.dns() instanceof Rfc2136Settings rfc2136) {
            provider = new Rfc2136DnsProvider(rfc2136, lease);
        } else if (settings.dns() instanceof Route53Settings route53) {
            provider = new Route53DnsProvider(BackendClients.route53Client(route53), route53, route53.budget(), lease);
        } else {
            DryRunDnsProvider dryRun = new DryRunDnsProvider(DnsProvider.Routing.SINGLE);
            // as a real zone before the plane is deployed: each record serves its chain's first target, unmarked
            TrafficPlan plan = trafficPlan(settings, dryRun);
            settings.topology().groups().forEach(g -> dryRun.serve(RecordKey.of(g), plan.initial(g)));
            provider = dryRun;
        }
        LOG.infof("DNS provider: %s (%s routing)", provider.name(), provider.routing());
        // the lease is asked when a write is asked for, and again by the provider right before its batch is sent
        return new LeasedDnsProvider(provider, lease);
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

    /**
     * The safety rules of the ARC groups' control panels, checked before a database moves (ADR 0020), read in the
     * background from the control-configuration API in us-west-2 with the ARC credentials for that region; nothing
     * when no group uses ARC.
     */
    @Produces
    @Singleton
    ArcSafetyRuleCatalog arcSafetyRules(ActuatorSettings settings) {
        ArcSettings arc = settings.arc();
        if (arc.groups().isEmpty()) {
            return ArcSafetyRuleCatalog.none();
        }
        var builder = Route53RecoveryControlConfigClient.builder().region(Region.of(ArcSettings.CONTROL_CONFIG_REGION))
                .credentialsProvider(BackendClients.arcCredentials(arc, ArcSettings.CONTROL_CONFIG_REGION,
                        DefaultCredentialsProvider.builder().build()))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(arc.endpointTimeout())
                        .socketTimeout(arc.endpointTimeout()).build())
                .overrideConfiguration(c -> c.addExecutionInterceptor(WholeResponses.INSTANCE).apiCallTimeout(arc.endpointTimeout().multipliedBy(3)));
        arc.controlConfigEndpointOverride().ifPresent(builder::endpointOverride);
        ArcSafetyRuleCatalog catalog = new ArcSafetyRuleCatalog(builder.build(), arc.controlPanels(), Clock.systemUTC());
        catalog.start(arc.safetyRulesRefresh());
        return catalog;
    }

    void closeArcSafetyRules(@Disposes ArcSafetyRuleCatalog catalog) {
        catalog.close();
    }

    @Produces
    @Singleton
    KafkaDesiredStore desiredStore(@Identifier("default-kafka-broker") Map<String, Object> kafka, ActuatorSettings settings,
            ActuatorMetrics metrics) {
        return new KafkaDesiredStore(new KafkaClientProperties(kafka), settings.stateSigning(), metrics::desiredStateRejected);
    }

    void closeDesiredStore(@Disposes KafkaDesiredStore store) {
        store.close();
    }

    /** Each instance's data-tier evidence, under its own {@code failover.instance-id}. */
    @Produces
    @Singleton
    KafkaEvidenceStore evidenceStore(@Identifier("default-kafka-broker") Map<String, Object> kafka, ActuatorSettings settings,
            ActuatorConfig config, ActuatorMetrics metrics) {
        return new KafkaEvidenceStore(new KafkaClientProperties(kafka), settings.stateSigning(),
                config.instanceId().orElse("actuator"), metrics::desiredStateRejected);
    }

    void closeEvidenceStore(@Disposes KafkaEvidenceStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Reconciler reconciler(ActuatorSettings settings, DnsProvider dns, KafkaDesiredStore store, KafkaEvidenceStore evidence,
            ActuationPublisher publisher, ActuatorMetrics metrics, ArcSafetyRuleCatalog arcSafetyRules,
            CoordinatorLease lease) {
        GroupDns everyGroup = new GroupDns(dns, trafficPlan(settings, dns));
        GroupDns arc = settings.arc().groups().isEmpty() ? null : BackendClients.arcDns(settings, arcSafetyRules, lease);
        // every external write asks the lease first: DNS (above), ARC, scaling, databases
        Reconciler reconciler = new Reconciler(settings.topology(), g -> settings.arc().covers(g) ? arc : everyGroup,
                new Wiring(BackendClients.scalers(settings.scaling()).leasedBy(lease,
                        LeaseTerms.clientLandsWithin(settings.scaling().callTimeout())),
                        BackendClients.databases(settings.databases(), settings.scaling()).leasedBy(lease,
                                LeaseTerms.postgresLandsWithin(settings.databases().callTimeout()),
                                LeaseTerms.clientLandsWithin(settings.scaling().callTimeout())),
                        BackendClients.regionSwitch(settings.scaling(), lease), store, evidence, publisher::publish, Clock.systemUTC(),
                        settings.reconcile()));
        settings.topology().groups().forEach(g -> {
            metrics.trackGroup(g.id(), () -> reconciler.status(g.id()));
            metrics.trackDatabases(g, () -> reconciler.status(g.id()));
        });
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

    /** Runs first: a bad topology or DNS setting is reported before anything waits on Kafka. */
    void loadAtStartup(@Observes @Priority(1) StartupEvent event, Reconciler reconciler, KafkaDesiredStore store,
            KafkaEvidenceStore evidence, ActuatorSettings settings) {
        store.ensureTopic(settings.topicReplication(), ActuatorConfigResolver.REPLICATION_KEY);
        restoreEvidence(reconciler, evidence, settings.topicReplication());
    }

    /**
     * Every instance's data-tier evidence, restored before the watches and passes measure with it. Not
     * fatal: without it, an instance that sees no primary finds the exposure unknown and holds, as before.
     */
    static void restoreEvidence(Reconciler reconciler, KafkaEvidenceStore evidence, Optional<Short> replication) {
        if (reconciler.watchedGroups().isEmpty()) {
            return;
        }
        try {
            evidence.ensureTopic(replication, ActuatorConfigResolver.REPLICATION_KEY);
            Map<String, List<DataTierEvidence>> kept = evidence.loadAll();
            kept.forEach((group, all) -> all.forEach(e -> reconciler.restoreEvidence(group, e)));
            LOG.infof("data-tier evidence restored for %d groups from %s", kept.size(), Topics.ACTUATOR_EVIDENCE);
        } catch (RuntimeException e) {
            LOG.warnf("could not restore the data-tier evidence from %s (what a promotion may lose is measured from what"
                    + " this instance sees): %s", Topics.ACTUATOR_EVIDENCE, e.getMessage());
        }
    }
}
