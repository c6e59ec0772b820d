package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.TargetDns;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.aws.Route53Zone;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * A group's first write meets the record as the team left it before the plane (docs/deploy-eks.md, "Taking over
 * existing records"): the usual AWS active-passive setup is a simple alias or two failover-routing sets with a health
 * check. Route 53 refuses weighted sets beside those ({@link Route53Zone} as strict), so the provider either says which
 * sets are in the way and writes nothing, or, told to take records over, deletes them exactly as listed in the first
 * write's change batch: one atomic cutover, the real SDK's requests against the stateful fixture.
 */
class Route53TakeOverTest {

    static final String RECORD = Route53ZoneFidelityTest.RECORD;
    static final String OWNER = Route53ZoneFidelityTest.OWNER;
    static final Route53Zone.Alias EAST = Route53ZoneFidelityTest.EAST;
    static final Route53Zone.Alias WEST = Route53ZoneFidelityTest.WEST;

    final ManualClock clock = new ManualClock(Route53ZoneFidelityTest.T0);
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

    /** The record as a team kept it by hand: one simple alias to the primary region's load balancer. */
    static Route53Zone.RecordSet simpleAlias() {
        return new Route53Zone.RecordSet(RECORD, "A", null, null, 0, List.of(), EAST, null, null);
    }

    /** Route 53's active-passive setup: two failover-routing sets, the primary tied to a health check. */
    static List<Route53Zone.RecordSet> failoverPair() {
        return List.of(Route53Zone.RecordSet.failover(RECORD, "A", "east", "PRIMARY", "hc-0f1e2d3c", 60,
                List.of("192.0.2.10")),
                Route53Zone.RecordSet.failover(RECORD, "A", "west", "SECONDARY", null, 60,
                        List.of("192.0.2.20")));
    }

    @Test
    void aSimpleSetInTheWayIsNamedAndNothingIsWrittenUnlessTheOperatorSaysTakeItOver() throws Exception {
        start(List.of(simpleAlias()));
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REFUSE));

        passes(group, 3);

        assertThat(zone.applied()).as("batches applied").isEmpty();
        assertThat(zone.weights(RECORD, "A")).as("no weighted set beside the simple one").isEmpty();
        assertThat(group.status().convergence()).isNotInstanceOf(Convergence.Converged.class);
        assertThat(group.status().convergence().toString()).as("what the operator is told")
                .contains("simple ALIAS " + EAST.dnsName().replaceAll("\\.$", ""))
                .contains("failover.dns.route53.take-over=replace");
    }

    @Test
    void aSimpleSetIsReplacedByTheWeightedSetsInOneBatch() throws Exception {
        start(List.of(simpleAlias()));
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REPLACE));

        passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 0L, "us-west-2", 100L));
        assertThat(zone.applied()).as("one atomic cutover").singleElement()
                .satisfies(batch -> assertThat(batch.changes())
                        .anyMatch(c -> c.startsWith("DELETE " + RECORD + " A ttl=0"))
                        .anyMatch(c -> c.startsWith("CREATE " + OWNER + " TXT"))
                        .filteredOn(c -> c.startsWith("UPSERT " + RECORD)).hasSize(2));
    }

    @Test
    void aFailoverPairWithItsHealthCheckIsReplacedExactlyAsListed() throws Exception {
        start(failoverPair());
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REPLACE));

        passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 0L, "us-west-2", 100L));
        assertThat(zone.applied()).singleElement().satisfies(batch -> assertThat(batch.changes())
                .filteredOn(c -> c.startsWith("DELETE " + RECORD)).hasSize(2));
    }

    @Test
    void aFailoverPairIsNamedWhenNotTakenOver() throws Exception {
        start(failoverPair());
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REFUSE));

        passes(group, 3);

        assertThat(zone.applied()).isEmpty();
        assertThat(group.status().convergence().toString()).contains("'east' failover PRIMARY 192.0.2.10")
                .contains("'west' failover SECONDARY 192.0.2.20");
    }

    /**
     * With the default, a record that cannot be taken over is BLOCKED with the reason as soon as it is read, before any
     * decision: at the deploy, not at the first failover.
     */
    @Test
    void aRecordInTheWayIsNamedAtTheDeployNotAtTheFirstFailover() throws Exception {
        start(failoverPair());
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REFUSE), null);

        passes(group, 2);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                blocked -> assertThat(
                        blocked.reason()).contains("'east' failover PRIMARY")
                        .contains("failover.dns.route53.take-over=replace"));
        assertThat(zone.applied()).isEmpty();
    }

    /**
     * The first write takes over from the read before it: no listing of its own, so that a region's first failover,
     * every group's first write, costs no request more than a later one.
     */
    @Test
    void theFirstWriteListsNothingOfItsOwn() throws Exception {
        start(List.of(simpleAlias()));
        Route53DnsProvider dns = provider(Route53Settings.TakeOver.REPLACE);
        assertThat(dns.read(KEY, Optional.empty())).isInstanceOf(DnsProvider.ReadOutcome.Served.class);
        long listed = listings();

        assertThat(dns.write(firstWrite())).isInstanceOf(WriteOutcome.Written.class);

        assertThat(listings()).as("listings made by the write").isEqualTo(listed);
        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 0L, "us-west-2", 100L));
    }

    /**
     * A set to take over that someone changes between the read and the write: Route 53 refuses the batch (its DELETE
     * no longer matches); the group reads again and takes over what is there, rather than being BLOCKED.
     */
    @Test
    void aSetChangedSinceItWasReadIsReadAgain() throws Exception {
        start(List.of(simpleAlias()));
        Route53DnsProvider dns = provider(Route53Settings.TakeOver.REPLACE);
        RecordKey key = KEY;
        RecordWrite first = firstWrite();
        assertThat(dns.read(key, Optional.empty())).isInstanceOf(DnsProvider.ReadOutcome.Served.class);
        client.changeResourceRecordSets(r -> r.hostedZoneId(Route53ZoneFidelityTest.ZONE_ID).changeBatch(b -> b.changes(
                Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(ResourceRecordSet.builder().name(RECORD)
                        .type(RRType.A).ttl(60L).resourceRecords(ResourceRecord.builder().value("192.0.2.77").build())
                        .build()).build()))); // by hand: the simple record now serves another address

        assertThat(dns.write(first)).as("the write based on the earlier read")
                .isInstanceOfSatisfying(WriteOutcome.Unavailable.class, u -> assertThat(u.reason())
                        .contains("changed since it was read"));
        assertThat(dns.read(key, Optional.empty())).isInstanceOf(DnsProvider.ReadOutcome.Served.class);
        assertThat(dns.write(first)).as("after a read of what is there").isInstanceOf(WriteOutcome.Written.class);
        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 0L, "us-west-2", 100L));
    }

    /**
     * Route 53's failover sets are often named as the regions, which are the targets' ids: the same identifiers are
     * deleted and created anew in one batch, as Route 53 documents a change of routing policy.
     */
    @Test
    void failoverSetsNamedAsTheTargetsAreDeletedAndCreatedAnew() throws Exception {
        start(List.of(Route53Zone.RecordSet.failover(RECORD, "A", "us-east-1", "PRIMARY", "hc-1", 60,
                List.of("192.0.2.10")),
                Route53Zone.RecordSet.failover(RECORD, "A", "us-west-2", "SECONDARY", null, 60,
                        List.of("192.0.2.20"))));
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REPLACE));

        passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 0L, "us-west-2", 100L));
        assertThat(zone.applied()).singleElement().satisfies(batch -> assertThat(batch.changes())
                .anyMatch(c -> c.startsWith("DELETE " + RECORD + " A us-east-1"))
                .anyMatch(c -> c.startsWith("CREATE " + RECORD + " A us-east-1 weight=0"))
                .noneMatch(c -> c.startsWith("UPSERT " + RECORD)));
    }

    static final RecordKey KEY = new RecordKey("api", "example.com.", RECORD, RecordType.A,
            Route53ZoneFidelityTest.ZONE_ID);

    /** The group's first write, a failover to us-west-2, as the reconciler makes it. */
    static RecordWrite firstWrite() {
        return new RecordWrite(KEY, null, new OwnerMark("api", 3, "d-3"), List.of(
                new RecordSet("us-east-1", 0L, null, Set.of(), new TargetDns.Alias(EAST.hostedZoneId(), EAST.dnsName(),
                        false)),
                new RecordSet("us-west-2", 100L, null, Set.of(),
                        new TargetDns.Alias(WEST.hostedZoneId(), WEST.dnsName(),
                                false))));
    }

    long listings() {
        return zone.requests().stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/rrset")).count();
    }

    void start(List<Route53Zone.RecordSet> sets) throws Exception {
        zone = Route53Zone.start(Route53ZoneFidelityTest.ZONE_ID, sets);
        client = Route53Fixtures.client(zone.endpoint());
    }

    Route53DnsProvider provider(Route53Settings.TakeOver takeOver) {
        return Route53Fixtures.provider(client,
                Route53Fixtures.settings(Route53Settings.Routing.WEIGHTED, 1000, takeOver));
    }

    GroupReconciler reconciler(Route53DnsProvider dns) {
        return reconciler(dns, Route53ZoneFidelityTest.FAILOVER);
    }

    /** The group's reconciler, offered {@code decision} (none: the initial state, as deployed). */
    GroupReconciler reconciler(Route53DnsProvider dns, Decision decision) {
        GroupReconciler group = Reconcilers.group("api", TopologyLoader.parse(Route53ZoneFidelityTest.TOPOLOGY,
                "test"), dns, TrafficPlans.of(DnsProvider.Routing.WEIGHTED, 100, List.of()),
                Reconcilers.minimal(Scalers.none(), state -> {
                }, results::add, clock, new ReconcileSettings(Duration.ofSeconds(10), Duration.ofSeconds(2),
                        Route53ZoneFidelityTest.BACKOFF, Duration.ZERO, null)));
        if (decision != null) {
            group.offer(decision);
        }
        return group;
    }

    void passes(GroupReconciler group, int passes) {
        for (int i = 0; i < passes; i++) {
            clock.advance(group.run());
        }
    }
}
