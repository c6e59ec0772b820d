package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.ScriptedDns;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.Wiring;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.startup.LoopWaker;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.topology.ServePolicy;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.topology.TestTopology;

/**
 * Lanes side by side on the loop's threads (ADR 0036, "Where the lanes live"): a provider whose calls hang (a server
 * frozen, its call timeout ten seconds) holds its own lane's pass only; the other provider is written and read back at
 * once, and the group served under "any". Real threads and the real clock: nothing here steps time by hand.
 */
class LaneLoopTest {

    /** A provider whose reads wait for the test's word, as a server frozen by SIGSTOP makes a call wait. */
    static final class Frozen implements DnsProvider {
        final ScriptedDns inner = new ScriptedDns(Routing.SINGLE);
        final CountDownLatch thawed = new CountDownLatch(1);
        volatile boolean frozen;

        @Override
        public String name() {
            return "frozen";
        }

        @Override
        public Routing routing() {
            return Routing.SINGLE;
        }

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            if (frozen) {
                try {
                    thawed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return inner.read(key, pendingChange);
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            return inner.write(write);
        }

        @Override
        public Optional<WriteOutcome> preflight(RecordWrite write) {
            return inner.preflight(write);
        }
    }

    static List<RecordSet> sets(ScriptedDns dns, RecordKey key) {
        return ((DnsProvider.ReadOutcome.Served) dns.store.read(key, Optional.empty())).record().sets();
    }

    static dev.failover.contract.topology.Topology reconcilerTopology() {
        return TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/health", "http://127.0.0.1:2/health"),
                "test");
    }

    @Test
    void aProviderThatHangsHoldsOnlyItsOwnLane() throws Exception {
        ScriptedDns r53 = new ScriptedDns(DnsProvider.Routing.SINGLE);
        Frozen knot = new Frozen();
        TrafficPlan plan = TrafficPlans.of(DnsProvider.Routing.SINGLE, 100, List.of());
        GroupDns dns = new GroupDns(List.of(new ProviderLane("knot", knot, plan, null, null),
                new ProviderLane("r53", r53, plan, null, null)), ServePolicy.ANY, Duration.ofSeconds(120));
        List<ActuationResult> results = new CopyOnWriteArrayList<>();
        LoopWaker wake = new LoopWaker();
        Reconciler reconciler = new Reconciler(reconcilerTopology(), g -> dns,
                new Wiring(Scalers.none(), Databases.none(),
                        RegionSwitch.NONE, s -> {}, EvidenceStore.NONE, results::add, lane -> {}, wake,
                        Clock.systemUTC(), new ReconcileSettings(Duration.ofSeconds(30), Duration.ofMillis(200),
                                new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ZERO, () -> 0.0),
                                Duration.ZERO, null)));
        RecordKey key = RecordKey.of(reconcilerTopology().group(TestTopology.GROUP).orElseThrow());
        for (ScriptedDns deployed : List.of(r53, knot.inner)) {
            deployed.store.serve(key, List.of(RecordSet.simple(5, Set.of(TestTopology.PRIMARY_IP))));
        }
        try (ReconcileLoop loop = new ReconcileLoop(reconciler, 8, new Backoff(Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ZERO, () -> 0.0))) {
            wake.to(loop);
            loop.start(List.of(TestTopology.GROUP));
            await("the initial state served by both").atMost(Duration.ofSeconds(10))
                    .until(() -> reconciler.status(TestTopology.GROUP).convergence() instanceof Convergence.Converged);

            knot.frozen = true;
            Instant decided = Instant.now();
            reconciler.offer(new Decision(1, "d-1", TestTopology.GROUP, 1L, DecisionKind.FAILOVER, TestTopology.PRIMARY,
                    TestTopology.SECONDARY, "test", List.of(), decided, DecisionMode.LIVE, Decision.AUTOMATION));
            loop.trigger(TestTopology.GROUP);

            await("r53 written and the group served while knot's read hangs").atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(20)).until(() -> sets(r53, key).equals(
                            List.of(RecordSet.simple(5, Set.of(TestTopology.SECONDARY_IP))))
                            && reconciler.status(TestTopology.GROUP).convergence() instanceof Convergence.Converged);
            System.out.printf("decided -> served by r53 %d ms, knot hanging%n",
                    Duration.between(decided, Instant.now()).toMillis());
            assertThat(knot.thawed.getCount()).as("knot still hanging").isEqualTo(1);
            assertThat(sets(knot.inner, key)).as("knot not written").containsExactly(RecordSet.simple(5,
                    Set.of(TestTopology.PRIMARY_IP)));

            knot.thawed.countDown();
            await("knot written once back").atMost(Duration.ofSeconds(5))
                    .until(() -> reconciler.lanes(TestTopology.GROUP)
                            .stream().allMatch(l -> l.state() == LaneState.SERVED));
            assertThat(sets(knot.inner, key)).containsExactly(RecordSet.simple(5, Set.of(TestTopology.SECONDARY_IP)));
        }
    }
}
