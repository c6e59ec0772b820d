package dev.failover.actuator.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresOnly;
import dev.failover.actuator.dns.DnsProvider.WriteOutcome;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.DatabaseStepTest;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.Reconcilers;
import dev.failover.actuator.lease.Lease;
import dev.failover.actuator.requests.Priority;
import dev.failover.actuator.requests.RequestBudget;
import dev.failover.actuator.scaling.Scalers;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.time.Backoff;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.RecordType;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.aws.RecoveryCluster;
import dev.failover.testkit.aws.RecoveryCluster.Health;
import dev.failover.testkit.aws.RecoveryCluster.SafetyRule;
import dev.failover.testkit.aws.RecoveryCluster.State;
import dev.failover.testkit.aws.SecurityTokenService;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53recoverycluster.Route53RecoveryClusterClient;
import software.amazon.awssdk.services.route53recoverycontrolconfig.Route53RecoveryControlConfigClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

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
    /** The actuator's own credentials. */
    static final AwsCredentialsProvider OWN = StaticCredentialsProvider
            .create(AwsBasicCredentials.create("AKIDACTUATOR",
                    "secret"));
    static final String EAST_DB = "jdbc:postgresql://db.us-east-1.example.test:5432/app";
    static final String WEST_DB = "jdbc:postgresql://db.us-west-2.example.test:5432/app";

    static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0,
            Duration.ofSeconds(30));
    static final Decision FAILOVER = decision(DecisionKind.FAILOVER, 4, "automation");
    static final Decision FORCE = decision(DecisionKind.FORCE, 5, "alice");

    final ManualClock clock = new ManualClock(T0);
    final List<ActuationResult> results = new ArrayList<>();
    final List<Route53RecoveryClusterClient> clients = new ArrayList<>();
    final List<ArcSafetyRuleCatalog> catalogs = new ArrayList<>();
    RecoveryCluster cluster;

    static Decision decision(DecisionKind kind, long epoch, String principal) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, "primary", "secondary", "primary down", List.of(), T0,
                DecisionMode.LIVE, principal);
    }

    @AfterEach
    void close() {
        clients.forEach(Route53RecoveryClusterClient::close);
        catalogs.forEach(ArcSafetyRuleCatalog::close);
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
        return provider(breakGlassRules, ArcSafetyRuleCatalog.none());
    }

    /** The safety rules of the fixture's panel, read as the producer reads them: signed for us-west-2. */
    ArcSafetyRuleCatalog catalog() {
        Route53RecoveryControlConfigClient client = Route53RecoveryControlConfigClient.builder()
                .region(Region.US_WEST_2)
                .endpointOverride(cluster.controlConfigEndpoint())
                .credentialsProvider(OWN)
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        catalogs.add(new ArcSafetyRuleCatalog(client, java.util.Set.of(PANEL), clock));
        return catalogs.get(catalogs.size() - 1);
    }

    ArcRoutingControlProvider provider(List<String> breakGlassRules, ArcSafetyRuleCatalog safetyRules) {
        return provider(breakGlassRules, safetyRules, i -> OWN);
    }

    /** @param credentialsOf the credentials of each endpoint's client, by its index */
    ArcRoutingControlProvider provider(List<String> breakGlassRules, ArcSafetyRuleCatalog safetyRules,
            java.util.function.IntFunction<AwsCredentialsProvider> credentialsOf) {
        return new ArcRoutingControlProvider(endpoints(credentialsOf), Map.of("api", new ArcSettings.Group(
                Map.of("primary", PRIMARY, "secondary", SECONDARY), breakGlassRules)), 0, safetyRules,
                ArcRoutingControlProvider.updateBudget(), Lease.HELD);
    }

    /** One client per endpoint of the fixture, signed for its region, no SDK retries. */
    List<ArcRoutingControlProvider.Endpoint> endpoints(
            java.util.function.IntFunction<AwsCredentialsProvider> credentialsOf) {
        List<ArcRoutingControlProvider.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Route53RecoveryClusterClient client = Route53RecoveryClusterClient.builder().region(Region.of(REGIONS[i]))
                    .endpointOverride(cluster.endpoints().get(i))
                    .credentialsProvider(credentialsOf.apply(i))
                    .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(ENDPOINT_TIMEOUT)
                            .socketTimeout(ENDPOINT_TIMEOUT).build())
                    .overrideConfiguration(
                            c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(ENDPOINT_TIMEOUT))
                    .build();
            clients.add(client);
            endpoints.add(
                    new ArcRoutingControlProvider.Endpoint(REGIONS[i], cluster.endpoints().get(i).toString(), client));
        }
        return endpoints;
    }

    GroupReconciler reconciler(ArcRoutingControlProvider dns, String drift) {
        return reconciler(dns, drift, new ArrayList<>());
    }

    /** @param saved where the group's desired states are stored, in the order saved */
    GroupReconciler reconciler(ArcRoutingControlProvider dns, String drift, List<DesiredState> saved) {
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
        return Reconcilers.group("api", topology, dns, TrafficPlans.of(DnsProvider.Routing.SWITCHES, 1,
                List.of()),
                Reconcilers.minimal(Scalers.none(), saved::add, results::add, clock,
                        new ReconcileSettings(Duration.ofSeconds(10),
                                Duration.ofSeconds(2), BACKOFF, Duration.ZERO, null)));
    }

    /**
     * The group with a PostgreSQL node per target (as DatabaseStepTest's fakes: the old primary writable, the replica
     * streaming with nothing outstanding), switched by the ARC provider.
     */
    GroupReconciler withDatabases(ArcRoutingControlProvider dns, DatabaseStepTest.FakeNodes nodes) {
        Topology topology = TopologyLoader.parse(DatabaseStepTest.topologyYaml(EAST_DB, WEST_DB, 30), "test");
        nodes.set(EAST_DB, DatabaseStepTest.writable()).set(WEST_DB, DatabaseStepTest.replica(0, 0));
        Databases databases = PostgresOnly.databases(nodes,
                Map.of("app-east", new Databases.Login("failover", "p1"), "app-west",
                        new Databases.Login("failover", "p2")));
        return Reconcilers.group("api", topology, dns, TrafficPlans.of(
                DnsProvider.Routing.SWITCHES, 1, List.of()), Reconcilers.minimal(Scalers.none(), databases, state -> {
                }, results::add, clock, new ReconcileSettings(Duration.ofSeconds(10), Duration.ofSeconds(2), BACKOFF,
                        Duration.ZERO, null)));
    }

    void passes(GroupReconciler group, int passes) {
        for (int i = 0; i < passes; i++) {
            clock.advance(group.run());
        }
    }

    /** Groups switching together in the batching tests (ADR 0022): two controls each, five to an update of ten. */
    static final int GROUPS = 6;
    /** A control of the panel that gates group 3's in the batching tests. */
    static final String GATE_OF_3 = PANEL + "/routingcontrol/gate03";

    /** The update budget's clock, moved by the batching tests. */
    final AtomicLong nanos = new AtomicLong();
    final RequestBudget budget = new RequestBudget("ARC", ArcRoutingControlProvider.UPDATES_PER_SECOND,
            ArcRoutingControlProvider.UPDATES_FLOOR, nanos::get);

    static String control(int group, String target) {
        return PANEL + "/routingcontrol/g" + group + target;
    }

    /** {@code groups} groups on the fixture's panel, each with its primary On and its secondary Off; a gate, Off. */
    Map<String, ArcSettings.Group> groupsOnOnePanel(int groups) {
        Map<String, State> initial = new LinkedHashMap<>();
        Map<String, ArcSettings.Group> config = new LinkedHashMap<>();
        for (int g = 0; g < groups; g++) {
            initial.put(control(g, "primary"), State.On);
            initial.put(control(g, "secondary"), State.Off);
            config.put("g" + g, new ArcSettings.Group(Map.of("primary", control(g, "primary"), "secondary",
                    control(g, "secondary")), List.of()));
        }
        initial.put(GATE_OF_3, State.Off);
        cluster = RecoveryCluster.start(5, PANEL, initial);
        return config;
    }

    /** Group {@code g}'s failover: primary Off, secondary On. */
    static RecordWrite failoverOf(int g) {
        return new RecordWrite(new RecordKey("g" + g, "example.com.", "g" + g + ".example.com.", RecordType.A, null),
                null,
                new OwnerMark("g" + g, 4, "d-4"), List.of(new RecordSet("primary", 0L, null, Set.of(), null),
                        new RecordSet("secondary", 1L, null, Set.of(), null)));
    }

    /**
     * Group 0's failover goes alone at the budget's first turn (at once) and is answered; then the other groups' come and
     * wait together for the next turn, the clock standing still; {@code meanwhile} runs; then the clock moves on a tenth
     * of a second at a time until all are answered. Outcomes by group.
     */
    Map<Integer, WriteOutcome> together(ArcRoutingControlProvider dns, int groups, Runnable meanwhile)
            throws Exception {
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            Map<Integer, Future<WriteOutcome>> futures = new LinkedHashMap<>();
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            futures.put(0, callers.submit(() -> dns.write(failoverOf(0))));
            await().atMost(Duration.ofSeconds(10)).until(() -> futures.get(0).isDone());
            for (int g = 1; g < groups; g++) {
                int group = g;
                futures.put(g, callers.submit(() -> dns.write(failoverOf(group))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> dns.waiting() == groups - 1);
            meanwhile.run();
            Map<Integer, WriteOutcome> outcomes = new LinkedHashMap<>();
            for (var f : futures.entrySet()) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
                    if (!f.getValue().isDone()) {
                        nanos.addAndGet(Duration.ofMillis(100).toNanos()); // towards the next turn
                    }
                    return f.getValue().isDone();
                });
                outcomes.put(f.getKey(), f.getValue().get(1, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            callers.shutdownNow();
        }
    }

    List<RecoveryCluster.Call> updateCalls() {
        return cluster.calls().stream().filter(c -> "UpdateRoutingControlStates".equals(c.operation())).toList();
    }

    /**
     * Batching on ARC (ADR 0022): the failovers of a panel's groups that are due together go as one
     * UpdateRoutingControlStates, as many as ARC's ten routing controls a call allow.
     */
    @Test
    void switchesOfManyGroupsOfAPanelDueTogetherGoAsFewUpdatesAsArcAllows() throws Exception {
        Map<String, ArcSettings.Group> groups = groupsOnOnePanel(11);
        ArcRoutingControlProvider dns = new ArcRoutingControlProvider(endpoints(i -> OWN), groups, 0,
                ArcSafetyRuleCatalog.none(), budget, Lease.HELD);

        Map<Integer, WriteOutcome> written = together(dns, 11, () -> {
        });

        assertThat(written.values()).allMatch(WriteOutcome.Written.class::isInstance);
        assertThat(cluster.accepted("UpdateRoutingControlStates"))
                .as("group 0 alone, then the ten others five at a time")
                .extracting(c -> c.body().path("UpdateRoutingControlStateEntries").size()).containsExactly(2, 10, 10);
        for (int g = 0; g < 11; g++) {
            assertThat(cluster.states()).containsEntry(control(g, "primary"), State.Off)
                    .containsEntry(control(g, "secondary"), State.On);
        }
        assertThat(((WriteOutcome.Written) written.get(4)).details()).contains("for 5 groups");
    }

    /**
     * One group of a batch is refused by a safety rule (its gate is Off): ARC refuses the whole update, naming the rule.
     * With the panel's rules read, the one write that touches the rule's controls gets the refusal the write alone gets,
     * and the others are written by the next update; without them, each goes again alone, and the same one is refused.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "rules read: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = { true, false })
    void aGroupRefusedByASafetyRuleInABatchIsBlockedAndTheOthersAreWritten(boolean rulesRead) throws Exception {
        Map<String, ArcSettings.Group> groups = groupsOnOnePanel(GROUPS);
        cluster.rule(SafetyRule.gating(MASTER, "master-switch-3", List.of(GATE_OF_3), List.of(control(3, "primary"),
                control(3, "secondary")), 1));
        ArcSafetyRuleCatalog rules = rulesRead ? catalog() : ArcSafetyRuleCatalog.none();
        rules.refresh();
        ArcRoutingControlProvider dns = new ArcRoutingControlProvider(endpoints(i -> OWN), groups, 0, rules, budget,
                Lease.HELD);

        Map<Integer, WriteOutcome> written = together(dns, GROUPS, () -> {
        });

        assertThat(written.get(3)).as("as the write alone is").isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                r -> assertThat(r.reason()).contains("refused by safety rule " + MASTER).contains("master-switch-3")
                        .contains("arc.breakGlassRules of group g3 in the topology"));
        assertThat(written.entrySet()).filteredOn(e -> e.getKey() != 3).extracting(Map.Entry::getValue)
                .allMatch(WriteOutcome.Written.class::isInstance);
        assertThat(cluster.states()).containsEntry(control(3, "primary"), State.On)
                .containsEntry(control(5, "secondary"), State.On);
        if (rulesRead) {
            assertThat(updateCalls()).as("group 0; the refused batch; the four others again, once").hasSize(3);
            assertThat(cluster.accepted("UpdateRoutingControlStates")).extracting(c -> c.body()
                    .path("UpdateRoutingControlStateEntries").size()).containsExactly(2, 8);
        } else {
            assertThat(updateCalls()).as("group 0; the refused batch; each of the five alone").hasSize(7);
        }
    }

    /**
     * Every endpoint throttles an update of the groups waiting together (ADR 0022, "A throttled request keeps its
     * place"): the budget slows down once, no group is answered throttled (each would end its pass and read its controls
     * again), and the same update goes again at the next turn.
     */
    @Test
    void aThrottledUpdateGoesAgainAtTheNextTurnAndSlowsTheBudget() throws Exception {
        Map<String, ArcSettings.Group> groups = groupsOnOnePanel(5);
        for (int i = 0; i < 5; i++) {
            cluster.endpoint(i, Health.THROTTLING);
        }
        ArcRoutingControlProvider dns = new ArcRoutingControlProvider(endpoints(i -> OWN), groups, 0,
                ArcSafetyRuleCatalog.none(), budget, Lease.HELD);
        assertThat(budget.acquire(Priority.SWITCH)).as("another update took the turn").isTrue();
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            List<Future<WriteOutcome>> writes = new ArrayList<>();
            for (int g = 0; g < 5; g++) {
                int group = g;
                writes.add(callers.submit(() -> dns.write(failoverOf(group))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> dns.waiting() == 5);
            nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // their turn

            await().atMost(Duration.ofSeconds(10)).until(() -> updateCalls().size() == 5); // every endpoint throttled
            double rateAfterThrottle = budget.rate(); // the clock has not moved since: nothing grown back
            for (int i = 0; i < 5; i++) {
                cluster.heal(i);
            }
            nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // the next turn, at the slower rate

            for (Future<WriteOutcome> write : writes) {
                assertThat(write.get(10, TimeUnit.SECONDS)).isInstanceOf(WriteOutcome.Written.class);
            }
            assertThat(rateAfterThrottle).as("halved once: five endpoints' throttles are one event")
                    .isEqualTo(ArcRoutingControlProvider.UPDATES_PER_SECOND / 2.0);
            assertThat(cluster.accepted("UpdateRoutingControlStates")).singleElement().satisfies(c -> assertThat(c
                    .body().path("UpdateRoutingControlStateEntries")).hasSize(10));
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * ADR 0014: a cut-off actuator stops writing within its lease. Two groups' failovers are taken while the lease holds
     * (the early check passes) and wait for the update budget's turn; the lease lapses meanwhile. When the turn comes,
     * nothing reaches ARC — which has no conditional write that would refuse a stale update — and each write is answered
     * as not written, as a write made with the lease lapsed is.
     */
    @Test
    void writesThatWaitedForTheirTurnWhileTheLeaseLapsedAreNotSent() throws Exception {
        Map<String, ArcSettings.Group> groups = groupsOnOnePanel(2);
        AtomicReference<Optional<String>> lapsed = new AtomicReference<>(Optional.empty());
        Lease lease = lapsed::get;
        ArcRoutingControlProvider arc = new ArcRoutingControlProvider(endpoints(i -> OWN), groups, 0,
                ArcSafetyRuleCatalog.none(), budget, lease);
        DnsProvider dns = new LeasedDnsProvider(arc, lease); // as the producer wires them
        assertThat(budget.acquire(Priority.SWITCH)).as("another update took the turn").isTrue();
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            List<Future<WriteOutcome>> writes = List.of(callers.submit(() -> dns.write(failoverOf(0))),
                    callers.submit(() -> dns.write(failoverOf(1))));
            await().atMost(Duration.ofSeconds(10)).until(() -> arc.waiting() == 2);

            lapsed.set(Optional.of("no word from the group coordinator for 4000 ms"));
            nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // the turn comes

            for (Future<WriteOutcome> write : writes) {
                assertThat(write.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(WriteOutcome.Unavailable.class,
                        u -> assertThat(u.reason())
                                .isEqualTo("not written: no word from the group coordinator for 4000 ms"));
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(updateCalls()).as("no update reached ARC").isEmpty();
        assertThat(cluster.states()).containsEntry(control(0, "primary"), State.On)
                .containsEntry(control(1, "primary"), State.On);
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

    /**
     * The first endpoint's client assumes its role through its own region's STS, which refuses it (an StsException, not
     * an answer of ARC's). It escaped the endpoint loop, the pass failed, and every retry started at the same endpoint;
     * now the next endpoint, signed with credentials of its own, switches.
     */
    @Test
    void anEndpointWhoseRegionsStsRefusesTheRoleHandsOnToTheNext() {
        cluster();
        String role = "arn:aws:iam::111122223333:role/failover-arc";
        try (SecurityTokenService sts = SecurityTokenService.start(role, "not-used");
                StsClient stsClient = StsClient.builder().region(Region.of(REGIONS[0])).endpointOverride(sts.endpoint())
                        .credentialsProvider(OWN).httpClient(UrlConnectionHttpClient.builder().build()).build()) {
            AwsCredentialsProvider viaSts = StsAssumeRoleCredentialsProvider.builder().stsClient(stsClient)
                    .refreshRequest(r -> r.roleArn(role).roleSessionName("failover-actuator")).build();
            GroupReconciler group = reconciler(
                    provider(List.of(), ArcSafetyRuleCatalog.none(), i -> i == 0 ? viaSts : OWN),
                    "report");
            group.offer(FAILOVER);

            passes(group, 2);

            assertThat(sts.requests()).as("us-east-1's STS asked for the role").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.issued()).as("credentials issued").isNull());
            assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
            assertThat(cluster.states()).containsEntry(PRIMARY, State.Off).containsEntry(SECONDARY, State.On);
            assertThat(cluster.accepted("UpdateRoutingControlStates")).singleElement()
                    .satisfies(u -> assertThat(u.region()).as("signed for the next endpoint's region")
                            .isEqualTo(REGIONS[1]));
            assertThat(cluster.calls()).as("nothing reached the first endpoint").filteredOn(c -> c.endpoint() == 0)
                    .isEmpty();
        }
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
                        .contains("arc.breakGlassRules of group api in the topology"));
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
                b -> assertThat(b.reason()).contains(MASTER).contains("FORCE d-5 by alice")
                        .contains("which does not list it"));
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
        assertThat(cluster.states()).as("not fought").containsEntry(PRIMARY, State.On).containsEntry(SECONDARY,
                State.Off);
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
     * ARC keeps no ownership record, so the mark of each write (epoch, decision, digest of the states written) is kept
     * in the group's signed desired state. A new owner (a restart, a rebalance; here another provider with nothing in
     * memory) restores it and judges as the writer would: a control flipped by hand after the write is DRIFT, reported
     * and not reverted under {@code drift: report}, written back under {@code correct}. Before, the new owner had no
     * mark, took the controls over and reverted the person's break-glass switch, reported as DNS_SWITCH SUCCEEDED.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "drift: {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "report", "correct" })
    void aNewOwnerJudgesAFlipByHandFromTheStoredMark(String drift) {
        cluster();
        List<DesiredState> saved = new ArrayList<>();
        GroupReconciler before = reconciler(provider(List.of()), drift, saved);
        before.offer(FAILOVER);
        passes(before, 2);
        assertThat(before.status().convergence()).isInstanceOf(Convergence.Converged.class);

        cluster.set(PRIMARY, State.On); // a person's break-glass switch, while the group moves to another instance
        cluster.set(SECONDARY, State.Off);
        results.clear();
        GroupReconciler after = reconciler(provider(List.of()), drift, new ArrayList<>());
        after.restore(lastStored(saved, FAILOVER));
        passes(after, 3);

        assertThat(results).as("the new owner reports the flip").anySatisfy(r -> assertThat(r.status())
                .isEqualTo(ActuationStatus.DRIFT));
        if (drift.equals("report")) {
            assertThat(after.status().convergence()).isInstanceOf(Convergence.Drifted.class);
            assertThat(cluster.states()).as("the person's switch kept").containsEntry(PRIMARY, State.On)
                    .containsEntry(SECONDARY, State.Off);
            assertThat(cluster.accepted("UpdateRoutingControlStates")).as("only the first owner's").hasSize(1);
        } else {
            assertThat(after.status().convergence()).isInstanceOf(Convergence.Converged.class);
            assertThat(cluster.states()).as("written back").containsEntry(PRIMARY, State.Off)
                    .containsEntry(SECONDARY, State.On);
            assertThat(cluster.accepted("UpdateRoutingControlStates")).hasSize(2);
        }
    }

    /** What a new owner restores: the last desired state the group saved, or the decision's as the listener stored it. */
    static DesiredState lastStored(List<DesiredState> saved, Decision decision) {
        return saved.isEmpty() ? DesiredState.of(decision) : saved.get(saved.size() - 1);
    }

    /**
     * A stored mark of an older epoch than the goal's is not ours: this instance switched at epoch 4 and lost the group,
     * a newer owner failed back at epoch 5 but its desired state could not be stored with its mark (the store failed after
     * the write), and the group came back with epoch 5. The epoch-4 mark carried over must not make the newer owner's
     * states "ours, changed since our write" (DRIFT, and under report never converged): the controls are taken over with
     * one write of the same states (ADR 0014).
     */
    @Test
    void aStoredMarkOfAnOlderEpochIsNotOurs() {
        cluster();
        List<DesiredState> saved = new ArrayList<>();
        GroupReconciler before = reconciler(provider(List.of()), "report", saved);
        before.offer(FAILOVER);
        passes(before, 2);
        assertThat(before.status().convergence()).isInstanceOf(Convergence.Converged.class);

        Decision failback = new Decision(1, "d-5", "api", 5L, DecisionKind.FAILBACK, "secondary", "primary",
                "primary back",
                List.of(), T0, DecisionMode.LIVE, "automation");
        GroupReconciler newer = reconciler(provider(List.of()), "report", new ArrayList<>());
        newer.offer(failback);
        passes(newer, 3);
        assertThat(cluster.states()).as("the newer owner's failback").containsEntry(PRIMARY, State.On)
                .containsEntry(SECONDARY, State.Off);

        results.clear();
        GroupReconciler after = reconciler(provider(List.of()), "report", new ArrayList<>());
        after.restore(lastStored(saved, FAILOVER));
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
     * The preflight on ARC (ADR 0020): a group with a database whose switch a safety rule would refuse (the master
     * switch is Off) is blocked before anything irreversible. Before, ARC could not be asked: the move fenced the old
     * primary and promoted the replica, and the refused update then left the old region's application on a read-only
     * database.
     */
    @Test
    void aSafetyRuleThatWouldRefuseTheSwitchBlocksBeforeTheDatabaseMoves() {
        cluster().rule(SafetyRule.assertion(AT_LEAST_ONE, "at-least-one-cell", List.of(PRIMARY, SECONDARY), 1));
        cluster.rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(PRIMARY, SECONDARY), 1));
        cluster.set(GATE, State.Off);
        ArcSafetyRuleCatalog rules = catalog();
        rules.refresh();
        DatabaseStepTest.FakeNodes nodes = new DatabaseStepTest().new FakeNodes();
        GroupReconciler group = withDatabases(provider(List.of(), rules), nodes);
        group.offer(FAILOVER);

        passes(group, 6);

        assertThat(nodes.calls).as("nothing fenced or promoted").noneMatch(c -> c.startsWith("fence ")
                || c.startsWith("promote "));
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Blocked.class, b -> assertThat(
                b.reason()).contains("would refuse the switch to secondary").contains("master-switch").contains(MASTER)
                .contains("nothing was fenced or promoted"));
        assertThat(cluster.accepted("UpdateRoutingControlStates")).as("no update tried").isEmpty();
        assertThat(cluster.controlConfigCalls()).as("the rules read from the control-configuration API, for us-west-2")
                .singleElement().satisfies(c -> assertThat(c.region()).isEqualTo("us-west-2"));
    }

    /** The same rules that hold after the switch let the move go on: checked, then fenced, promoted and switched. */
    @Test
    void rulesThatHoldAfterTheSwitchLetTheDatabaseMoveAndSaySo() {
        cluster().rule(SafetyRule.assertion(AT_LEAST_ONE, "at-least-one-cell", List.of(PRIMARY, SECONDARY), 1));
        cluster.rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(PRIMARY, SECONDARY), 1));
        ArcSafetyRuleCatalog rules = catalog();
        rules.refresh();
        cluster.controlConfigUp(false); // us-west-2's control plane lost after the read: the rules read are kept
        rules.refresh();
        DatabaseStepTest.FakeNodes nodes = new DatabaseStepTest().new FakeNodes();
        GroupReconciler group = withDatabases(provider(List.of(), rules), nodes);
        group.offer(FAILOVER);

        passes(group, 8);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(nodes.calls).contains("promote " + WEST_DB);
        assertThat(cluster.states()).containsEntry(PRIMARY, State.Off).containsEntry(SECONDARY, State.On);
        assertThat(results).anySatisfy(r -> {
            assertThat(r.step()).isEqualTo(ActuationStep.DATABASE);
            assertThat(r.details()).contains("checked before the database moves")
                    .contains("2 safety rule(s) of " + PANEL);
        });
    }

    /** A FORCE overrides the rules listed for break glass in the check as in the write: the move is not held by them. */
    @Test
    void anOperatorsForceIsCheckedWithTheRulesItWillOverride() {
        cluster().rule(SafetyRule.gating(MASTER, "master-switch", List.of(GATE), List.of(PRIMARY, SECONDARY), 1));
        cluster.set(GATE, State.Off);
        ArcSafetyRuleCatalog rules = catalog();
        rules.refresh();
        DatabaseStepTest.FakeNodes nodes = new DatabaseStepTest().new FakeNodes();
        GroupReconciler group = withDatabases(provider(List.of(MASTER), rules), nodes);
        group.offer(FORCE);

        passes(group, 8);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(nodes.calls).contains("promote " + WEST_DB);
        assertThat(cluster.accepted("UpdateRoutingControlStates")).singleElement()
                .satisfies(c -> assertThat(c.overrides()).containsExactly(MASTER));
    }

    /** Rules never read since start (the control-configuration API down): the move goes on unchecked, and says so. */
    @Test
    void rulesNeverReadLeaveTheSwitchUncheckedAndSaidSo() {
        cluster().rule(SafetyRule.assertion(AT_LEAST_ONE, "at-least-one-cell", List.of(PRIMARY, SECONDARY), 1));
        cluster.controlConfigUp(false);
        ArcSafetyRuleCatalog rules = catalog();
        rules.refresh();
        assertThat(rules.rules(PANEL)).isInstanceOfSatisfying(ArcSafetyRuleCatalog.Rules.NotRead.class,
                n -> assertThat(n.reason()).contains("ListSafetyRules of " + PANEL + " failed"));
        DatabaseStepTest.FakeNodes nodes = new DatabaseStepTest().new FakeNodes();
        GroupReconciler group = withDatabases(provider(List.of(), rules), nodes);
        group.offer(FAILOVER);

        passes(group, 8);

        assertThat(group.status().convergence()).isInstanceOf(Convergence.Converged.class);
        assertThat(results).anySatisfy(r -> assertThat(r.details()).contains("cannot check the switch to secondary"));
    }
}
