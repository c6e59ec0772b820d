package dev.failover.actuator.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.dns.RecordWrite;
import dev.failover.actuator.dns.ServedRecord;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.ScalingRef.EcsService;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

/** The reconciler's rules, pass by pass, with a manual clock and in-memory backends that keep the conditional-write rule. */
public class GroupReconcilerTest {

    public static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");

    public static Topology topology(String drift) {
        return topology(drift, "");
    }

    /** @param scalingKeys more keys of the pilot target's scaling ref, each after ", " */
    public static Topology topology(String drift, String scalingKeys) {
        return TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test., ttl: 30, drift: %s}
                    targets:
                      - id: primary
                        region: us-east-1
                        probe: {type: tcp, host: 192.0.2.1, port: 443}
                        dns: {values: [192.0.2.1]}
                      - id: secondary
                        region: us-west-2
                        probe: {type: tcp, host: 192.0.2.2, port: 443}
                        dns: {values: [192.0.2.2, 192.0.2.3]}
                      - id: pilot
                        region: eu-west-1
                        probe: {type: tcp, host: 192.0.2.4, port: 443}
                        dns: {values: [192.0.2.4]}
                        scaling: {kind: ecs, cluster: c, service: s, activeSize: 3, pilotLightSize: 1%s}
                """.formatted(drift, scalingKeys), "test");
    }

    static final RecordKey KEY = new RecordKey("api", "example.test.", "api.example.test",
            dev.failover.contract.topology.RecordType.A,
            null);

    /** A DNS backend with the dry run's conditional-write rule that can be made to fail on cue. */
    public static final class ScriptedDns implements DnsProvider {
        public final DryRunDnsProvider store;
        public final Deque<String> readFailures = new ArrayDeque<>();
        /** A read failure beginning so is a resync the provider deferred ({@link ReadOutcome.Deferred}). */
        public static final String DEFERRED = "deferred";
        /**
         * Other groups' switches wait for the provider's budget: every read below a switch's priority is deferred, as
         * Route 53's are then (ADR 0022, "Resyncs stand aside while switches wait").
         */
        public boolean switchesWaiting;

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange,
                dev.failover.actuator.requests.Priority priority) {
            if (switchesWaiting && priority != dev.failover.actuator.requests.Priority.SWITCH) {
                return new ReadOutcome.Deferred(DEFERRED + ": other groups' switches wait");
            }
            return read(key, pendingChange);
        }

        public final Deque<WriteOutcome> writeFailures = new ArrayDeque<>();
        final List<RecordWrite> writes = new ArrayList<>();
        int successfulWrites;
        Runnable beforeWrite = () -> {
        };
        /** When set, the provider refuses every write with this reason, and says so when asked before one. */
        public String refuses;
        /** What the zone's listing shows for the record; null: the provider has no listing to answer from. */
        public ServedRecord listing;

        public ScriptedDns(Routing routing) {
            store = new DryRunDnsProvider(routing);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Routing routing() {
            return store.routing();
        }

        @Override
        public ReadOutcome read(RecordKey key, Optional<String> pendingChange) {
            String failure = readFailures.poll();
            if (failure != null && failure.startsWith(DEFERRED)) {
                return new ReadOutcome.Deferred(failure);
            }
            return failure != null ? new ReadOutcome.Unavailable(failure) : store.read(key, pendingChange);
        }

        @Override
        public Optional<ServedRecord> listed(RecordKey key) {
            return Optional.ofNullable(listing);
        }

        @Override
        public Optional<WriteOutcome> preflight(RecordWrite write) {
            return refuses == null ? Optional.empty() : Optional.of(new WriteOutcome.Rejected(refuses));
        }

        @Override
        public WriteOutcome write(RecordWrite write) {
            writes.add(write);
            if (refuses != null) {
                return new WriteOutcome.Rejected(refuses);
            }
            WriteOutcome failure = writeFailures.poll();
            if (failure != null) {
                return failure;
            }
            beforeWrite.run();
            WriteOutcome outcome = store.write(write);
            if (outcome instanceof WriteOutcome.Written) {
                successfulWrites++;
            }
            return outcome;
        }

        public ServedRecord served() {
            return ((ReadOutcome.Served) store.read(KEY, Optional.empty())).record();
        }

        /** A person changes the record by hand, leaving the ownership mark as it is. */
        public void changeByHand(Set<String> values) {
            ServedRecord now = served();
            store.write(new RecordWrite(KEY, now.ownerText(), now.owner().orElseThrow(),
                    List.of(RecordSet.simple(30, values))));
        }
    }

    /** An ECS-like scaler whose readiness the test moves. */
    public static final class FakeScaler implements Scaler<EcsService> {
        int desired = 1;
        int ready = 1;
        int scaleUps;
        int scaleDowns;
        String unavailable;
        String rejected;

        @Override
        public ScalingRef.Kind kind() {
            return ScalingRef.Kind.ECS;
        }

        @Override
        public CapacityOutcome observe(EcsService ref) {
            return unavailable != null ? new CapacityOutcome.Unavailable(unavailable)
                    : new CapacityOutcome.Observed(desired, ready);
        }

        @Override
        public ScaleOutcome scaleUp(EcsService ref) {
            if (rejected != null) {
                return new ScaleOutcome.Rejected(rejected);
            }
            scaleUps++;
            desired = ref.activeSize();
            return new ScaleOutcome.Requested("desiredCount " + desired);
        }

        @Override
        public ScaleOutcome scaleDown(EcsService ref) {
            scaleDowns++;
            desired = ref.pilotLightSize();
            ready = Math.min(ready, desired);
            return new ScaleOutcome.Requested("desiredCount " + desired);
        }
    }

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<DesiredState> saved = new ArrayList<>();
    final FakeScaler scaler = new FakeScaler();
    final ReconcileSettings settings = new ReconcileSettings(Duration.ofSeconds(30), Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ZERO, () -> 0.0),
            Duration.ofSeconds(60),
            Duration.ofMinutes(5));

    GroupReconciler reconciler(ScriptedDns dns, Topology topology, TrafficPlan traffic) {
        return Reconcilers.group("api", topology, dns, traffic, Reconcilers.minimal(scalersOf(topology), saved::add,
                results::add, clock, settings));
    }

    Scalers scalersOf(Topology topology) {
        return scalersOf(topology, scaler);
    }

    /** {@code scaler} at the place of every scaled target of the topology, as the actuator makes one per place. */
    public static Scalers scalersOf(Topology topology, Scaler<?> scaler) {
        Map<ScalingSettings.Placed, Scaler<?>> byPlace = new HashMap<>();
        topology.groups().forEach(g -> g.targets().stream().filter(t -> t.scaling() != null)
                .forEach(t -> byPlace.put(ScalingSettings.Placed.of(t.scaling()), scaler)));
        return new Scalers(byPlace);
    }

    GroupReconciler reconciler(ScriptedDns dns) {
        return reconciler(dns, topology("report"), TrafficPlans.of(Routing.SINGLE, 100, List.of()));
    }

    public static Decision decision(long epoch, DecisionKind kind, String from, String to) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, from, to, "test", List.of(), T0, DecisionMode.LIVE,
                "automation");
    }

    /** Runs passes as the loop would, moving the clock by what each asks, until the group asks to wait {@code idle}. */
    List<Duration> runUntilIdle(GroupReconciler group, int maxPasses) {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < maxPasses; i++) {
            Duration wait = group.run();
            waits.add(wait);
            if (wait.equals(settings.resync())) {
                return waits;
            }
            clock.advance(wait);
        }
        return waits;
    }

    List<String> steps() {
        return results.stream().map(r -> r.step() + " " + r.status()).toList();
    }

    @Test
    void aFailoverIsWrittenThenProvenByAReadBeforeItCountsAsConverged() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);

        assertThat(group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary")))
                .isInstanceOf(Offer.Accepted.class);
        assertThat(group.run()).as("after the write the next pass reads it back at once").isEqualTo(Duration.ZERO);
        assertThat(group.status().convergence()).as("written is not served").isInstanceOf(Convergence.Converging.class);
        assertThat(group.run()).isEqualTo(settings.resync());

        assertThat(steps()).containsExactly("FENCE SUCCEEDED", "SCALE_UP SKIPPED", "DNS_SWITCH SUCCEEDED",
                "VERIFY SUCCEEDED",
                "COMPLETE SUCCEEDED", "RECONCILE CONVERGED");
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(30, Set.of("192.0.2.2", "192.0.2.3")));
        assertThat(dns.served().owner()).map(OwnerMark::decisionId).contains("d-1");
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);

        assertThat(group.run()).as("a converged group only reads").isEqualTo(settings.resync());
        assertThat(dns.successfulWrites).isEqualTo(1);
    }

    @Test
    void aDnsServerAwayLongerThanAnyRetryBudgetIsRetriedUntilItIsBackAndTheSwitchLands() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        for (int i = 0; i < 40; i++) {
            dns.readFailures.add("connection refused");
        }

        List<Duration> waits = runUntilIdle(group, 60);

        assertThat(waits.subList(0, 8)).as("capped exponential backoff").containsExactly(Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(1600), Duration.ofMillis(3200),
                Duration.ofMillis(6400), Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(dns.served().owner()).as("served after the server came back").map(OwnerMark::decisionId)
                .contains("d-1");
        assertThat(dns.successfulWrites).as("exactly one effective change").isEqualTo(1);
        List<ActuationResult> converging = results.stream().filter(r -> r.status() == ActuationStatus.CONVERGING)
                .toList();
        assertThat(converging).as("CONVERGING is published with the error, not once per attempt").hasSize(1);
        assertThat(converging.get(0).details()).contains("attempt 1").contains("connection refused");
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    @Test
    void unservedSinceIsKeptWhileConvergingAndClearedWhenServed() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        dns.readFailures.add("timeout");
        dns.readFailures.add("timeout");

        clock.advance(group.run());
        assertThat(group.status().unservedSince()).isEqualTo(T0);
        runUntilIdle(group, 10);

        assertThat(group.status().unservedSince()).isNull();
    }

    @Test
    void aRejectedWriteBlocksTheGroupUntilAnOperatorRetries() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        dns.writeFailures.add(new DnsProvider.WriteOutcome.Rejected("NOTAUTH (TSIG BADSIG)"));

        assertThat(group.run()).isEqualTo(settings.resync());
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.reason()).contains("BADSIG"));
        assertThat(steps()).contains("DNS_SWITCH FAILED", "RECONCILE BLOCKED");
        group.run();
        assertThat(dns.writes).as("a blocked group does not write again by itself").hasSize(1);

        group.retry("alice", "the TSIG key was fixed");
        runUntilIdle(group, 5);
        assertThat(results).as("the retry, recorded with who asked and why").anySatisfy(r -> {
            assertThat(r.step()).isEqualTo(dev.failover.contract.event.ActuationStep.RECONCILE);
            assertThat(r.details()).contains("asked by alice: the TSIG key was fixed");
        });
        assertThat(dns.served().owner()).map(OwnerMark::decisionId).contains("d-1");
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    /**
     * A retry asked while the group was not BLOCKED is answered (SKIPPED, saying why) and dropped: kept, it unblocked the
     * next BLOCKED by itself, whose cause nobody had looked at (ADR 0025).
     */
    @Test
    void aRetryOfAGroupThatIsNotBlockedIsAnsweredAndNotKeptForALaterBlock() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns, topology("correct"), TrafficPlans.of(Routing.SINGLE, 100, List.of()));
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        runUntilIdle(group, 5);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);

        group.retry("alice", "just in case");
        group.run();
        assertThat(results).as("the retry's answer, with the status the group stands at: what the decision-service "
                + "takes as served does not change by it").anySatisfy(r -> {
                    assertThat(r.step()).isEqualTo(dev.failover.contract.event.ActuationStep.RECONCILE);
                    assertThat(r.status()).isEqualTo(dev.failover.contract.event.ActuationStatus.CONVERGED);
                    assertThat(r.details()).contains("asked by alice not needed", "not BLOCKED", "just in case");
                });

        // the same decision blocks later: someone changed the record by hand and the correction is refused
        dns.changeByHand(Set.of("198.51.100.9"));
        dns.writeFailures.add(new DnsProvider.WriteOutcome.Rejected("NOTAUTH (TSIG BADSIG)"));
        clock.advance(settings.resync());
        runUntilIdle(group, 5);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Blocked.class);
        int writes = dns.writes.size();
        clock.advance(settings.resync());
        runUntilIdle(group, 5);
        assertThat(group.status().convergence()).as("the earlier retry does not unblock a later block")
                .isInstanceOf(Convergence.Blocked.class);
        assertThat(dns.writes).as("no write without a new retry").hasSize(writes);
    }

    @Test
    void aNewerDecisionUnblocksAndAnOlderOrReplayedOneIsSkipped() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(decision(2, DecisionKind.FAILOVER, "primary", "secondary"));
        dns.writeFailures.add(new DnsProvider.WriteOutcome.Rejected("REFUSED"));
        group.run();

        assertThat(group.offer(decision(2, DecisionKind.FAILOVER, "primary", "secondary")))
                .isEqualTo(new Offer.Stale(2));
        assertThat(group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary")))
                .isEqualTo(new Offer.Stale(2));
        assertThat(group.offer(decision(3, DecisionKind.FORCE, "secondary", "primary")))
                .isInstanceOf(Offer.Accepted.class);
        runUntilIdle(group, 5);

        assertThat(dns.served().owner()).map(OwnerMark::decisionId).contains("d-3");
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(30, Set.of("192.0.2.1")));
    }

    @Test
    void aStaleWriterIsRefusedByTheConditionalWriteAndThenStandsDown() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler stale = reconciler(dns);
        stale.offer(decision(2, DecisionKind.FAILOVER, "primary", "secondary"));
        // between the stale instance's read and its write, the owner of a newer decision writes
        dns.beforeWrite = () -> {
            dns.beforeWrite = () -> {
            };
            ServedRecord now = dns.served();
            dns.store.write(new RecordWrite(KEY, now.ownerText(), new OwnerMark("api", 3, "d-3"),
                    List.of(RecordSet.simple(30, Set.of("192.0.2.1")))));
        };

        runUntilIdle(stale, 10);

        assertThat(dns.served().owner()).as("the newer switch stands").contains(new OwnerMark("api", 3, "d-3"));
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(30, Set.of("192.0.2.1")));
        assertThat(stale.status().convergence()).isEqualTo(new Convergence.Superseded(3));
        assertThat(steps()).contains("RECONCILE SUPERSEDED").doesNotContain("DNS_SWITCH SUCCEEDED");
    }

    static Stream<Arguments> driftPolicies() {
        return Stream.of(Arguments.of("report", Set.of("198.51.100.9"), 0),
                Arguments.of("correct", Set.of("192.0.2.2", "192.0.2.3"), 1));
    }

    @ParameterizedTest(name = "drift: {0}")
    @MethodSource("driftPolicies")
    void aChangeByHandAfterConvergenceIsReportedWithinOnePeriodAndCorrectedOnlyWhenConfigured(String policy,
            Set<String> servedAfter,
            int corrections) {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns, topology(policy), TrafficPlans.of(Routing.SINGLE, 100, List.of()));
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "secondary"));
        runUntilIdle(group, 5);
        int writesBefore = dns.successfulWrites;

        dns.changeByHand(Set.of("198.51.100.9"));
        clock.advance(settings.resync());
        runUntilIdle(group, 5);

        assertThat(steps()).as("reported on the next periodic read").contains("RECONCILE DRIFT");
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(30, servedAfter));
        assertThat(dns.successfulWrites - writesBefore).isEqualTo(corrections);
    }

    @Test
    void dnsWaitsForAPilotLightTargetToBeReadyAndAskedForCapacityOnce() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(decision(1, DecisionKind.FAILOVER, "secondary", "pilot"));

        assertThat(group.run()).isEqualTo(settings.capacityPoll());
        clock.advance(settings.capacityPoll());
        scaler.ready = 2;
        assertThat(group.run()).isEqualTo(settings.capacityPoll());
        assertThat(dns.writes).as("no DNS switch to a target that is not ready").isEmpty();
        assertThat(scaler.scaleUps).isEqualTo(1);

        scaler.ready = 3;
        runUntilIdle(group, 5);
        assertThat(dns.served().sets()).containsExactly(RecordSet.simple(30, Set.of("192.0.2.4")));
        assertThat(steps()).containsSubsequence("RECONCILE CONVERGING", "SCALE_UP SUCCEEDED", "DNS_SWITCH SUCCEEDED",
                "RECONCILE CONVERGED");
    }

    /**
     * Capacity unknown is not capacity short. The target's region's scaling API is impaired (its capacity cannot be
     * read): a FAILOVER waits for it (for readyTimeoutSeconds, then blocks), but an operator's FORCE goes ahead and
     * says the capacity is unknown; a known shortfall still holds a FORCE back.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, ref capacity {1}, capacity {2}: switched {3}")
    @org.junit.jupiter.params.provider.CsvSource({ "FAILOVER, required, unreadable, false, ",
            "FORCE, required, unreadable, true, an operator's FORCE", "FORCE, required, short, false, ",
            "FAILOVER, best-effort, unreadable, true, capacity: best-effort", "FAILOVER, best-effort, short, false, " })
    void aForceOrBestEffortGoesAheadWhenCapacityCannotBeReadButNotWhenItIsShort(DecisionKind kind, String policy,
            String capacity, boolean switched, String why) {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        Topology topology = topology("report", ", capacity: " + policy);
        GroupReconciler group = reconciler(dns, topology, TrafficPlans.of(Routing.SINGLE, 100, List.of()));
        if (capacity.equals("unreadable")) {
            scaler.unavailable = "AccessDeniedException from STS in us-west-2: the region's API is impaired";
        } else {
            scaler.rejected = null;
            scaler.ready = 1; // desired 1 of 3: scaled up, never ready
        }
        group.offer(decision(1, kind, "secondary", "pilot"));

        runUntilIdle(group, 5);

        if (switched) {
            assertThat(dns.served().sets()).containsExactly(RecordSet.simple(30, Set.of("192.0.2.4")));
            assertThat(results).filteredOn(r -> r.step() == dev.failover.contract.event.ActuationStep.SCALE_UP)
                    .anySatisfy(r -> {
                        assertThat(r.status()).isEqualTo(dev.failover.contract.event.ActuationStatus.SKIPPED);
                        assertThat(r.details()).contains("capacity unknown").contains("impaired").contains(why);
                    });
        } else {
            assertThat(dns.writes).as("no DNS switch to a target whose capacity is short or, without a force, unknown")
                    .isEmpty();
        }
    }

    @Test
    void aRefusedScaleUpBlocksWithoutTouchingDns() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        scaler.rejected = "AccessDeniedException";
        group.offer(decision(1, DecisionKind.FAILOVER, "secondary", "pilot"));

        group.run();

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Blocked.class);
        assertThat(steps()).contains("SCALE_UP FAILED", "RECONCILE BLOCKED");
        assertThat(dns.writes).isEmpty();
    }

    @Test
    void afterAFailbackTheTargetLeftReturnsToPilotLightButNeverTheActiveOne() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        scaler.ready = 3;
        scaler.desired = 3;
        group.offer(decision(2, DecisionKind.FAILBACK, "pilot", "secondary"));
        runUntilIdle(group, 5);
        assertThat(scaler.scaleDowns).as("not before the delay").isZero();

        clock.advance(settings.scaleDownAfter());
        group.run();

        assertThat(scaler.scaleDowns).isEqualTo(1);
        assertThat(steps()).contains("SCALE_DOWN SUCCEEDED");

        // a failover back to the pilot target must never be followed by its scale-down
        results.clear();
        group.offer(decision(3, DecisionKind.FAILOVER, "secondary", "pilot"));
        scaler.ready = 3;
        scaler.desired = 3;
        runUntilIdle(group, 10);
        clock.advance(settings.scaleDownAfter().multipliedBy(2));
        group.run();
        assertThat(scaler.scaleDowns).isEqualTo(1);
    }

    @Test
    void aShadowDecisionIsRecordedAndNothingIsWritten() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(
                new Decision(1, "d-1", "api", 1L, DecisionKind.FAILOVER, "primary", "secondary", "test", List.of(), T0,
                        DecisionMode.SHADOW, "automation"));

        group.run();

        assertThat(steps()).containsExactly("COMPLETE SKIPPED");
        assertThat(dns.writes).isEmpty();
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Shadow.class);
    }

    @Test
    void aTargetMissingFromTheTopologyBlocks() {
        ScriptedDns dns = new ScriptedDns(Routing.SINGLE);
        GroupReconciler group = reconciler(dns);
        group.offer(decision(1, DecisionKind.FAILOVER, "primary", "nowhere"));

        group.run();

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Blocked.class);
        assertThat(dns.writes).isEmpty();
    }

    @Test
    void aSteppedFailbackMovesTrafficStepByStepAndResumesFromTheStepReachedAfterARestart() {
        ScriptedDns dns = new ScriptedDns(Routing.WEIGHTED);
        TrafficPlan traffic = TrafficPlans.of(Routing.WEIGHTED, 100, List.of(10, 50, 100));
        Topology topology = topology("report");
        GroupReconciler first = reconciler(dns, topology, traffic);
        first.offer(decision(4, DecisionKind.FAILBACK, "secondary", "primary"));

        first.run(); // write step 1
        assertThat(first.run()).as("step 1 served, held for the pause").isEqualTo(settings.stepPause());
        assertThat(weights(dns)).containsEntry("primary", 10L).containsEntry("secondary", 90L).containsEntry("pilot",
                0L);
        clock.advance(settings.stepPause());
        assertThat(first.run()).isEqualTo(Duration.ZERO);
        assertThat(saved).as("the step reached is stored").extracting(DesiredState::step).containsExactly(1);
        first.run(); // write step 2
        first.run(); // served, pause
        assertThat(weights(dns)).containsEntry("primary", 50L).containsEntry("secondary", 50L);

        // the instance dies here; a new one restores the stored desired state
        int writesBeforeRestart = dns.writes.size();
        GroupReconciler second = reconciler(dns, topology, traffic);
        second.restore(saved.get(saved.size() - 1));
        second.run();
        assertThat(weights(dns)).as("resumed at 50 %, not sent back to 10 %").containsEntry("primary", 50L);
        clock.advance(settings.stepPause());
        runUntilIdle(second, 10);

        assertThat(weights(dns)).containsEntry("primary", 100L).containsEntry("secondary", 0L).containsEntry("pilot",
                0L);
        assertThat(dns.writes.subList(writesBeforeRestart, dns.writes.size()))
                .as("the primary's weight in every write after the restart").extracting(w -> w.sets().get(0).weight())
                .containsExactly(100L);
        assertThat(second.status().convergence()).isInstanceOf(Convergence.Converged.class);
    }

    /**
     * A step whose save fails (Kafka away) is not left: the group holds the step it stored until the next one is stored,
     * so that a restart never sends traffic back a step it had already moved past.
     */
    @Test
    void aSteppedFailbackDoesNotMoveOnUntilTheNextStepIsStored() {
        ScriptedDns dns = new ScriptedDns(Routing.WEIGHTED);
        TrafficPlan traffic = TrafficPlans.of(Routing.WEIGHTED, 100, List.of(10, 50, 100));
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(1);
        GroupReconciler group = Reconcilers.group("api", topology("report"), dns, traffic,
                Reconcilers.minimal(scalersOf(topology("report"), scaler), state -> {
                    if (failures.getAndDecrement() > 0) {
                        throw new IllegalStateException("Kafka away");
                    }
                    saved.add(state);
                }, results::add, clock, settings));
        group.offer(decision(4, DecisionKind.FAILBACK, "secondary", "primary"));
        group.run(); // write step 1
        group.run(); // served, held
        clock.advance(settings.stepPause());

        org.assertj.core.api.Assertions.assertThatThrownBy(group::run).hasMessageContaining("Kafka away");
        group.run(); // the pass after the failed one: stores the step now, writes nothing yet

        assertThat(weights(dns)).as("traffic after the failed save: the stored step").containsEntry("primary", 10L);
        assertThat(saved).as("steps stored").extracting(DesiredState::step).containsExactly(1);
        group.run(); // the step stored: written
        assertThat(weights(dns)).as("traffic once the step is stored").containsEntry("primary", 50L);
    }

    /**
     * The status says until when a served step is held as planned, so that "decided but not served" does not page
     * while a stepped failback (or a planned move) waits as it should.
     */
    @Test
    void theStatusSaysUntilWhenAServedStepIsHeldAsPlanned() {
        ScriptedDns dns = new ScriptedDns(Routing.WEIGHTED);
        GroupReconciler group = reconciler(dns, topology("report"),
                TrafficPlans.of(Routing.WEIGHTED, 100, List.of(10, 100)));
        group.offer(decision(4, DecisionKind.FAILBACK, "secondary", "primary"));
        group.run(); // write step 1
        assertThat(group.status().heldUntil()).as("held until, before the step is served").isNull();
        clock.advance(Duration.ofSeconds(3));
        group.run(); // served, held

        assertThat(group.status().heldUntil()).as("held until").isEqualTo(T0.plusSeconds(3).plus(settings.stepPause()));
        assertThat(group.status().unservedSince()).as("unserved since").isEqualTo(T0);
    }

    static Map<String, Long> weights(ScriptedDns dns) {
        Map<String, Long> weights = new java.util.HashMap<>();
        dns.served().sets().forEach(s -> weights.put(s.setIdentifier(), s.weight()));
        return weights;
    }

    static Stream<Arguments> backoff() {
        return Stream.of(Arguments.of(1, 200), Arguments.of(2, 400), Arguments.of(3, 800), Arguments.of(6, 6400),
                Arguments.of(7, 10_000), Arguments.of(50, 10_000), Arguments.of(Integer.MAX_VALUE, 10_000));
    }

    @ParameterizedTest(name = "after {0} failures: {1} ms")
    @MethodSource("backoff")
    void backoffDoublesUpToItsCap(int attempt, long millis) {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(100),
                () -> 0.5);
        assertThat(backoff.after(attempt)).isEqualTo(Duration.ofMillis(millis + 50));
    }
}
