package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.aws.Route53Zone;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import dev.failover.actuator.domain.reconcile.Reconcilers;

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
                List.of("192.0.2.10")), Route53Zone.RecordSet.failover(RECORD, "A", "west", "SECONDARY", null, 60,
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
        assertThat(zone.applied()).as("one atomic cutover").singleElement().satisfies(batch -> assertThat(batch.changes())
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

    /** A record the plane already marks is not listed again before a write: the take-over is a first write's alone. */
    @Test
    void onlyTheFirstWriteListsTheRecord() throws Exception {
        start(List.of(simpleAlias()));
        GroupReconciler group = reconciler(provider(Route53Settings.TakeOver.REPLACE));
        passes(group, 3);
        int before = zone.requests().size();

        group.offer(new Decision(1, "d-4", "api", 4L, DecisionKind.FAILBACK, "us-west-2", "us-east-1", "east back",
                List.of(), clock.instant(), DecisionMode.LIVE, Decision.AUTOMATION));
        passes(group, 3);

        assertThat(zone.weights(RECORD, "A")).isEqualTo(Map.of("us-east-1", 100L, "us-west-2", 0L));
        assertThat(zone.applied()).hasSize(2).last().satisfies(batch -> assertThat(batch.changes())
                .noneMatch(c -> c.startsWith("DELETE " + RECORD)));
        assertThat(zone.requests().subList(before, zone.requests().size())).as("requests of the failback")
                .filteredOn(r -> r.method().equals("GET") && r.path().endsWith("/rrset")).hasSizeLessThanOrEqualTo(2);
    }

    void start(List<Route53Zone.RecordSet> sets) throws Exception {
        zone = Route53Zone.start(Route53ZoneFidelityTest.ZONE_ID, sets);
        client = Route53Client.builder().region(Region.AWS_GLOBAL).endpointOverride(zone.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDR53", "secret")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(5)))
                .build();
    }

    Route53DnsProvider provider(Route53Settings.TakeOver takeOver) {
        return new Route53DnsProvider(client, new Route53Settings(Route53Settings.Routing.WEIGHTED, 100, List.of(),
                Duration.ZERO, "aws-global", Optional.empty(), Duration.ofSeconds(5), 1000, 1, takeOver));
    }

    GroupReconciler reconciler(Route53DnsProvider dns) {
        GroupReconciler group = Reconcilers.group("api", TopologyLoader.parse(Route53ZoneFidelityTest.TOPOLOGY,
                "test"), dns, new TrafficPlan(DnsProvider.Routing.WEIGHTED, 100, List.of()),
                Reconcilers.minimal(Scalers.none(), state -> {
                }, results::add, clock, new ReconcileSettings(Duration.ofSeconds(10), Duration.ofSeconds(2),
                        Route53ZoneFidelityTest.BACKOFF, Duration.ZERO, null)));
        group.offer(Route53ZoneFidelityTest.FAILOVER);
        return group;
    }

    void passes(GroupReconciler group, int passes) {
        for (int i = 0; i < passes; i++) {
            clock.advance(group.run());
        }
    }
}
