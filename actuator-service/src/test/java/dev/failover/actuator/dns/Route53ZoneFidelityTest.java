package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.aws.Route53Zone;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The Route 53 provider with the real SDK against the stateful {@link Route53Zone}, made as strict as the service where
 * the actuator depends on it: the production sample's weighted alias records, paged listings, changes PENDING before
 * INSYNC, Throttling and PriorRequestNotComplete.
 */
class Route53ZoneFidelityTest {

    static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
    static final String RECORD = "api.example.com.";
    static final String OWNER = "_failover-owner.api.example.com.";
    /** The load balancers of k8s/base/failover.yaml. */
    static final Route53Zone.Alias EAST = new Route53Zone.Alias("Z35SXDOTRQ7X7K",
            "api-use1-1234567890.us-east-1.elb.amazonaws.com.", false);
    static final Route53Zone.Alias WEST = new Route53Zone.Alias("Z1H1FL5HABSF5",
            "api-usw2-1234567890.us-west-2.elb.amazonaws.com.", false);
    static final String TOPOLOGY = """
            version: 1
            locations: [us-east-1]
            groups:
              - id: api
                dns: {zone: example.com., name: api.example.com., type: A, ttl: 30, hostedZoneId: %s}
                targets:
                  - id: us-east-1
                    region: us-east-1
                    probe: {type: tcp, host: 192.0.2.10, port: 443}
                    dns: {alias: {hostedZoneId: Z35SXDOTRQ7X7K, dnsName: api-use1-1234567890.us-east-1.elb.amazonaws.com., evaluateTargetHealth: false}}
                  - id: us-west-2
                    region: us-west-2
                    probe: {type: tcp, host: 192.0.2.20, port: 443}
                    dns: {alias: {hostedZoneId: Z1H1FL5HABSF5, dnsName: api-usw2-1234567890.us-west-2.elb.amazonaws.com., evaluateTargetHealth: false}}
            """.formatted(ZONE_ID);
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0,
            Duration.ofSeconds(30));
    static final Instant T0 = Instant.parse("2026-11-24T04:00:00Z");
    static final Decision FAILOVER = new Decision(1, "d-3", "api", 3L, DecisionKind.FAILOVER, "us-east-1", "us-west-2",
            "east down", List.of(), T0, DecisionMode.LIVE, Decision.AUTOMATION);

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    Route53Zone zone;
    Route53Client client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (zone != null) {
            zone.close();
        }
    }

    /** The production sample's records: one weighted alias set per region, all traffic on us-east-1. */
    Route53Zone zone(Route53Zone.RecordSet... more) throws Exception {
        List<Route53Zone.RecordSet> sets = new ArrayList<>(List.of(
                Route53Zone.RecordSet.alias(RECORD, "A", "us-east-1", 100L, EAST),
                Route53Zone.RecordSet.alias(RECORD, "A", "us-west-2", 0L, WEST)));
        sets.addAll(List.of(more));
        zone = Route53Zone.start(ZONE_ID, sets);
        client = Route53Fixtures.client(zone.endpoint());
        return zone;
    }

    Route53DnsProvider provider(double requestsPerSecond) {
        return Route53Fixtures.provider(client, Route53Fixtures.settings(Route53Settings.Routing.WEIGHTED,
                requestsPerSecond, Route53Settings.TakeOver.REFUSE));
    }

    GroupReconciler reconciler(Route53DnsProvider dns) {
        Topology topology = TopologyLoader.parse(TOPOLOGY, "test");
        GroupReconciler group = Reconcilers.group("api", topology, dns, TrafficPlans.of(
                DnsProvider.Routing.WEIGHTED, 100, List.of()), Reconcilers.minimal(Scalers.none(), state -> {
                }, results::add, clock, new ReconcileSettings(Duration.ofSeconds(10), Duration.ofSeconds(2),
                        BACKOFF, Duration.ZERO, null)));
        group.offer(FAILOVER);
        return group;
    }

    List<Duration> passes(GroupReconciler group, int passes) {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            Duration wait = group.run();
            waits.add(wait);
            clock.advance(wait);
        }
        return waits;
    }

    @Test
    void theProductionSamplesAliasRecordsAreSwitchedAndReadBack() throws Exception {
        zone();
        GroupReconciler group = reconciler(provider(1000));

        passes(group, 2);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 0L, "us-west-2", 100L));
        assertThat(zone.applied()).singleElement().satisfies(batch -> assertThat(batch.upserts())
                .filteredOn(s -> s.type().equals("A")).extracting(Route53Zone.RecordSet::alias)
                .containsExactlyInAnyOrder(EAST, WEST));
    }

    @Test
    void aRecordAndItsMarkAreFoundAcrossPages() throws Exception {
        // children of the record sort between it and its mark (com.example.api.0 < com.example.api._failover-owner)
        zone(new Route53Zone.RecordSet("0.api.example.com.", "A", null, null, 60, List.of("192.0.2.99")),
                new Route53Zone.RecordSet("1.api.example.com.", "A", null, null, 60, List.of("192.0.2.98")),
                new Route53Zone.RecordSet("zz.example.com.", "A", null, null, 60, List.of("192.0.2.97")))
                .pageSize(2);
        Route53DnsProvider dns = provider(1000);
        GroupReconciler group = reconciler(dns);

        passes(group, 2);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);

        DnsProvider.ReadOutcome read = dns.read(new RecordKey("api", "example.com.", RECORD, RecordType.A, ZONE_ID),
                Optional.empty());
        assertThat(read).isInstanceOfSatisfying(DnsProvider.ReadOutcome.Served.class, served -> {
            assertThat(served.record().owner()).hasValueSatisfying(m -> assertThat(m.epoch()).isEqualTo(3));
            assertThat(served.record().sets()).hasSize(2);
        });
        assertThat(zone.requests()).as("the mark listed from its own name when the record's page ends before it")
                .filteredOn(r -> r.method().equals("GET")).isNotEmpty();
    }

    @Test
    void aChangeIsConvergedOnlyOnceInsync() throws Exception {
        zone().pendingFor(Duration.ofHours(1));
        GroupReconciler group = reconciler(provider(1000));

        passes(group, 4);
        assertThat(group.status().convergence()).as("served, but Route 53 says PENDING")
                .isInstanceOf(Convergence.Converging.class);
        assertThat(results).noneSatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.CONVERGED));

        zone.insyncNow();
        passes(group, 1);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(zone.applied()).as("written once").hasSize(1);
    }

    @Test
    void throttlingIsBackedOffAsThrottling() throws Exception {
        zone().requestsPerSecond(1);
        GroupReconciler group = reconciler(provider(1000));

        List<Duration> waits = passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                c -> assertThat(c.lastError()).contains("throttled").contains("Throttling"));
        assertThat(waits.get(waits.size() - 1)).as("the throttling backoff doubles past the usual 1 s cap")
                .isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }

    @Test
    void aChangeWhileThePreviousIsPendingIsPriorRequestNotCompleteAndThrottled() throws Exception {
        zone().pendingFor(Duration.ofHours(1)).refuseChangesWhilePending(true);
        Route53DnsProvider dns = provider(1000);
        RecordKey key = new RecordKey("api", "example.com.", RECORD, RecordType.A, ZONE_ID);
        List<RecordSet> west = TrafficPlans.of(DnsProvider.Routing.WEIGHTED, 100, List.of())
                .initial(TopologyLoader.parse(TOPOLOGY, "test").groups().get(0));
        OwnerMark first = OwnerMark.of("api", 3, "d-3", west);

        assertThat(dns.write(new RecordWrite(key, null, first, west)))
                .isInstanceOf(DnsProvider.WriteOutcome.Written.class);
        assertThat(dns.write(new RecordWrite(key, first.text(), OwnerMark.of("api", 4, "d-4", west), west)))
                .isInstanceOfSatisfying(DnsProvider.WriteOutcome.Throttled.class,
                        t -> assertThat(t.reason()).contains("PriorRequestNotComplete"));
        zone.insyncNow();
        assertThat(dns.write(new RecordWrite(key, first.text(), OwnerMark.of("api", 4, "d-4", west), west)))
                .isInstanceOf(DnsProvider.WriteOutcome.Written.class);
    }
}
