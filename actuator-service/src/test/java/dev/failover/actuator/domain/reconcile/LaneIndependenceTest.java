package dev.failover.actuator.domain.reconcile;

import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.decision;
import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.scalersOf;
import static dev.failover.actuator.domain.reconcile.GroupReconcilerTest.topology;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.data.GroupWatch;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.ScriptedDns;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.ServePolicy;
import dev.failover.contract.topology.Topology;

/**
 * A group whose record is written to two providers (ADR 0036): one decision and one epoch written to each with its own
 * conditional write and mark, read back from each; a provider that cannot be reached, refuses or is throttled holds no
 * other's write; the group is served as its policy says. The clock is a {@link ManualClock}, moved by what each pass
 * asks, as the loop does.
 */
class LaneIndependenceTest {

    final ManualClock clock = new ManualClock(GroupReconcilerTest.T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<ProviderLaneResult> laneResults = new ArrayList<>();
    final List<DesiredState> saved = new ArrayList<>();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5));
    final ScriptedDns r53 = new ScriptedDns(Routing.SINGLE);
    final ScriptedDns knot = new ScriptedDns(Routing.SINGLE);
    static final Set<RecordSet> SECONDARY = Set.of(RecordSet.simple(30, Set.of("192.0.2.2", "192.0.2.3")));

    /**
     * The loop as the actuator runs it, on the test's clock: the group's pass and each lane's are keys of their own,
     * each due when its last pass asked or when it is woken (a lane's read changed, a gate opened).
     */
    final class ManualLoop implements Waker {
        final Map<String, Instant> due = new LinkedHashMap<>();
        GroupReconciler group;

        @Override
        public void group(String id) {
            wake("");
        }

        @Override
        public void lane(String id, String lane) {
            wake(lane);
        }

        void wake(String key) {
            due.merge(key, clock.instant(), (a, b) -> a.isBefore(b) ? a : b);
        }

        /** Runs the passes due, earliest first, for {@code span} of the clock. */
        void run(Duration span) {
            Instant end = clock.instant().plus(span);
            for (int i = 0; i < 10_000; i++) {
                Map.Entry<String, Instant> next = due.entrySet().stream().min(Map.Entry.comparingByValue())
                        .orElseThrow();
                if (next.getValue().isAfter(end)) {
                    clock.advance(Duration.between(clock.instant(), end));
                    return;
                }
                if (next.getValue().isAfter(clock.instant())) {
                    clock.advance(Duration.between(clock.instant(), next.getValue()));
                }
                String key = next.getKey();
                due.remove(key);
                Duration wait = key.isEmpty() ? group.run() : group.lanes().orElseThrow().lanePass(key);
                due.merge(key, clock.instant().plus(wait), (a, b) -> a.isBefore(b) ? a : b);
            }
            throw new AssertionError("passes did not settle: " + due);
        }
    }

    final ManualLoop loop = new ManualLoop();

    /** A decision taken in: the decision listener wakes the group's pass. */
    void offer(GroupReconciler group, dev.failover.contract.event.Decision decision) {
        group.offer(decision);
        loop.wake("");
    }

    GroupReconciler group(ServePolicy policy) {
        Topology topology = topology("report");
        TrafficPlan plan = TrafficPlans.of(Routing.SINGLE, 100, List.of());
        GroupDns dns = new GroupDns(List.of(new ProviderLane("r53", r53, plan, null, null),
                new ProviderLane("knot", knot, plan, null, null)),
                policy, Duration.ofSeconds(120));
        Wiring wiring = new Wiring(scalersOf(topology, new GroupReconcilerTest.FakeScaler()), Databases.none(),
                RegionSwitch.NONE, saved::add, EvidenceStore.NONE, results::add, laneResults::add, loop, clock,
                settings);
        GroupReconciler group = new GroupReconciler("api", topology, dns, wiring,
                new GroupWatch("api", EvidenceStore.NONE));
        loop.group = group;
        loop.wake("");
        return group;
    }

    List<String> steps() {
        return results.stream().map(r -> r.step() + " " + r.status() + (r.provider() == null ? "" : " " + r.provider()))
                .toList();
    }

    static List<LaneStatus> lanes(GroupReconciler group) {
        return group.lanes().orElseThrow().statuses();
    }

    LaneState state(GroupReconciler group, String lane) {
        return lanes(group).stream().filter(s -> s.lane().equals(lane)).findFirst().orElseThrow().state();
    }

    @Test
    void aProviderThatCannotBeReachedHoldsNoOtherAndConvergesOnceBackUnderAny() {
        GroupReconciler group = group(ServePolicy.ANY);
        loop.run(Duration.ofSeconds(5)); // the initial state read from both
        for (int i = 0; i < 12; i++) {
            knot.readFailures.add("connection refused");
        }
        offer(group, decision(1, DecisionKind.FAILOVER, "primary", "secondary"));

        loop.run(Duration.ofMillis(100));
        assertThat(r53.successfulWrites).as("r53 written at once, knot unreachable").isEqualTo(1);
        assertThat(knot.successfulWrites).isZero();
        loop.run(Duration.ofSeconds(1));

        assertThat(group.status().convergence()).as("served under any: r53 serves")
                .isInstanceOf(Convergence.Converged.class);
        assertThat(state(group, "r53")).isEqualTo(LaneState.SERVED);
        assertThat(state(group, "knot")).isEqualTo(LaneState.CONVERGING);
        LaneStatus knotNow = lanes(group).get(1);
        assertThat(knotNow.attempt()).as("knot's own attempts, apart from r53's").isGreaterThan(1);
        assertThat(knotNow.detail()).isEqualTo("attempt " + knotNow.attempt()
                + ": cannot read api.example.test from scripted: connection refused");
        assertThat(lanes(group).get(0).attempt()).isZero();
        assertThat(steps()).contains("DNS_SWITCH SUCCEEDED r53", "COMPLETE SUCCEEDED scripted",
                "RECONCILE CONVERGED scripted");

        loop.run(Duration.ofSeconds(120)); // its backoff: 0.2 s doubling up to 10 s

        assertThat(knot.readFailures).as("knot asked again until it answered").isEmpty();
        assertThat(state(group, "knot")).isEqualTo(LaneState.SERVED);
        assertThat(Set.copyOf(knot.served().sets())).isEqualTo(SECONDARY);
        assertThat(knot.served().owner()).map(OwnerMark::epoch).contains(1L);
        assertThat(r53.successfulWrites + knot.successfulWrites).as("each provider written once").isEqualTo(2);
        assertThat(laneResults.stream().map(r -> r.lane() + " " + r.state()).distinct().toList())
                .as("each lane's state changes published").contains("r53 SERVED", "knot CONVERGING", "knot SERVED");
        assertThat(results.stream().filter(r -> r.decisionId().equals("d-1")
                && r.step() == dev.failover.contract.event.ActuationStep.RECONCILE).map(r -> r.status().name())
                .toList())
                .as("the group's RECONCILE is the group's alone: a lane's attempts are not it")
                .doesNotContain("CONVERGING");
    }

    @Test
    void underAllTheGroupIsServedOnlyOnceTheLaggardServes() {
        GroupReconciler group = group(ServePolicy.ALL);
        loop.run(Duration.ofSeconds(5));
        for (int i = 0; i < 6; i++) {
            knot.readFailures.add("connection refused");
        }
        offer(group, decision(1, DecisionKind.FAILOVER, "primary", "secondary"));

        loop.run(Duration.ofSeconds(1));
        assertThat(r53.successfulWrites).isEqualTo(1);
        assertThat(group.status().convergence()).as("knot not served yet").isInstanceOf(Convergence.Converging.class);

        loop.run(Duration.ofSeconds(60));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(state(group, "knot")).isEqualTo(LaneState.SERVED);
        assertThat(r53.successfulWrites + knot.successfulWrites).isEqualTo(2);
    }

    @Test
    void aRefusingProviderIsRefusedAloneUnderAnyAndTriedAgainOnAnOperatorsRetry() {
        GroupReconciler any = group(ServePolicy.ANY);
        loop.run(Duration.ofSeconds(5));
        knot.refuses = "NOTAUTH: TSIG key not known";
        offer(any, decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        loop.run(Duration.ofSeconds(10));

        assertThat(any.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(state(any, "knot")).isEqualTo(LaneState.REFUSED);
        assertThat(state(any, "r53")).isEqualTo(LaneState.SERVED);

        knot.refuses = null; // the key fixed: nothing is written to knot before an operator's retry
        loop.run(Duration.ofSeconds(90));
        assertThat(state(any, "knot")).as("refused for good: read at each resync, not written")
                .isEqualTo(LaneState.REFUSED);
        assertThat(knot.successfulWrites).isZero();

        any.retry("alice", "TSIG key fixed");
        loop.wake(""); // the retry endpoint wakes the group's pass
        loop.run(Duration.ofSeconds(5));
        assertThat(state(any, "knot")).as("an operator's retry tries the refused lane again")
                .isEqualTo(LaneState.SERVED);
    }

    @Test
    void underAllARefusingProviderBlocksTheGroupUntilARetry() {
        GroupReconciler all = group(ServePolicy.ALL);
        loop.run(Duration.ofSeconds(5));
        knot.refuses = "NOTAUTH: TSIG key not known";
        offer(all, decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        loop.run(Duration.ofSeconds(10));

        assertThat(all.status().convergence()).isInstanceOf(Convergence.Blocked.class);
        assertThat(steps()).contains("RECONCILE BLOCKED knot");

        knot.refuses = null;
        int r53Writes = r53.successfulWrites;
        loop.run(Duration.ofSeconds(90));
        assertThat(all.status().convergence()).as("a blocked group changes nothing until a retry")
                .isInstanceOf(Convergence.Blocked.class);
        assertThat(knot.successfulWrites).isZero();
        assertThat(r53.successfulWrites).isEqualTo(r53Writes);

        all.retry("alice", "TSIG key fixed");
        loop.wake("");
        loop.run(Duration.ofSeconds(10));
        assertThat(all.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(knot.successfulWrites).isEqualTo(1);
    }

    @Test
    void aThrottledProviderWaitsItsOwnLongerBackoffWhileTheOtherServes() {
        GroupReconciler group = group(ServePolicy.ANY);
        loop.run(Duration.ofSeconds(5));
        knot.writeFailures.add(new WriteOutcome.Throttled("Rate exceeded"));
        offer(group, decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        loop.run(Duration.ofMillis(100));

        assertThat(state(group, "knot")).isEqualTo(LaneState.THROTTLED);
        assertThat(r53.successfulWrites).isEqualTo(1);
        loop.run(Duration.ofSeconds(60));
        assertThat(state(group, "knot")).isEqualTo(LaneState.SERVED);
    }

    @Test
    void aNewerEpochsMarkInAnyLaneSupersedesTheGroupAndNoLaneWrites() {
        GroupReconciler newer = group(ServePolicy.ANY);
        offer(newer, decision(5, DecisionKind.FAILOVER, "primary", "secondary"));
        loop.run(Duration.ofSeconds(5)); // another owner wrote epoch 5 to both
        int written = r53.successfulWrites + knot.successfulWrites;
        assertThat(written).isEqualTo(2);

        loop.due.clear();
        GroupReconciler group = group(ServePolicy.ANY);
        offer(group, decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        loop.run(Duration.ofSeconds(5));

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Superseded.class);
        assertThat(r53.successfulWrites + knot.successfulWrites).as("nothing written by the older epoch")
                .isEqualTo(written);
    }
}
