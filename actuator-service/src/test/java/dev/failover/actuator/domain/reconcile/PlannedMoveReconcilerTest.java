package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.FakeScaler;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest.ScriptedDns;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

/**
 * Planned moves that start from somewhere other than their decision says (a drill ended before it reached its target, a
 * switchover over an unserved move), a drill aborted because its target failed, and the capacity wait's time limit;
 * with a manual clock and the in-memory backends of {@link GroupReconcilerTest}.
 */
class PlannedMoveReconcilerTest {

    static final Instant T0 = GroupReconcilerTest.T0;
    static final int READY_TIMEOUT = 20;
    /** The pilot-light target's values: no write may carry them before it is ready. */
    static final String PILOT = "192.0.2.4";

    /** A group with a 60 s TTL (above the default floor of 5 s: planned moves take three steps). */
    static final Topology TOPOLOGY = TopologyLoader.parse("""
            version: 1
            locations: [loc-a]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test., ttl: 60, drift: report}
                targets:
                  - {id: primary, region: us-east-1, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
                  - id: pilot
                    region: eu-west-1
                    probe: {type: tcp, host: 192.0.2.4, port: 443}
                    dns: {values: [192.0.2.4]}
                    scaling: {kind: ecs, cluster: c, service: s, activeSize: 3, pilotLightSize: 1, readyTimeoutSeconds: %d}
            """.formatted(READY_TIMEOUT), "test");

    /** A group whose first target is scaled: with no decision yet, a correction of its record waits for capacity. */
    static final Topology PRIMARY_SCALED = TopologyLoader.parse("""
            version: 1
            locations: [loc-a]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test., ttl: 60, drift: correct}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 192.0.2.1, port: 443}
                    dns: {values: [192.0.2.1]}
                    scaling: {kind: ecs, cluster: c, service: s, activeSize: 3, pilotLightSize: 1, readyTimeoutSeconds: %d}
                  - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
            """.formatted(READY_TIMEOUT), "test");

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<DesiredState> saved = new ArrayList<>();
    final FakeScaler scaler = new FakeScaler();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5));
    final ScriptedDns dns = new ScriptedDns(Routing.SINGLE);

    GroupReconciler reconciler() {
        return Reconcilers.group("api", TOPOLOGY, dns, TrafficPlans.of(Routing.SINGLE, 100, List.of()),
                Reconcilers.minimal(GroupReconcilerTest.scalersOf(TOPOLOGY, scaler), saved::add, results::add, clock,
                        settings));
    }

    static Decision decision(long epoch, DecisionKind kind, String from, String to) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, from, to, "test", List.of(), T0, DecisionMode.LIVE,
                "automation");
    }

    /** Passes as the loop runs them, moving the clock by what each asks, until the group settles or blocks. */
    void runUntilSettled(GroupReconciler group, int maxPasses) {
        for (int i = 0; i < maxPasses; i++) {
            Duration wait = group.run();
            if (wait.equals(settings.resync())) {
                return;
            }
            clock.advance(wait);
        }
    }

    /** The record serves {@code values} at {@code ttl}, written by an earlier decision of epoch 1. */
    void servedBefore(int ttl, String... values) {
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, null, new OwnerMark("api", 1, "d-1"),
                List.of(RecordSet.simple(ttl, Set.of(values)))));
    }

    List<String> writes() {
        return dns.writes.stream().map(w -> w.sets().stream().map(RecordSet::describe).reduce("", String::concat))
                .toList();
    }

    List<String> steps() {
        return results.stream().map(r -> r.step() + " " + r.status()).toList();
    }

    // ---- item 6: a drill aborted because its target failed is an emergency ----

    @Test
    void aDrillAbortedBecauseItsTargetFailedMovesTrafficBackAtOnce() {
        servedBefore(60, "192.0.2.2"); // the drill serves the secondary
        GroupReconciler group = reconciler();
        group.offer(decision(3, DecisionKind.DRILL_ABORT, "secondary", "primary"));

        runUntilSettled(group, 10);

        assertThat(writes()).as("one write, the primary at its TTL: no TTL lowered on the failing drill target")
                .containsExactly("60 192.0.2.1");
        assertThat(clock.instant()).as("no hold for the old TTL").isEqualTo(T0);
        assertThat(steps()).doesNotContain("LOWER_TTL SUCCEEDED").contains("COMPLETE SUCCEEDED", "RECONCILE CONVERGED");
    }

    // ---- item 7: a planned move acts on what is served ----

    /**
     * Acting on what is served is for a move that has not written yet. Once its first step is ours, a person's change
     * during the hold is drift (drift: report): reported and left, not a reason to skip ahead to the switch.
     */
    @Test
    void aChangeByHandDuringAPlannedMovesHoldIsDriftNotASkipToTheSwitch() {
        servedBefore(60, "192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));
        assertThat(group.run()).as("step 1 written: the TTL lowered on the primary").isEqualTo(Duration.ZERO);
        assertThat(group.run()).as("step 1 held for the old TTL").isEqualTo(Duration.ofSeconds(60));
        int ourWrites = dns.writes.size();

        // a person moves traffic by hand (nsupdate of the A record only: the plane's mark stays as it was)
        ServedRecord before = dns.served();
        dns.store.write(new RecordWrite(GroupReconcilerTest.KEY, before.ownerText(), before.owner().orElseThrow(),
                List.of(RecordSet.simple(60, Set.of("198.51.100.9")))));
        clock.advance(Duration.ofSeconds(10));
        group.run();

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Drifted.class);
        assertThat(dns.writes).as("nothing written after the person's change").hasSize(ourWrites);
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(60, Set.of("198.51.100.9")));
        assertThat(steps()).doesNotContain("LOWER_TTL SKIPPED");
    }

    @Test
    void endingADrillThatNeverReachedItsTargetNeverWritesTheDrillTarget() {
        servedBefore(60, "192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.DRILL_START, "primary", "pilot"));
        assertThat(group.run()).as("step 1 written: the TTL lowered on the primary").isEqualTo(Duration.ZERO);
        assertThat(group.run()).as("step 1 held for the old TTL").isEqualTo(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(10));

        // the operator ends the drill while the record still serves the primary
        group.offer(decision(3, DecisionKind.DRILL_END, "pilot", "primary"));
        runUntilSettled(group, 20);

        assertThat(writes()).as("every write of the drill and its end").noneMatch(w -> w.contains(PILOT));
        assertThat(scaler.scaleUps).as("the drill target is never scaled up for the way back").isZero();
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(60, Set.of("192.0.2.1")));
        assertThat(dns.served().owner().map(OwnerMark::decisionId)).contains("d-3");
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    @Test
    void aSwitchoverOverAnUnservedMoveNeverSendsTrafficToTheUnscaledTargetNorWaitsOnTheOldTtl() {
        servedBefore(60, "192.0.2.2");
        scaler.ready = 1; // the pilot-light target never gets ready
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "pilot"));
        assertThat(group.run()).as("waiting for the pilot's capacity").isEqualTo(settings.capacityPoll());
        clock.advance(settings.capacityPoll());

        // the decision-service believes the pilot is active; an operator switches over to the primary
        group.offer(decision(3, DecisionKind.SWITCHOVER, "pilot", "primary"));
        runUntilSettled(group, 20);

        assertThat(writes()).as("straight to the switch at the floor, then the TTL restored")
                .containsExactly("5 192.0.2.1", "60 192.0.2.1");
        assertThat(dns.served().owner().map(OwnerMark::decisionId)).contains("d-3");
        assertThat(steps()).doesNotContain("LOWER_TTL SUCCEEDED");
        assertThat(saved).as("the skipped step is stored, so a restart resumes at the switch")
                .extracting(DesiredState::step)
                .startsWith(1);
    }

    @Test
    void aSwitchoverFromTheServedTargetStillLowersItsTtlFirst() {
        servedBefore(60, "192.0.2.1");
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.SWITCHOVER, "primary", "secondary"));

        runUntilSettled(group, 20);

        assertThat(writes()).containsExactly("5 192.0.2.1", "5 192.0.2.2", "60 192.0.2.2");
        assertThat(steps()).containsSubsequence("LOWER_TTL SUCCEEDED", "DNS_SWITCH SUCCEEDED", "RESTORE_TTL SUCCEEDED",
                "RECONCILE CONVERGED");
    }

    // ---- item 8: the capacity wait ends after readyTimeoutSeconds ----

    @Test
    void aTargetNotReadyWithinItsReadyTimeoutBlocksTheGroupWithTheScalersLastReading() {
        servedBefore(60, "192.0.2.2");
        scaler.ready = 1;
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "pilot"));

        runUntilSettled(group, 50);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> {
            assertThat(b.since()).as("blocked when the timeout ran out, not later")
                    .isEqualTo(T0.plusSeconds(READY_TIMEOUT));
            assertThat(b.reason()).contains("pilot", "not ready within readyTimeoutSeconds " + READY_TIMEOUT,
                    "1 of 3 ready");
        });
        assertThat(steps()).containsSubsequence("RECONCILE CONVERGING", "SCALE_UP FAILED", "RECONCILE BLOCKED");
        assertThat(scaler.scaleUps).isEqualTo(1);
        assertThat(dns.writes).as("DNS never switched to the target that is not ready").isEmpty();

        clock.advance(Duration.ofMinutes(5));
        group.run();
        assertThat(dns.writes).as("a blocked group waits for a retry or a newer decision").isEmpty();

        // an operator retries: a full timeout again, from the retry
        group.retry("alice", "the cause was fixed");
        Instant retried = clock.instant();
        assertThat(group.run()).isEqualTo(settings.capacityPoll());
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converging.class);
        clock.advance(Duration.ofSeconds(READY_TIMEOUT - 4));
        scaler.ready = 3;
        runUntilSettled(group, 10);
        assertThat(clock.instant()).isBefore(retried.plusSeconds(READY_TIMEOUT));
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(60, Set.of(PILOT)));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    @Test
    void aScalerUnavailableForTheWholeTimeoutBlocksWithItsError() {
        servedBefore(60, "192.0.2.2");
        scaler.unavailable = "ThrottlingException: Rate exceeded";
        GroupReconciler group = reconciler();
        group.offer(decision(2, DecisionKind.FAILOVER, "secondary", "pilot"));

        runUntilSettled(group, 50);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> {
            assertThat(b.since()).isEqualTo(T0.plusSeconds(READY_TIMEOUT));
            assertThat(b.reason()).contains("not ready within readyTimeoutSeconds",
                    "ThrottlingException: Rate exceeded");
        });
        assertThat(dns.writes).isEmpty();
    }

    @Test
    void theTimeoutIsPerDesiredStateAndARestartWaitsAFullTimeoutAgain() {
        servedBefore(60, "192.0.2.2");
        scaler.ready = 1;
        GroupReconciler first = reconciler();
        first.offer(decision(2, DecisionKind.FAILOVER, "secondary", "pilot"));
        first.run();
        clock.advance(Duration.ofSeconds(READY_TIMEOUT - 5));

        // the instance restarts (or the group moves to another region's actuator): the new owner measures from its own
        // first look, so the wait can grow by up to one timeout, never shrink
        GroupReconciler second = reconciler();
        second.restore(DesiredState.of(decision(2, DecisionKind.FAILOVER, "secondary", "pilot")));
        Instant restarted = clock.instant();
        runUntilSettled(second, 50);
        assertThat(second.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.since()).isEqualTo(restarted.plusSeconds(READY_TIMEOUT)));

        // a newer decision starts a new wait of its own
        second.offer(decision(3, DecisionKind.FAILOVER, "primary", "pilot"));
        Instant decided = clock.instant();
        runUntilSettled(second, 50);
        assertThat(second.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.since()).isEqualTo(decided.plusSeconds(READY_TIMEOUT)));
        assertThat(results)
                .filteredOn(r -> r.step() == ActuationStep.RECONCILE && r.status() == ActuationStatus.BLOCKED)
                .extracting(ActuationResult::epoch).containsExactly(2L, 3L);
    }

    /**
     * The initial state (no decision yet, drift: correct) waits for its first target's capacity like a decision, and an
     * operator's retry after it blocked waits a full timeout again, as for a decision.
     */
    @Test
    void aRetryAfterTheInitialStateBlockedOnCapacityWaitsAFullTimeoutAgain() {
        dns.store.serve(GroupReconcilerTest.KEY, List.of(RecordSet.simple(60, Set.of("198.51.100.9")))); // set by hand
        scaler.ready = 1;
        GroupReconciler group = Reconcilers.group("api", PRIMARY_SCALED, dns, TrafficPlans.of(Routing.SINGLE, 100,
                List.of()),
                Reconcilers.minimal(GroupReconcilerTest.scalersOf(PRIMARY_SCALED,
                        scaler), saved::add, results::add, clock, settings));

        runUntilSettled(group, 50);
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.since()).isEqualTo(T0.plusSeconds(READY_TIMEOUT)));

        clock.advance(Duration.ofMinutes(5));
        group.retry("alice", "the cause was fixed");
        assertThat(group.run()).as("after the retry: waiting for the capacity again")
                .isEqualTo(settings.capacityPoll());
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converging.class);
        scaler.ready = 3;
        runUntilSettled(group, 10);
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(60, Set.of("192.0.2.1")));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }
}
