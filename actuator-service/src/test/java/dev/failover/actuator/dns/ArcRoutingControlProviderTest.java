package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.domain.Convergence;
import dev.failover.actuator.domain.GroupReconciler;
import dev.failover.actuator.domain.TrafficPlan;
import dev.failover.actuator.scaling.Scalers;
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
import dev.failover.testkit.aws.RecoveryCluster;
import dev.failover.testkit.aws.RecoveryCluster.Health;
import dev.failover.testkit.aws.RecoveryCluster.SafetyRule;
import dev.failover.testkit.aws.RecoveryCluster.State;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;

/**
 * The route53-arc provider with the real AWS SDK against the ARC cluster fixture (five endpoints, shared state, safety
 * rules), driven through the reconciler as the actuator drives it.
 */
class ArcRoutingControlProviderTest {

    static final String PANEL = "arn:aws:route53-recovery-control::111122223333:controlpanel/0123abcd";
    static final String PRIMARY = PANEL + "/routingcontrol/primary01";
    static final String SECONDARY = PANEL + "/routingcontrol/secondary01";
    static final String GATE = PANEL + "/routingcontrol/gate01";
    static final String AT_LEAST_ONE = PANEL + "/safetyrule/atleastone01";
    static final String MASTER = PANEL + "/safetyrule/master01";
    static final String[] REGIONS = { "us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2" };
    static final Duration ENDPOINT_TIMEOUT = Duration.ofMillis(500);

    static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0,
            Duration.ofSeconds(30));
    static final Decision FAILOVER = decision(DecisionKind.FAILOVER, 4, "automation");
    static final Decision FORCE = decision(DecisionKind.FORCE, 5, "alice");

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<Route53RecoveryClusterClient> clients = new ArrayList<>();
    RecoveryCluster cluster;

    static Decision decision(DecisionKind kind, long epoch, String principal) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, "primary", "secondary", "primary down", List.of(), T0,
                DecisionMode.LIVE, principal);
    }

    @AfterEach
    void close() {
        clients.forEach(Route53RecoveryClusterClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    RecoveryCluster cluster() {
        Map<String, State> initial = new LinkedHashMap<>();
        initial.put(PRIMARY, State.On);
        initial.put(SECONDARY, State.Off);
        initial.put(GATE, State.On);
        cluster = RecoveryCluster.start(5, PANEL, initial);
        return cluster;
    }

    /** The provider as the producer makes it: one client per endpoint, signed for its region, no SDK retries. */
    ArcRoutingControlProvider provider(List<String> breakGlassRules) {
        List<ArcRoutingControlProvider.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Route53RecoveryClusterClient client = Route53RecoveryClusterClient.builder().region(Region.of(REGIONS[i]))
                    .endpointOverride(cluster.endpoints().get(i))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDACTUATOR", "secret")))
                    .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(ENDPOINT_TIMEOUT)
                            .socketTimeout(ENDPOINT_TIMEOUT).build())
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(ENDPOINT_TIMEOUT))
                    .build();
            clients.add(client);
            endpoints.add(new ArcRoutingControlProvider.Endpoint(REGIONS[i], cluster.endpoints().get(i).toString(), client));
        }
        return new ArcRoutingControlProvider(endpoints, Map.of("api", new ArcSettings.Group(
                Map.of("primary", PRIMARY, "secondary", SECONDARY), breakGlassRules)), 0);
    }

    GroupReconciler reconciler(ArcRoutingControlProvider dns, String drift) {
        Topology topology = TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.com., name: api.example.com., ttl: 60, drift: %s}
                    targets:
                      - {id: primary, region: us-east-1, probe: {type: tcp, host: 192.0.2.10, port: 443}, dns: {values: [192.0.2.10]}}
                      - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.20, port: 443}, dns: {values: [192.0.2.20]}}
                """.formatted(drift), "test");
        return new GroupReconciler("api", topology, dns, Scalers.none(), new TrafficPlan(DnsProvider.Routing.SWITCHES, 1,
                List.of()), state -> {
                }, results::add, clock, new GroupReconciler.Settings(Duration.ofSeconds(10), Duration.ofSeconds(2), BACKOFF,
                        Duration.ZERO, null));
    }

    void passes(GroupReconciler group, int passes) {
        for (int i = 0; i < passes; i++) {
            clock.advance(group.run());
        }
    }

    @Test
    void switchesWithOneAtomicUpdateWhileTwoEndpointsAreDown() {
        cluster().rule(SafetyRule.assertion(AT_LEAST_ONE, "at-least-one-cell", List.of(PRIMARY, SECONDARY), 1));
        cluster.endpoint(0, Health.REFUSING);
        cluster.endpoint(1, Health.HANGING);
        GroupReconciler group = reconciler(provider(List.of()), "report");
        group.offer(FAILOVER);

        passes(group, 2);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(cluster.states()).containsEntry(PRIMARY, State.Off).containsEntry(SECONDARY, State.On);
        List<RecoveryCluster.Call> updates = cluster.accepted("UpdateRoutingControlStates");
        assertThat(updates).as("one write, both controls in it").hasSize(1);
        assertThat(updates.get(0).body().path("UpdateRoutingControlStateEntries")).hasSize(2);
        assertThat(updates.get(0).overrides()).as("no safety rule overridden").isEmpty();
        assertThat(updates.get(0).region()).as("signed for the endpoint's own region").isEqualTo(REGIONS[2]);
        assertThat(cluster.calls()).as("the hanging endpoint was tried once, then avoided")
                .filteredOn(c -> c.endpoint() == 1).hasSize(1);
        assertThat(results).anySatisfy(r -> {
            assertThat(r.step()).isEqualTo(ActuationStep.DNS_SWITCH);
            assertThat(r.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(r.provider()).isEqualTo("route53-arc");
            assertThat(r.details()).contains("eu-west-1").contains("primary Off").contains("secondary On");
        });
    }

    @Test
    void everyEndpointDownIsUnavailableAndRetriedNeverBlocked() {
        cluster();
        for (int i = 0; i < 5; i++) {
            cluster.endpoint(i, i % 2 == 0 ? Health.FAILING : Health.REFUSING);
        }
        GroupReconciler group = reconciler(provider(List.of()), "report");
        group.offer(FAILOVER);

        passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                c -> assertThat(c.lastError()).contains("no ARC cluster endpoint answered").contains("us-east-1")
                        .contains("ap-southeast-2").contains("InternalServerException"));

        cluster.heal(3);
        passes(group, 2);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(cluster.state(SECONDARY)).isEqualTo(State.On);
    }

    @Test
    void aSafetyRuleRefusingTheSwitchBlocksTheGroupWithTheRulesMessage() {
        cluster().rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(PRIMARY, SECONDARY), 1));
        cluster.set(GATE, State.Off);
        GroupReconciler group = reconciler(provider(List.of(MASTER)), "report");
        group.offer(FAILOVER);

        passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.reason()).contains("refused by safety rule " + MASTER).contains("master-switch")
                        .contains("failover.dns.arc.groups.api.break-glass-rules"));
        assertThat(cluster.states()).containsEntry(PRIMARY, State.On).containsEntry(SECONDARY, State.Off);
        assertThat(cluster.calls()).as("an automatic failover never overrides a rule, even one listed for break glass")
                .allSatisfy(c -> assertThat(c.overrides()).isEmpty());
        assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.BLOCKED));
    }

    @Test
    void anOperatorsForceOverridesTheConfiguredRulesAndSaysWhoDid() {
        cluster().rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(PRIMARY, SECONDARY), 1));
        cluster.set(GATE, State.Off);
        GroupReconciler group = reconciler(provider(List.of(MASTER)), "report");
        group.offer(FORCE);

        passes(group, 2);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(cluster.states()).containsEntry(PRIMARY, State.Off).containsEntry(SECONDARY, State.On);
        assertThat(cluster.accepted("UpdateRoutingControlStates")).singleElement()
                .satisfies(c -> assertThat(c.overrides()).containsExactly(MASTER));
        assertThat(results).as("the override audited in the actuation result").anySatisfy(r -> {
            assertThat(r.step()).isEqualTo(ActuationStep.DNS_SWITCH);
            assertThat(r.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(r.details()).contains("overriding safety rules [" + MASTER + "]").contains("FORCE d-5 by alice");
        });
    }

    @Test
    void aForceRefusedByARuleNotListedForBreakGlassSaysSo() {
        cluster().rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(PRIMARY, SECONDARY), 1));
        cluster.set(GATE, State.Off);
        GroupReconciler group = reconciler(provider(List.of()), "report");
        group.offer(FORCE);

        passes(group, 2);

        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class,
                b -> assertThat(b.reason()).contains(MASTER).contains("FORCE d-5 by alice").contains("which does not list it"));
    }

    @Test
    void aControlFlippedByHandIsReportedUnderReport() {
        cluster();
        GroupReconciler group = reconciler(provider(List.of()), "report");
        group.offer(FAILOVER);
        passes(group, 2);
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);

        cluster.set(PRIMARY, State.On);
        cluster.set(SECONDARY, State.Off);
        passes(group, 3);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Drifted.class);
        assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.DRIFT));
        assertThat(cluster.states()).as("not fought").containsEntry(PRIMARY, State.On).containsEntry(SECONDARY, State.Off);
        assertThat(cluster.accepted("UpdateRoutingControlStates")).hasSize(1);
    }

    @Test
    void aControlFlippedByHandIsWrittenBackUnderCorrect() {
        cluster();
        GroupReconciler group = reconciler(provider(List.of()), "correct");
        group.offer(FAILOVER);
        passes(group, 2);

        cluster.set(PRIMARY, State.On);
        cluster.set(SECONDARY, State.Off);
        passes(group, 3);

        assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.DRIFT));
        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(cluster.states()).containsEntry(PRIMARY, State.Off).containsEntry(SECONDARY, State.On);
        assertThat(cluster.accepted("UpdateRoutingControlStates")).hasSize(2);
    }

    /**
     * The provider keeps its mark (what this instance last wrote) in memory, also after the group's partition was revoked:
     * a mark of an older epoch than the goal's must be treated as not ours. Here this instance switched at epoch 4, lost
     * the group, a newer owner failed back at epoch 5, and the group came back with epoch 5: the epoch-4 mark must not make
     * the newer owner's states "ours, changed since our write" (DRIFT, and under report never converged); the controls
     * are taken over with one write of the same states, as by an instance with no mark (ADR 0014).
     */
    @Test
    void aMarkOfAnOlderEpochLeftFromBeforeARevokeIsNotOurs() {
        cluster();
        ArcRoutingControlProvider ours = provider(List.of());
        GroupReconciler before = reconciler(ours, "report");
        before.offer(FAILOVER);
        passes(before, 2);
        assertThat(before.status().convergence()).isInstanceOf(Convergence.Converged.class);

        // revoked: the group is driven by the newer owner, whose provider has its own memory
        Decision failback = new Decision(1, "d-5", "api", 5L, DecisionKind.FAILBACK, "secondary", "primary", "primary back",
                List.of(), T0, DecisionMode.LIVE, "automation");
        GroupReconciler newer = reconciler(provider(List.of()), "report");
        newer.offer(failback);
        passes(newer, 3);
        assertThat(cluster.states()).as("the newer owner's failback").containsEntry(PRIMARY, State.On)
                .containsEntry(SECONDARY, State.Off);

        // the group comes back to this instance at epoch 5; its provider still holds its epoch-4 mark
        results.clear();
        GroupReconciler after = reconciler(ours, "report");
        after.offer(failback);
        passes(after, 3);

        assertThat(results).as("results of this instance after it got the group back")
                .noneSatisfy(r -> assertThat(r.status()).isEqualTo(ActuationStatus.DRIFT));
        assertThat(after.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(cluster.states()).containsEntry(PRIMARY, State.On).containsEntry(SECONDARY, State.Off);
        assertThat(cluster.accepted("UpdateRoutingControlStates")).as("epoch 4, epoch 5 by the newer owner, and the"
                + " take-over of epoch 5 with the same states").hasSize(3);
    }

    /**
     * Why the mark is not cleared on revoke: a mark of the goal's own epoch still says what this instance wrote, so a
     * control flipped by hand while the group was elsewhere is reported as drift when the group comes back, instead of
     * being overwritten by a take-over write (as an instance without a mark would do).
     */
    @Test
    void aMarkOfTheGoalsEpochKeptOverARevokeStillReportsAFlipByHand() {
        cluster();
        ArcRoutingControlProvider ours = provider(List.of());
        GroupReconciler before = reconciler(ours, "report");
        before.offer(FAILOVER);
        passes(before, 2);

        cluster.set(PRIMARY, State.On); // while the group was owned elsewhere, at the same epoch
        results.clear();
        GroupReconciler after = reconciler(ours, "report");
        after.offer(FAILOVER);
        passes(after, 3);

        assertThat(after.status().convergence()).isInstanceOf(Convergence.Drifted.class);
        assertThat(cluster.states()).as("not overwritten").containsEntry(PRIMARY, State.On);
        assertThat(cluster.accepted("UpdateRoutingControlStates")).hasSize(1);
    }
}
