package dev.failover.actuator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsChange;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.scaling.Scaler;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

class DecisionExecutorTest {

    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    static final Topology TOPOLOGY = TopologyLoader.parse("""
            version: 1
            locations: [loc-a]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test., ttl: 30}
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
                    scaling: {kind: ecs, cluster: c, service: s, activeSize: 3, pilotLightSize: 1}
            """, "test");

    /** Records what it is asked to apply; fails when told to. */
    static final class RecordingDns implements DnsProvider {
        final List<DnsChange> applied = new ArrayList<>();
        String failWith;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public ApplyOutcome apply(DnsChange change) {
            if (failWith != null) {
                return new ApplyOutcome.Rejected(failWith);
            }
            applied.add(change);
            return new ApplyOutcome.Applied("applied " + change.describe(), "C1");
        }

        @Override
        public VerifyOutcome verify(DnsChange change, ApplyOutcome.Applied applied, Duration timeout) {
            return new VerifyOutcome.Verified("served");
        }
    }

    final RecordingDns dns = new RecordingDns();
    final List<ActuationResult> results = new ArrayList<>();

    DecisionExecutor executor(Scalers scalers) {
        return new DecisionExecutor(TOPOLOGY, new InMemoryEpochFence(), dns, scalers, Duration.ofSeconds(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static Decision decision(long epoch, String to, DecisionMode mode) {
        return new Decision(1, "d-" + epoch, "api", epoch, DecisionKind.FAILOVER, "primary", to, "test", List.of(),
                NOW.minusSeconds(2), mode, Decision.AUTOMATION);
    }

    List<String> steps() {
        return results.stream().map(r -> r.step() + ":" + r.status()).toList();
    }

    @Test
    void aDecisionRunsFenceScaleDnsVerifyAndCompletes() {
        executor(Scalers.none()).execute(decision(1, "secondary", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:SUCCEEDED", "SCALE_UP:SKIPPED", "DNS_SWITCH:SUCCEEDED", "VERIFY:SUCCEEDED",
                "COMPLETE:SUCCEEDED");
        assertThat(dns.applied).singleElement().satisfies(change -> {
            assertThat(change.name()).isEqualTo("api.example.test.");
            assertThat(change.values()).containsExactly("192.0.2.2", "192.0.2.3");
            assertThat(change.ttl()).isEqualTo(30);
        });
        assertThat(results.get(4).sinceDecisionMillis()).isEqualTo(2000L);
    }

    @Test
    void anOlderOrReplayedEpochIsSkippedAndChangesNothing() {
        DecisionExecutor executor = executor(Scalers.none());
        executor.execute(decision(5, "secondary", DecisionMode.LIVE), results::add);
        results.clear();
        executor.execute(decision(5, "secondary", DecisionMode.LIVE), results::add);
        executor.execute(decision(3, "primary", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:SKIPPED", "FENCE:SKIPPED");
        assertThat(results.get(1).details()).contains("epoch 3 is not above the last applied epoch 5");
        assertThat(dns.applied).hasSize(1);
    }

    @Test
    void shadowDecisionsAreRecordedNotActedOn() {
        executor(Scalers.none()).execute(decision(1, "secondary", DecisionMode.SHADOW), results::add);
        assertThat(steps()).containsExactly("COMPLETE:SKIPPED");
        assertThat(dns.applied).isEmpty();
    }

    @Test
    void aPilotLightTargetWithoutAScalerIsNeverSwitchedTo() {
        executor(Scalers.none()).execute(decision(1, "pilot", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:SUCCEEDED", "SCALE_UP:FAILED");
        assertThat(results.get(1).provider()).as("the kind's label, as in the topology file").isEqualTo("ecs");
        assertThat(results.get(1).details()).isEqualTo("no scaler is configured for ecs targets; DNS not switched to a target that may "
                + "be empty");
        assertThat(dns.applied).isEmpty();
    }

    @Test
    void aTargetThatDoesNotBecomeReadyIsNeverSwitchedTo() {
        Scaler<ScalingRef.EcsService> neverReady = new Scaler<>() {
            @Override
            public ScalingRef.Kind kind() {
                return ScalingRef.Kind.ECS;
            }

            @Override
            public ScaleOutcome scaleUp(ScalingRef.EcsService ref) {
                return new ScaleOutcome.NotReady("1 of 3 tasks running after 600 s");
            }

            @Override
            public ScaleOutcome scaleDown(ScalingRef.EcsService ref) {
                throw new AssertionError("not expected");
            }
        };
        executor(new Scalers(List.of(neverReady))).execute(decision(1, "pilot", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:SUCCEEDED", "SCALE_UP:FAILED");
        assertThat(results.get(1).details()).contains("1 of 3 tasks running").contains("DNS not switched");
        assertThat(dns.applied).isEmpty();
    }

    @Test
    void aFailedDnsChangeStopsThePlanAndDoesNotAdvanceTheFence() {
        DecisionExecutor executor = executor(Scalers.none());
        dns.failWith = "InvalidChangeBatch: bad record";
        executor.execute(decision(1, "secondary", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:SUCCEEDED", "SCALE_UP:SKIPPED", "DNS_SWITCH:FAILED");
        dns.failWith = null;
        results.clear();
        executor.execute(decision(1, "secondary", DecisionMode.LIVE), results::add);
        assertThat(steps()).endsWith("COMPLETE:SUCCEEDED");
    }

    /** Scales nothing for real; remembers what it was asked. */
    static final class RecordingScaler implements Scaler<ScalingRef.EcsService> {
        final List<String> calls = new ArrayList<>();

        @Override
        public ScalingRef.Kind kind() {
            return ScalingRef.Kind.ECS;
        }

        @Override
        public ScaleOutcome scaleUp(ScalingRef.EcsService ref) {
            calls.add("up " + ref.activeSize());
            return new ScaleOutcome.Ready("3 of 3 tasks running");
        }

        @Override
        public ScaleOutcome scaleDown(ScalingRef.EcsService ref) {
            calls.add("down " + ref.pilotLightSize());
            return new ScaleOutcome.Ready("desiredCount " + ref.pilotLightSize());
        }
    }

    @Test
    void aPilotLightTargetIsScaledUpBeforeDnsAndBackDownAfterAFailback() {
        RecordingScaler ecs = new RecordingScaler();
        List<Runnable> later = new ArrayList<>();
        InMemoryEpochFence fence = new InMemoryEpochFence();
        DecisionExecutor executor = new DecisionExecutor(TOPOLOGY, fence, dns, new Scalers(List.of(ecs)),
                Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30), (task, delay) -> later.add(task));
        executor.execute(decision(1, "pilot", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:SUCCEEDED", "SCALE_UP:SUCCEEDED", "DNS_SWITCH:SUCCEEDED", "VERIFY:SUCCEEDED",
                "COMPLETE:SUCCEEDED");
        assertThat(results.get(1).provider()).as("the scale-up is reported under the kind's label").isEqualTo("ecs");
        assertThat(later).isEmpty(); // a failover scales nothing down

        results.clear();
        executor.execute(new Decision(1, "d-2", "api", 2L, DecisionKind.FAILBACK, "pilot", "primary", "back", List.of(), NOW,
                DecisionMode.LIVE, Decision.AUTOMATION), results::add);
        assertThat(later).hasSize(1);
        later.get(0).run();
        assertThat(steps()).endsWith("COMPLETE:SUCCEEDED", "SCALE_DOWN:SUCCEEDED");
        assertThat(results).filteredOn(r -> r.step() == ActuationStep.SCALE_DOWN).extracting(ActuationResult::provider)
                .as("the kind's label, as in the topology file").containsExactly("ecs");
        assertThat(ecs.calls).containsExactly("up 3", "down 1");
    }

    @Test
    void noScaleDownWhenALaterDecisionWasApplied() {
        RecordingScaler ecs = new RecordingScaler();
        List<Runnable> later = new ArrayList<>();
        DecisionExecutor executor = new DecisionExecutor(TOPOLOGY, new InMemoryEpochFence(), dns, new Scalers(List.of(ecs)),
                Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(30), (task, delay) -> later.add(task));
        executor.execute(new Decision(1, "d-1", "api", 1L, DecisionKind.FAILBACK, "pilot", "primary", "back", List.of(), NOW,
                DecisionMode.LIVE, Decision.AUTOMATION), results::add);
        executor.execute(decision(2, "pilot", DecisionMode.LIVE), results::add);
        results.clear();
        later.get(0).run();
        assertThat(steps()).containsExactly("SCALE_DOWN:SKIPPED");
        assertThat(ecs.calls).containsExactly("up 3");
    }

    @Test
    void aDecisionForATargetNotInTheTopologyChangesNothing() {
        executor(Scalers.none()).execute(decision(1, "nowhere", DecisionMode.LIVE), results::add);
        assertThat(steps()).containsExactly("FENCE:FAILED");
        assertThat(dns.applied).isEmpty();
    }
}
