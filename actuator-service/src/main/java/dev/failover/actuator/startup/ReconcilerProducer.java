package dev.failover.actuator.startup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorConfig;
import dev.failover.actuator.config.ActuatorConfigResolver;
import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.domain.data.DataTierEvidence;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.reconcile.LaneStatus;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Wiring;
import dev.failover.actuator.lease.CoordinatorLease;
import dev.failover.actuator.lease.LeaseTerms;
import dev.failover.actuator.messaging.ActuationPublisher;
import dev.failover.actuator.messaging.ReconcileLoop;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.metrics.LaneGauges;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.actuator.state.KafkaEvidenceStore;
import dev.failover.contract.event.Topics;
import dev.failover.contract.topology.Topology;
import dev.failover.kafka.KafkaClientProperties;
import dev.failover.kafka.security.KafkaSecurityCheck;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

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
        return new LeaseTerms(java.time.Duration.ofMillis(sessionTimeoutMs),
                java.time.Duration.ofMillis(heartbeatIntervalMs));
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

    /**
     * Every DNS provider instance, each with its client, lease check and request budget (ADR 0036): the groups' lanes
     * are built from it.
     */
    @Produces
    @Singleton
    DnsProviders dnsProviders(ActuatorSettings settings, CoordinatorLease lease) {
        return DnsProviders.of(settings, lease);
    }

    void closeDnsProviders(@Disposes DnsProviders providers) {
        providers.close();
    }

    /** The provider of the groups without providers and without an arc key: the instance of failover.dns.provider. */
    @Produces
    @Singleton
    DnsProvider dnsProvider(DnsProviders providers) {
        return providers.provider(DnsInstances.DEFAULT);
    }

    @Produces
    @Singleton
    KafkaDesiredStore desiredStore(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            ActuatorSettings settings,
            ActuatorMetrics metrics) {
        return new KafkaDesiredStore(new KafkaClientProperties(kafka), settings.stateSigning(),
                metrics::desiredStateRejected);
    }

    void closeDesiredStore(@Disposes KafkaDesiredStore store) {
        store.close();
    }

    /** Each instance's data-tier evidence, under its own {@code failover.instance-id}. */
    @Produces
    @Singleton
    KafkaEvidenceStore evidenceStore(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            ActuatorSettings settings,
            ActuatorConfig config, ActuatorMetrics metrics) {
        return new KafkaEvidenceStore(new KafkaClientProperties(kafka), settings.stateSigning(),
                config.instanceId().orElse("actuator"), metrics::desiredStateRejected);
    }

    void closeEvidenceStore(@Disposes KafkaEvidenceStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Reconciler reconciler(ActuatorSettings settings, KafkaDesiredStore store, KafkaEvidenceStore evidence,
            ActuationPublisher publisher, ActuatorMetrics metrics, DnsProviders providers, CoordinatorLease lease,
            LoopWaker wake) {
        Function<String, GroupDns> lanes = GroupLanes.of(settings, providers);
        // every external write asks the lease first: DNS and ARC (their providers), scaling, databases
        Reconciler reconciler = new Reconciler(settings.topology(), lanes,
                new Wiring(BackendClients.scalers(settings.scaling()).leasedBy(lease,
                        LeaseTerms.clientLandsWithin(settings.scaling().callTimeout())),
                        BackendClients.databases(settings.databases(), settings.scaling()).leasedBy(lease,
                                LeaseTerms.postgresLandsWithin(settings.databases().callTimeout()),
                                LeaseTerms.clientLandsWithin(settings.scaling().callTimeout())),
                        BackendClients.regionSwitch(settings.scaling(), lease), store, evidence, publisher::publish,
                        publisher::publish, wake, Clock.systemUTC(), settings.reconcile()));
        settings.topology().groups().forEach(g -> {
            metrics.trackGroup(g.id(), () -> reconciler.status(g.id()));
            metrics.trackDatabases(g, () -> reconciler.status(g.id()));
            GroupDns dns = lanes.apply(g.id());
            if (dns.lanes().size() > 1) {
                metrics.trackLanes(g.id(), () -> laneGauges(dns, reconciler.lanes(g.id())));
            }
        });
        return reconciler;
    }

    /** A group's lanes for the metrics: every lane listed from the start, a lane not passed yet without a state. */
    static LaneGauges laneGauges(GroupDns dns, List<LaneStatus> statuses) {
        List<LaneGauges.Lane> lanes = dns.lanes().stream().map(lane -> statuses.stream()
                .filter(s -> s.lane().equals(lane.id())).findFirst()
                .map(s -> new LaneGauges.Lane(s.lane(), s.kind(), s.state(), s.unservedSince()))
                .orElse(new LaneGauges.Lane(lane.id(), lane.provider().name(), null, null))).toList();
        return new LaneGauges(lanes, LaneStatus.disagreeSince(statuses), dns.disagreement());
    }

    @Produces
    @Singleton
    ReconcileLoop loop(ActuatorSettings settings, Reconciler reconciler, LoopWaker wake) {
        ReconcileLoop loop = new ReconcileLoop(reconciler, settings.parallelGroups(), settings.reconcile().backoff());
        wake.to(loop);
        return loop;
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
            LOG.warnf(
                    "could not restore the data-tier evidence from %s (what a promotion may lose is measured from what"
                            + " this instance sees): %s",
                    Topics.ACTUATOR_EVIDENCE, e.getMessage());
        }
    }
}
