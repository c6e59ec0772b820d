package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.LaneStatus;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Wiring;
import dev.failover.actuator.messaging.ReconcileLoop;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.startup.LoopWaker;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.ServePolicy;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.aws.Route53Zone;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.KnotServer;
import dev.failover.testkit.topology.TestTopology;

/**
 * One record written to three real providers through the real loop (ADR 0036, "Test plan" (4)): BIND9 and Knot DNS,
 * each primary for the zone with its own TSIG secret, and a Route 53 hosted zone (the fixture, through the real AWS
 * SDK) that throttles the account. Both RFC 2136 lanes are written and the group served under "any" while the Route 53
 * lane is THROTTLED; once the account answers again it is written too. Each server's serial and the zone's applied
 * batches count one write of the switch per provider.
 */
class ThreeProvidersTest {

    static final String ZONE_ID = "Z0THREEPROVIDERS";
    static final String ZONE = "failover.test.";

    @Test
    void aThrottledRoute53HoldsNeitherRfc2136ProviderAndIsWrittenOnceItAnswers() throws Exception {
        var topology = TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health"),
                "test");
        List<String> records = List.of("api IN A " + TestTopology.PRIMARY_IP);
        try (AuthoritativeServer bind = BindServer.start(ZONE, records);
                AuthoritativeServer knot = KnotServer.start(ZONE, records);
                Route53Zone zone = Route53Zone.start(ZONE_ID,
                        List.of(new Route53Zone.RecordSet(TestTopology.RECORD, "A",
                                null, null, 5, List.of(TestTopology.PRIMARY_IP))))) {
            TrafficPlan plan = TrafficPlans.of(DnsProvider.Routing.SINGLE, 100, List.of());
            Route53DnsProvider r53 = Route53Fixtures.provider(Route53Fixtures.client(zone.endpoint()),
                    Route53Fixtures.settings(Route53Settings.Routing.SIMPLE, 50, Route53Settings.TakeOver.REPLACE));
            GroupDns dns = new GroupDns(List.of(new ProviderLane("r53", r53, plan, null, ZONE_ID),
                    new ProviderLane("bind", Rfc2136DnsProviderTest.provider(bind), plan, null, null),
                    new ProviderLane("knot", Rfc2136DnsProviderTest.provider(knot), plan, null, null)), ServePolicy.ANY,
                    Duration.ofSeconds(120));
            List<ActuationResult> results = new CopyOnWriteArrayList<>();
            List<ProviderLaneResult> lanes = new CopyOnWriteArrayList<>();
            LoopWaker wake = new LoopWaker();
            Reconciler reconciler = new Reconciler(topology, g -> dns, new Wiring(Scalers.none(), Databases.none(),
                    RegionSwitch.NONE, s -> {}, EvidenceStore.NONE, results::add, lanes::add, wake, Clock.systemUTC(),
                    new ReconcileSettings(Duration.ofSeconds(30), Duration.ofMillis(200),
                            new Backoff(Duration.ofMillis(100),
                                    Duration.ofSeconds(1), Duration.ZERO, () -> 0.0),
                            Duration.ZERO, null)));
            try (ReconcileLoop loop = new ReconcileLoop(reconciler, 8, new Backoff(Duration.ofMillis(10),
                    Duration.ofMillis(50), Duration.ZERO, () -> 0.0))) {
                wake.to(loop);
                loop.start(List.of(TestTopology.GROUP));
                await("the initial state served by all three").atMost(Duration.ofSeconds(20))
                        .until(() -> reconciler.lanes(TestTopology.GROUP).stream().allMatch(l -> l.state() == null
                                || l.state() == LaneState.SERVED)
                                && reconciler.status(TestTopology.GROUP)
                                        .convergence() instanceof Convergence.Converged);
                long bindSerial = serial(bind);
                long knotSerial = serial(knot);
                int batches = zone.applied().size();

                zone.requestsPerSecond(0); // every request of the account throttled from now on
                Instant decided = Instant.now();
                reconciler.offer(new Decision(1, "d-1", TestTopology.GROUP, 1L, DecisionKind.FAILOVER,
                        TestTopology.PRIMARY, TestTopology.SECONDARY, "test", List.of(), decided, DecisionMode.LIVE,
                        Decision.AUTOMATION));
                loop.trigger(TestTopology.GROUP);

                await("BIND and Knot serve the switch while Route 53 throttles").atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> answers(bind).equals(Set.of(TestTopology.SECONDARY_IP))
                                && answers(knot).equals(Set.of(TestTopology.SECONDARY_IP)));
                System.out.printf("decided -> served by BIND and Knot %d ms, Route 53 throttled%n",
                        Duration.between(decided, Instant.now()).toMillis());
                await("the group served under any, the Route 53 lane THROTTLED").atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> {
                            assertThat(reconciler.status(TestTopology.GROUP).convergence())
                                    .isInstanceOf(Convergence.Converged.class);
                            assertThat(state(reconciler, "r53")).isEqualTo(LaneState.THROTTLED);
                        });
                assertThat(zone.applied()).as("nothing applied to the zone while throttled").hasSize(batches);

                zone.requestsPerSecond(100);
                Instant answering = Instant.now();
                await("Route 53 written once it answers").atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> state(reconciler, "r53") == LaneState.SERVED);
                System.out.printf("Route 53 answering -> served %d ms%n",
                        Duration.between(answering, Instant.now()).toMillis());
                assertThat(zone.applied()).as("one batch of the switch").hasSize(batches + 1);
                assertThat(serial(bind)).as("BIND: one update").isEqualTo(bindSerial + 1);
                assertThat(serial(knot)).as("Knot: one update").isEqualTo(knotSerial + 1);
                assertThat(lanes.stream().map(l -> l.lane() + " " + l.state()).toList())
                        .contains("r53 THROTTLED", "bind SERVED", "knot SERVED", "r53 SERVED");
            }
        }
    }

    static LaneState state(Reconciler reconciler, String lane) {
        return reconciler.lanes(TestTopology.GROUP).stream().filter(l -> l.lane().equals(lane)).map(LaneStatus::state)
                .findFirst().orElse(null);
    }

    static Set<String> answers(AuthoritativeServer server) throws java.io.IOException {
        var response = new org.xbill.DNS.SimpleResolver("127.0.0.1");
        response.setPort(server.port());
        var query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString(TestTopology.RECORD), org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN));
        Set<String> values = new java.util.HashSet<>();
        for (var r : response.send(query).getSection(org.xbill.DNS.Section.ANSWER)) {
            values.add(r.rdataToString());
        }
        return values;
    }

    static long serial(AuthoritativeServer server) throws java.io.IOException {
        var resolver = new org.xbill.DNS.SimpleResolver("127.0.0.1");
        resolver.setPort(server.port());
        var query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromString(ZONE),
                org.xbill.DNS.Type.SOA, org.xbill.DNS.DClass.IN));
        for (var r : resolver.send(query).getSection(org.xbill.DNS.Section.ANSWER)) {
            if (r instanceof org.xbill.DNS.SOARecord soa) {
                return soa.getSerial();
            }
        }
        throw new AssertionError("no SOA of " + ZONE);
    }
}
