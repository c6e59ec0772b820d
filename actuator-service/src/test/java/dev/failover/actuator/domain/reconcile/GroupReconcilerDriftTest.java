package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;

/**
 * Drift is judged from what the DNS server holds, not from this process's memory (ADR 0006): the group's initial state
 * (no decision yet, epoch 0) is desired and observed like any decision, and a record that carries our mark but serves
 * something its write did not write is drift, whether or not this instance wrote it (a restart, a new owner).
 */
class GroupReconcilerDriftTest {

    static final Set<String> PRIMARY = Set.of("192.0.2.1");
    static final Set<String> SECONDARY = Set.of("192.0.2.2", "192.0.2.3");
    static final Set<String> BY_HAND = Set.of("198.51.100.9");

    /**
     * One zone's record as a DNS server holds it, with the server's conditional-write rule; a person may change it by
     * hand (nsupdate, the console), which leaves the ownership mark as it is.
     */
    static final class Zone implements DnsProvider {
        final Routing routing;
        String ownerText;
        List<RecordSet> sets = List.of();
        final List<RecordWrite> writes = new ArrayList<>();
        int successfulWrites;
        Runnable beforeWrite = () -> {
        };

        Zone(Routing routing) {
            this.routing = routing;
        }

        /** The record as found before the plane was deployed: no mark. */
        static Zone unmarked(Set<String> values) {
            Zone zone = new Zone(Routing.SINGLE);
            zone.sets = values.isEmpty() ? List.of() : List.of(RecordSet.simple(30, values));
            return zone;
        }

        @Override
        public String name() {
            return "zone";
        }

        @Override
        public Routing routing() {
            return routing;
        }

        @Override
        public synchronized ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            return new ReadOutcome.Served(new ServedRecord(ownerText, sets, true));
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            writes.add(write);
            Runnable hook = beforeWrite;
            beforeWrite = () -> {
            };
            hook.run();
            synchronized (this) {
                if (!Objects.equals(ownerText, write.expectedOwnerText())) {
                    return new WriteOutcome.OwnerChanged("the owner is no longer '" + write.expectedOwnerText() + "'");
                }
                ownerText = write.owner().text();
                sets = write.sets();
                successfulWrites++;
                return new WriteOutcome.Written("written", null);
            }
        }

        synchronized void byHand(Set<String> values) {
            sets = List.of(RecordSet.simple(30, values));
        }

        synchronized Set<String> values() {
            return sets.isEmpty() ? Set.of() : sets.get(0).values();
        }
    }

    final ManualClock clock = new ManualClock(GroupReconcilerTest.T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<DesiredState> saved = new ArrayList<>();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2),
            new dev.failover.contract.time.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ZERO,
                    () -> 0.0),
            Duration.ofSeconds(60), null);

    GroupReconciler reconciler(Zone dns, Topology topology, TrafficPlan traffic) {
        return Reconcilers.group("api", topology, dns, traffic, Reconcilers.minimal(Scalers.none(), saved::add,
                results::add, clock, settings));
    }

    GroupReconciler reconciler(Zone dns, String drift) {
        return reconciler(dns, GroupReconcilerTest.topology(drift), TrafficPlans.of(Routing.SINGLE, 100, List.of()));
    }

    /** Passes as the loop runs them, until the group asks for its next resync. */
    void runUntilIdle(GroupReconciler group) {
        for (int i = 0; i < 10; i++) {
            Duration wait = group.run();
            if (wait.equals(settings.resync())) {
                return;
            }
            clock.advance(wait);
        }
    }

    List<String> reconcileResults() {
        return results.stream().filter(r -> r.step() == ActuationStep.RECONCILE)
                .map(r -> r.status() + " epoch " + r.epoch())
                .toList();
    }

    // ---- item 4: the initial state, before any decision ----

    static Stream<Arguments> initialState() {
        String decided = "failover-owner group=api epoch=3 decision=d-3";
        List<RecordSet> primary = List.of(RecordSet.simple(30, PRIMARY));
        List<RecordSet> byHand = List.of(RecordSet.simple(30, BY_HAND));
        return Stream.of(
                Arguments.of("unmarked record serving the primary", "report", null, primary,
                        Convergence.Converged.class,
                        "CONVERGED epoch 0", PRIMARY, 0),
                Arguments.of("unmarked record serving the primary with the TTL it was deployed with", "correct", null,
                        List.of(RecordSet.simple(300, PRIMARY)), Convergence.Converged.class, "CONVERGED epoch 0",
                        PRIMARY, 0),
                Arguments.of("changed by hand before any decision, report", "report", null, byHand,
                        Convergence.Drifted.class,
                        "DRIFT epoch 0", BY_HAND, 0),
                Arguments.of("changed by hand before any decision, correct", "correct", null, byHand,
                        Convergence.Converged.class, "DRIFT epoch 0", PRIMARY, 1),
                Arguments.of("no record at all, report", "report", null, List.of(), Convergence.Drifted.class,
                        "DRIFT epoch 0",
                        Set.of(), 0),
                Arguments.of("a decision this instance has not seen wrote it", "correct", decided,
                        List.of(RecordSet.simple(30, SECONDARY)), Convergence.Superseded.class, "SUPERSEDED epoch 0",
                        SECONDARY,
                        0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("initialState")
    void theInitialStateIsDesiredAndObservedBeforeAnyDecision(String row, String drift, String ownerText,
            List<RecordSet> found,
            Class<? extends Convergence> expected, String reported, Set<String> servedAfter, int writes) {
        Zone dns = new Zone(Routing.SINGLE);
        dns.sets = found;
        dns.ownerText = ownerText;
        GroupReconciler group = reconciler(dns, drift);

        runUntilIdle(group);

        assertThat(group.status().convergence()).isInstanceOf(expected);
        assertThat(reconcileResults()).contains(reported);
        assertThat(dns.values()).isEqualTo(servedAfter);
        assertThat(dns.successfulWrites).isEqualTo(writes);
        assertThat(group.status().served()).as("the view says what is served").isNotNull();
        assertThat(group.status().initialTarget()).as("and what is desired: the chain's first target")
                .isEqualTo("primary");
    }

    @ParameterizedTest(name = "drift: {0}")
    @MethodSource("policies")
    void aChangeByHandBeforeAnyDecisionIsReportedWithinOneResyncAndCorrectedOnlyWhenConfigured(String drift,
            Set<String> servedAfter) {
        Zone dns = Zone.unmarked(PRIMARY);
        GroupReconciler group = reconciler(dns, drift);
        runUntilIdle(group);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(dns.writes).as("a record serving the initial state is left alone").isEmpty();

        dns.byHand(BY_HAND); // nsupdate, at steady state, before any failover
        clock.advance(settings.resync());
        group.run();

        assertThat(reconcileResults()).as("reported on the next periodic read").contains("DRIFT epoch 0");
        assertThat(group.status().served()).contains("198.51.100.9");
        runUntilIdle(group);
        assertThat(dns.values()).isEqualTo(servedAfter);
    }

    static Stream<Arguments> policies() {
        return Stream.of(Arguments.of("report", BY_HAND), Arguments.of("correct", PRIMARY));
    }

    @Test
    void twoInstancesCorrectingTheInitialStateAtOnceDoNotFight() {
        Zone dns = Zone.unmarked(BY_HAND);
        GroupReconciler east = reconciler(dns, "correct");
        GroupReconciler west = reconciler(dns, "correct");
        // both read the unmarked record; west's write lands between east's read and east's write
        dns.beforeWrite = () -> runUntilIdle(west);

        runUntilIdle(east);

        assertThat(dns.values()).isEqualTo(PRIMARY);
        assertThat(dns.successfulWrites).as("one effective write; the other was refused and found it done")
                .isEqualTo(1);
        assertThat(east.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(west.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    @Test
    void aDecisionAfterTheInitialStateTakesTheRecordOver() {
        Zone dns = Zone.unmarked(BY_HAND);
        GroupReconciler group = reconciler(dns, "correct");
        runUntilIdle(group); // the initial state written back, marked epoch 0

        group.offer(GroupReconcilerTest.decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        runUntilIdle(group);

        assertThat(dns.values()).isEqualTo(SECONDARY);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(reconcileResults()).endsWith("CONVERGED epoch 1");
    }

    // ---- item 5: "ours but different" is drift whether or not this process wrote it ----

    @ParameterizedTest(name = "drift: {0}")
    @MethodSource("policies")
    void aRestartedInstanceFindsOurMarkWithValuesItDidNotWrite(String drift, Set<String> ignored) {
        Zone dns = new Zone(Routing.SINGLE);
        Topology topology = GroupReconcilerTest.topology(drift);
        TrafficPlan traffic = TrafficPlans.of(Routing.SINGLE, 100, List.of());
        GroupReconciler before = reconciler(dns, topology, traffic);
        before.offer(GroupReconcilerTest.decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        runUntilIdle(before);
        dns.byHand(BY_HAND);
        int writesBefore = dns.successfulWrites;

        // SIGKILL and restart (or a rebalance): a fresh instance restores the stored desired state
        results.clear();
        GroupReconciler after = reconciler(dns, topology, traffic);
        after.restore(DesiredState.of(GroupReconcilerTest.decision(1, DecisionKind.FAILOVER, "primary", "secondary")));
        runUntilIdle(after);

        assertThat(reconcileResults()).contains("DRIFT epoch 1");
        if (drift.equals("report")) {
            assertThat(dns.values()).as("the person's change stays").isEqualTo(BY_HAND);
            assertThat(dns.successfulWrites).isEqualTo(writesBefore);
            assertThat(after.status().convergence()).isInstanceOf(Convergence.Drifted.class);
            assertThat(results).extracting(r -> r.step() + " " + r.status()).doesNotContain("DNS_SWITCH SUCCEEDED");
        } else {
            assertThat(dns.values()).as("written back").isEqualTo(SECONDARY);
            assertThat(dns.successfulWrites).isEqualTo(writesBefore + 1);
            assertThat(after.status().convergence()).isInstanceOf(Convergence.Converged.class);
        }
    }

    @Test
    void aRestartedInstanceMakesTheNextStepItsPredecessorStoredButDidNotWrite() {
        Zone dns = new Zone(Routing.WEIGHTED);
        Topology topology = GroupReconcilerTest.topology("report");
        TrafficPlan traffic = TrafficPlans.of(Routing.WEIGHTED, 100, List.of(10, 50, 100));
        GroupReconciler before = reconciler(dns, topology, traffic);
        var failback = GroupReconcilerTest.decision(4, DecisionKind.FAILBACK, "secondary", "primary");
        before.offer(failback);
        before.run(); // step 1 (10 %) written
        before.run(); // and served

        // the step after is stored, the instance dies before writing it
        GroupReconciler after = reconciler(dns, topology, traffic);
        after.restore(DesiredState.of(failback).atStep(1));
        after.run();

        assertThat(reconcileResults()).doesNotContain("DRIFT epoch 4");
        assertThat(dns.sets).filteredOn(s -> "primary".equals(s.setIdentifier())).extracting(RecordSet::weight)
                .containsExactly(50L);
    }

    @Test
    void anOlderReleasesMarkWithValuesNoStepOfTheDecisionWroteIsDrift() {
        Zone dns = new Zone(Routing.SINGLE);
        dns.ownerText = "failover-owner group=api epoch=1 decision=d-1"; // no digest: written before it was added
        dns.byHand(BY_HAND);
        GroupReconciler fresh = reconciler(dns, "report");
        fresh.restore(DesiredState.of(GroupReconcilerTest.decision(1, DecisionKind.FAILOVER, "primary", "secondary")));

        runUntilIdle(fresh);

        assertThat(reconcileResults()).contains("DRIFT epoch 1");
        assertThat(dns.successfulWrites).isZero();
        assertThat(dns.values()).isEqualTo(BY_HAND);
    }

    @Test
    void anOlderReleasesMarkAtAnEarlierStepOfTheDecisionIsTheNextWriteNotYetMade() {
        Zone dns = new Zone(Routing.WEIGHTED);
        Topology topology = GroupReconcilerTest.topology("report");
        TrafficPlan traffic = TrafficPlans.of(Routing.WEIGHTED, 100, List.of(10, 50, 100));
        var failback = GroupReconcilerTest.decision(4, DecisionKind.FAILBACK, "secondary", "primary");
        dns.ownerText = "failover-owner group=api epoch=4 decision=d-4";
        dns.sets = traffic.wanted(topology.group("api").orElseThrow(), DesiredState.of(failback)); // step 1 as written
        GroupReconciler fresh = reconciler(dns, topology, traffic);
        fresh.restore(DesiredState.of(failback).atStep(1));

        fresh.run();

        assertThat(reconcileResults()).doesNotContain("DRIFT epoch 4");
        assertThat(dns.sets).filteredOn(s -> "primary".equals(s.setIdentifier())).extracting(RecordSet::weight)
                .containsExactly(50L);
        assertThat(dns.ownerText).as("the mark now says what was written").contains("/sets=");
    }
}
