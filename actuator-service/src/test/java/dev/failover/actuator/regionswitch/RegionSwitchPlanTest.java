package dev.failover.actuator.regionswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.database.Databases;
import dev.failover.actuator.database.PostgresOnly;
import dev.failover.actuator.database.PostgresRef;
import dev.failover.actuator.dns.DnsProvider;
import dev.failover.actuator.dns.DryRunDnsProvider;
import dev.failover.actuator.domain.data.EvidenceStore;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.GroupDns;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.domain.model.TrafficPlans;
import dev.failover.actuator.domain.reconcile.GroupReconciler;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.RegionSwitchApproval;
import dev.failover.actuator.domain.reconcile.Waker;
import dev.failover.actuator.domain.reconcile.Wiring;
import dev.failover.actuator.lease.Lease;
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
import dev.failover.testkit.aws.RegionSwitchService;
import dev.failover.testkit.aws.RegionSwitchService.StepSpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.arcregionswitch.ArcRegionSwitchClient;

/**
 * A group that names an ARC Region switch plan (ADR 0028), reconciled through the real AWS SDK against a fixture of
 * us-west-2's Region switch that checks each request (signed for that region, Smithy RPC v2 CBOR) and runs an
 * execution's steps in time: a failover starts one ungraceful execution activating the secondary's region, and DNS
 * moves only once it completed; an approval step waits, shown, until approved; a failed step blocks the group with
 * AWS's own message and DNS stays; a restarted reconciler adopts the running execution; a newer decision cancels an
 * older one's; an execution started outside the plane is waited for; a cut-off actuator starts nothing.
 */
class RegionSwitchPlanTest {

    static final String PLAN = "arn:aws:arc-region-switch::111122223333:plan/api-plan:abc123";
    static final String FAILING = "arn:aws:arc-region-switch::111122223333:plan/api-fails:def456";
    static final String APPROVED = "arn:aws:arc-region-switch::111122223333:plan/api-approve:ghi789";
    static final String AURORA_ERROR = "FailoverGlobalCluster: the global cluster app-global is not in a valid state for failover";
    static final Instant T0 = Instant.parse("2026-11-28T03:00:00Z");
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ZERO, () -> 0.0,
            Duration.ofSeconds(30));

    final RegionSwitchService west = plans(RegionSwitchService.start("us-west-2", Duration.ofMillis(150)));
    /** The plan's other region, asked before a start whether it ran the plan since (its executions are its own). */
    final RegionSwitchService east = plans(RegionSwitchService.start("us-east-1", Duration.ofMillis(150)));
    final List<ArcRegionSwitchClient> clients = new ArrayList<>();
    final List<ActuationResult> results = new CopyOnWriteArrayList<>();
    final List<DesiredState> saved = new CopyOnWriteArrayList<>();
    final ManualClock clock = new ManualClock(Instant.now()); // the fixture's time is the wall clock
    final DryRunDnsProvider dns = new DryRunDnsProvider(DnsProvider.Routing.SINGLE);
    /** DNS writes to refuse (unavailable) before they go through. */
    final java.util.concurrent.atomic.AtomicInteger dnsRefusals = new java.util.concurrent.atomic.AtomicInteger();
    final DnsProvider refusing = new DnsProvider() {
        @Override
        public String name() {
            return dns.name();
        }

        @Override
        public Routing routing() {
            return dns.routing();
        }

        @Override
        public ReadOutcome read(dev.failover.actuator.dns.RecordKey key, Optional<String> pendingChange) {
            return dns.read(key, pendingChange);
        }

        @Override
        public WriteOutcome write(dev.failover.actuator.dns.RecordWrite write) {
            return dnsRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? new WriteOutcome.Unavailable("the DNS provider is away") : dns.write(write);
        }
    };

    static RegionSwitchService plans(RegionSwitchService region) {
        return region.plan(PLAN, List.of(StepSpec.runs("ec2-capacity"), StepSpec.runs("aurora-switch")))
                .plan(FAILING, List.of(StepSpec.runs("ec2-capacity"), StepSpec.fails("aurora-failover", AURORA_ERROR)))
                .plan(APPROVED, List.of(StepSpec.runs("ec2-capacity"), StepSpec.approval("approve-database"),
                        StepSpec.runs("aurora-failover")));
    }

    @AfterEach
    void close() {
        clients.forEach(ArcRegionSwitchClient::close);
        west.close();
        east.close();
    }

    /** As the producer makes it: a client per place, signed for the plan's region, no retries of the SDK's own. */
    AwsRegionSwitch regionSwitch(Lease lease) {
        return regionSwitch(lease, plan -> "us-west-2".equals(plan.region()) ? west : east);
    }

    AwsRegionSwitch regionSwitch(Lease lease, Function<RegionSwitch.Plan, RegionSwitchService> endpoint) {
        return new AwsRegionSwitch(plan -> {
            ArcRegionSwitchClient client = ArcRegionSwitchClient.builder().region(Region.of(plan.region()))
                    .endpointOverride(endpoint.apply(plan).endpoint())
                    .httpClient(UrlConnectionHttpClient.builder().build())
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDACTUATOR", "secret")))
                    .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none())
                            .addExecutionInterceptor(dev.failover.actuator.aws.WholeResponses.INSTANCE))
                    .build();
            clients.add(client);
            return client;
        }, lease);
    }

    static Topology topology(String plan) {
        return topology(plan, 60);
    }

    /** One group over us-east-1 and us-west-2 naming {@code plan}, its record's TTL {@code ttl}. */
    static Topology topology(String plan, int ttl) {
        return TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.com., name: api.example.com., ttl: %d}
                    targets:
                      - {id: primary, region: us-east-1, probe: {type: tcp, host: 192.0.2.10, port: 443}, dns: {values: [192.0.2.10]}}
                      - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.20, port: 443}, dns: {values: [192.0.2.20]}}
                    regionSwitch: {planArn: "%s"}
                """.formatted(ttl, plan), "test");
    }

    GroupReconciler group(String plan, RegionSwitch regionSwitch) {
        return reconciler(plan, regionSwitch).group("api");
    }

    /** As the producer makes the groups' reconcilers. */
    Reconciler reconciler(String plan, RegionSwitch regionSwitch) {
        return new Reconciler(topology(plan),
                g -> GroupDns.oneLane(refusing, TrafficPlans.of(DnsProvider.Routing.SINGLE, 100,
                        List.of())),
                new Wiring(Scalers.none(), Databases.none(), regionSwitch, saved::add,
                        EvidenceStore.NONE, results::add, lane -> {}, Waker.NONE, clock,
                        new ReconcileSettings(Duration.ofSeconds(10),
                                Duration.ofMillis(100), BACKOFF, Duration.ZERO, null)));
    }

    static Decision decision(DecisionKind kind, long epoch, String to) {
        return decision(kind, epoch, to, Instant.now());
    }

    static Decision decision(DecisionKind kind, long epoch, String to, Instant issuedAt) {
        return new Decision(1, "d-" + epoch, "api", epoch, kind, to.equals("secondary") ? "primary" : "secondary", to,
                "primary down", List.of(), issuedAt, DecisionMode.LIVE, "automation");
    }

    /** Passes until {@code done} holds of the group's status, with the fixture's time passing between them. */
    void passesUntil(GroupReconciler group, Predicate<GroupReconciler> done) {
        await("a pass that reaches it").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(30)).until(() -> {
                    clock.advance(group.run());
                    return done.test(group);
                });
    }

    /** A person runs the plan activating {@code region} outside the plane, and it completes. */
    void personsCompletedRun(AwsRegionSwitch aws, String region, RegionSwitch.Mode mode, String comment) {
        assertThat(aws.start(new RegionSwitch.Plan(PLAN, region, null), mode, comment))
                .isInstanceOf(RegionSwitch.Outcome.Done.class);
        RegionSwitchService plane = "us-west-2".equals(region) ? west : east;
        await().atMost(Duration.ofSeconds(5)).until(() -> plane.executions().values(), v -> v.contains("completed"));
    }

    List<RegionSwitchService.Call> starts() {
        return west.calls().stream().filter(c -> "StartPlanExecution".equals(c.operation())).toList();
    }

    static boolean converged(GroupReconciler g) {
        return g.status().convergence() instanceof Convergence.Converged;
    }

    static boolean blocked(GroupReconciler g) {
        return g.status().convergence() instanceof Convergence.Blocked;
    }

    @Test
    void aFailoverRunsOneUngracefulExecutionInTheActivatedRegionBeforeDnsMoves() throws Exception {
        GroupReconciler group = group(PLAN, regionSwitch(Lease.HELD));
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        clock.advance(group.run());
        assertThat(starts()).singleElement().satisfies(start -> {
            assertThat(start.region()).as("signed for the region activated").isEqualTo("us-west-2");
            assertThat(start.accessKeyId()).isEqualTo("AKIDACTUATOR");
            assertThat(start.body()).containsEntry("planArn", PLAN).containsEntry("targetRegion", "us-west-2")
                    .containsEntry("action", "activate").containsEntry("mode", "ungraceful");
            assertThat((String) start.body().get("comment"))
                    .startsWith("failover-plane group=api decision=d-4 epoch=4: FAILOVER");
        });
        assertThat(group.status().served()).as("DNS waits for the plan").doesNotContain("192.0.2.20");
        assertThat(results).noneMatch(r -> r.step() == ActuationStep.DNS_SWITCH);

        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("one execution for the decision, however many passes").hasSize(1);
        assertThat(group.status().served()).contains("192.0.2.20");
        List<ActuationStep> order = results.stream().filter(r -> r.status() == ActuationStatus.SUCCEEDED)
                .map(ActuationResult::step)
                .filter(s -> s == ActuationStep.REGION_SWITCH || s == ActuationStep.DNS_SWITCH).toList();
        assertThat(order).as("the plan started, completed, then DNS").containsExactly(ActuationStep.REGION_SWITCH,
                ActuationStep.REGION_SWITCH, ActuationStep.DNS_SWITCH);
        assertThat(results).filteredOn(r -> r.step() == ActuationStep.REGION_SWITCH).last().satisfies(r -> assertThat(
                r.details()).contains(
                        "completed activating us-west-2 (UNGRACEFUL; ec2-capacity COMPLETED, aurora-switch COMPLETED)"));
    }

    @Test
    void anApprovalStepWaitsShownUntilAnOperatorApprovesItAuditedThenDnsMoves() throws Exception {
        Reconciler reconciler = reconciler(APPROVED, regionSwitch(Lease.HELD));
        GroupReconciler group = reconciler.group("api");
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, g -> g.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                && c.lastError().contains("waits for the approval of step approve-database"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    clock.advance(group.run());
                    return !group.status().served().contains("192.0.2.20");
                });

        assertThat(reconciler.answerRegionSwitchStep("api", "aurora-failover", true, "alice", "checked"))
                .as("not the step "
                        + "waiting")
                .isInstanceOfSatisfying(RegionSwitchApproval.Answer.NotWaiting.class, n -> assertThat(n.why())
                        .contains("IllegalStateException"));
        assertThat(reconciler.answerRegionSwitchStep("api", "approve-database", true, "alice", "database checked"))
                .isInstanceOf(RegionSwitchApproval.Answer.Answered.class);
        assertThat(results).anySatisfy(r -> {
            assertThat(r.step()).isEqualTo(ActuationStep.REGION_SWITCH);
            assertThat(r.details())
                    .isEqualTo("step approve-database of execution exec-1 approved by alice: database checked");
        });
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(group.status().served()).contains("192.0.2.20");
        assertThat(west.calls()).filteredOn(c -> "ApprovePlanExecutionStep".equals(c.operation()) && c.status() == 200)
                .singleElement().satisfies(c -> assertThat(c.body())
                        .containsEntry("approval", "approve").containsEntry("stepName", "approve-database")
                        .containsEntry("comment", "alice: database checked"));
    }

    @Test
    void aDeclinedApprovalCancelsTheExecutionAndBlocksTheGroup() throws Exception {
        Reconciler reconciler = reconciler(APPROVED, regionSwitch(Lease.HELD));
        GroupReconciler group = reconciler.group("api");
        assertThat(reconciler.answerRegionSwitchStep("api", "approve-database", true, "alice", "too early"))
                .as("no decision yet").isInstanceOf(RegionSwitchApproval.Answer.NotWaiting.class);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, g -> g.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                && c.lastError().contains("approval"));
        assertThat(
                reconciler.answerRegionSwitchStep("api", "approve-database", false, "bob", "the database is not ready"))
                .isInstanceOf(RegionSwitchApproval.Answer.Answered.class);
        passesUntil(group, RegionSwitchPlanTest::blocked);
        assertThat(((Convergence.Blocked) group.status().convergence()).reason()).contains("canceled")
                .contains("the plan runs again only for a new decision");
        assertThat(group.status().served()).doesNotContain("192.0.2.20");
    }

    @Test
    void aFailedStepBlocksTheGroupWithAwsOwnMessageAndDnsStays() throws Exception {
        GroupReconciler group = group(FAILING, regionSwitch(Lease.HELD));
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, RegionSwitchPlanTest::blocked);
        assertThat(((Convergence.Blocked) group.status().convergence()).reason()).contains("paused by failed step")
                .contains("step aurora-failover: " + AURORA_ERROR).contains("DNS not switched")
                .contains("resume or skip the step in Region switch, then failoverctl retry api");
        assertThat(group.status().served()).doesNotContain("192.0.2.20");
        assertThat(results).anySatisfy(r -> {
            assertThat(r.step()).isEqualTo(ActuationStep.REGION_SWITCH);
            assertThat(r.status()).isEqualTo(ActuationStatus.FAILED);
            assertThat(r.details()).contains(AURORA_ERROR);
        });
        assertThat(results).noneMatch(r -> r.step() == ActuationStep.DNS_SWITCH);
    }

    @Test
    void aRestartedReconcilerAdoptsTheRunningExecutionInsteadOfStartingAnother() throws Exception {
        GroupReconciler first = group(APPROVED, regionSwitch(Lease.HELD));
        Decision failover = decision(DecisionKind.FAILOVER, 4, "secondary");
        first.offer(failover);
        clock.advance(first.run());
        assertThat(starts()).hasSize(1);

        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        GroupReconciler restarted = group(APPROVED, aws);
        restarted.restore(DesiredState.of(failover)); // as read back from the desired-state topic
        passesUntil(restarted,
                g -> g.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                        && c.lastError().contains("approval"));
        aws.approve(new RegionSwitch.Plan(APPROVED, "us-west-2", null), west.executions().keySet().iterator().next(),
                "approve-database", true, "ok");
        passesUntil(restarted, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("never a second execution for one decision").hasSize(1);
    }

    @Test
    void aNewerDecisionCancelsTheOlderDecisionsExecutionThenStartsItsOwn() throws Exception {
        GroupReconciler group = group(APPROVED, regionSwitch(Lease.HELD));
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        clock.advance(group.run());
        group.offer(decision(DecisionKind.FORCE, 5, "secondary"));
        passesUntil(group, g -> starts().size() == 2);
        assertThat(west.executions().values()).first().isEqualTo("canceled");
        assertThat(west.calls()).filteredOn(c -> "CancelPlanExecution".equals(c.operation())).singleElement()
                .satisfies(c -> assertThat((String) c.body().get("comment"))
                        .contains("superseded by failover-plane group=api "
                                + "decision=d-5 epoch=5"));
        assertThat(results).anySatisfy(r -> assertThat(r.details()).contains("cancelled execution exec-1 of epoch 4"));
    }

    @Test
    void anExecutionStartedOutsideThePlaneIsWaitedForNotCancelled() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        assertThat(aws.start(new RegionSwitch.Plan(APPROVED, "us-west-2", null), RegionSwitch.Mode.GRACEFUL,
                "bob: practice run")).isInstanceOf(RegionSwitch.Outcome.Done.class);
        GroupReconciler group = group(APPROVED, aws);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, g -> g.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                && c.lastError().contains("started outside the plane"));
        assertThat(west.calls()).noneMatch(c -> "CancelPlanExecution".equals(c.operation()));
        assertThat(starts()).hasSize(1);
    }

    @Test
    void anExecutionAPersonCompletedForTheIncidentCountsAndTheRegionIsNotActivatedTwice() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        personsCompletedRun(aws, "us-west-2", RegionSwitch.Mode.UNGRACEFUL, "bob: us-east-1 is down");
        GroupReconciler group = group(PLAN, aws);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("bob's only").hasSize(1);
        assertThat(group.status().served()).contains("192.0.2.20");
        assertThat(results)
                .anySatisfy(r -> assertThat(r.details()).contains("started outside the plane (bob: us-east-1 is "
                        + "down), completed activating us-west-2: not run again"));
    }

    @Test
    void aPersonsRunOfAnEarlierIncidentDoesNotCount() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        personsCompletedRun(aws, "us-west-2", RegionSwitch.Mode.GRACEFUL, "bob: last quarter's test");
        GroupReconciler group = group(PLAN, aws);
        // issued more than 10 minutes after bob's run started: another incident
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary", Instant.now().plus(Duration.ofMinutes(11))));
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("bob's and the decision's own").hasSize(2);
    }

    @Test
    void aPersonsRunNoLongerCountsOnceThePlanActivatedAnotherRegionSince() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        personsCompletedRun(aws, "us-west-2", RegionSwitch.Mode.UNGRACEFUL, "bob: us-east-1 is down");
        personsCompletedRun(aws, "us-east-1", RegionSwitch.Mode.GRACEFUL, "carol: back to us-east-1");
        GroupReconciler group = group(PLAN, aws);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("bob's, then the decision's own: carol's run in us-east-1 moved the resources since")
                .hasSize(2);
    }

    @Test
    void aPersonsRunDoesNotCountWhileAnotherRegionOfThePlanDoesNotAnswer() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        personsCompletedRun(aws, "us-west-2", RegionSwitch.Mode.UNGRACEFUL, "bob: us-east-1 is down");
        east.stopListening(); // us-east-1 lost: whether the plan ran there since cannot be known
        GroupReconciler group = group(PLAN, aws);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).hasSize(2);
        assertThat(results)
                .anySatisfy(r -> assertThat(r.details()).contains("started outside the plane, completed activating "
                        + "us-west-2, but us-east-1 did not answer"));
    }

    @Test
    void anExecutionRunningInAnotherRegionOfThePlanIsWaitedFor() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        aws.start(new RegionSwitch.Plan(APPROVED, "us-east-1", null), RegionSwitch.Mode.GRACEFUL, "carol: practice");
        GroupReconciler group = group(APPROVED, aws);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, g -> g.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                && c.lastError().contains("started outside the plane (carol: practice)"));
        assertThat(starts()).as("nothing started in us-west-2 beside it").isEmpty();
        assertThat(east.calls()).noneMatch(c -> "CancelPlanExecution".equals(c.operation()));
    }

    @Test
    void aPersonsRunDoesNotCountWhenAnotherExecutionEndedAfterItStarted() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        // carol's run in us-east-1 starts first and ends after bob's in us-west-2 started: it may have moved the resources
        // after bob's began, whichever completed last
        aws.start(new RegionSwitch.Plan(PLAN, "us-east-1", null), RegionSwitch.Mode.GRACEFUL,
                "carol: back to us-east-1");
        await().atMost(Duration.ofSeconds(2))
                .until(() -> east.runs().get(0).started().isBefore(Instant.now().minusMillis(50)));
        personsCompletedRun(aws, "us-west-2", RegionSwitch.Mode.UNGRACEFUL, "bob: us-east-1 is down");
        await().atMost(Duration.ofSeconds(5)).until(() -> east.executions().values(), v -> v.contains("completed"));
        assertThat(east.runs().get(0).ended()).isAfter(west.runs().get(0).started());
        GroupReconciler group = group(PLAN, aws);
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("bob's, then the decision's own").hasSize(2);
    }

    @Test
    void aPersonsRunCountedStaysCountedForTheDecisionWhateverAnotherRegionSaysLater() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        personsCompletedRun(aws, "us-west-2", RegionSwitch.Mode.UNGRACEFUL, "bob: us-east-1 is down");
        GroupReconciler group = group(PLAN, aws);
        dnsRefusals.set(2); // the DNS switch is retried after the plan's verdict
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        clock.advance(group.run());
        assertThat(results).anySatisfy(r -> assertThat(r.details()).contains("not run again"));
        east.stopListening(); // now us-east-1 does not answer: the verdict is not asked again
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("bob's only: the plan is not run a second time").hasSize(1);
    }

    @Test
    void aListingTooLongToBeSureIsRefusedRatherThanRunningThePlanTwice() {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        RegionSwitch.Plan plan = new RegionSwitch.Plan(APPROVED, "us-west-2", null);
        for (int i = 0; i < 6; i++) {
            String id = ((RegionSwitch.Outcome.Done<String>) aws.start(plan, RegionSwitch.Mode.GRACEFUL,
                    "practice " + i)).value();
            aws.cancel(plan, id, "practice over");
        }
        AwsRegionSwitch five = new AwsRegionSwitch(p -> clients.get(0), Lease.HELD, 5);
        assertThat(five.executions(plan)).isInstanceOfSatisfying(RegionSwitch.Outcome.Refused.class,
                r -> assertThat(r.reason())
                        .contains("more than 5 executions").contains("does not start another"));
        assertThat(new AwsRegionSwitch(p -> clients.get(0), Lease.HELD, 6).executions(plan))
                .isInstanceOf(RegionSwitch.Outcome.Done.class);
    }

    @Test
    void theDecisionsExecutionIsFoundOnAnyPageOfTheListing() throws Exception {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        RegionSwitch.Plan plan = new RegionSwitch.Plan(APPROVED, "us-west-2", null);
        for (int i = 0; i < 130; i++) { // practice runs, cancelled: the fixture lists oldest first, 100 a page
            String id = ((RegionSwitch.Outcome.Done<String>) aws.start(plan, RegionSwitch.Mode.GRACEFUL,
                    "practice " + i)).value();
            aws.cancel(plan, id, "practice over");
        }
        Reconciler reconciler = reconciler(APPROVED, aws);
        GroupReconciler group = reconciler.group("api");
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, g -> g.status().convergence() instanceof Convergence.Converging c && c.lastError() != null
                && c.lastError().contains("approval"));
        assertThat(reconciler.answerRegionSwitchStep("api", "approve-database", true, "alice", "ok"))
                .isInstanceOf(RegionSwitchApproval.Answer.Answered.class);
        passesUntil(group, RegionSwitchPlanTest::converged);
        assertThat(starts()).as("130 practice runs and the decision's one").hasSize(131);
    }

    /**
     * A plan that fails (or whose approval is declined) must not leave the application on a fenced database: the plan,
     * whose end is not ours to decide, runs before the database step's fence and promotion, which cannot be undone
     * (ADR 0020, "Region switch before anything irreversible").
     */
    @Test
    void aPlanThatFailsLeavesTheDatabaseAsItWasNothingFencedNothingPromoted() throws Exception {
        String east = "jdbc:postgresql://db.us-east-1.example.com:5432/app";
        String west = "jdbc:postgresql://db.us-west-2.example.com:5432/app";
        Map<String, Database.Observation> nodes = new ConcurrentHashMap<>(Map.of(
                east, Database.Observation.Observed.writable(),
                west, Database.Observation.Observed.replicaByLag(0, null)));
        List<String> calls = new CopyOnWriteArrayList<>();
        Database<PostgresRef> postgres = new Database<>() {
            @Override
            public Observation observe(PostgresRef ref) {
                return nodes.get(ref.jdbcUrl());
            }

            @Override
            public WriteOutcome promote(PostgresRef ref, Move move) {
                calls.add("promote " + ref.jdbcUrl());
                nodes.put(ref.jdbcUrl(), Database.Observation.Observed.writable());
                return new WriteOutcome.Requested("promoted");
            }

            @Override
            public WriteOutcome fence(PostgresRef ref) {
                calls.add("fence " + ref.jdbcUrl());
                nodes.put(ref.jdbcUrl(), Database.Observation.Observed.fenced());
                return new WriteOutcome.Requested("fenced");
            }
        };
        Topology topology = TopologyLoader.parse("""
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.com., name: api.example.com., ttl: 60}
                    targets:
                      - {id: primary, region: us-east-1, probe: {type: tcp, host: 192.0.2.10, port: 443}, dns: {values: [192.0.2.10]},
                         database: {kind: postgres, url: "%s", credentials: app}}
                      - {id: secondary, region: us-west-2, probe: {type: tcp, host: 192.0.2.20, port: 443}, dns: {values: [192.0.2.20]},
                         database: {kind: postgres, url: "%s", credentials: app}}
                    regionSwitch: {planArn: "%s"}
                    safety: {maxDataLossSeconds: 30}
                """.formatted(east, west, FAILING), "test");
        GroupReconciler group = new Reconciler(topology,
                g -> GroupDns.oneLane(refusing, TrafficPlans.of(DnsProvider.Routing.SINGLE,
                        100, List.of())),
                new Wiring(Scalers.none(), PostgresOnly.databases(postgres, Map.of("app",
                        new Databases.Login("failover", "p"))), regionSwitch(Lease.HELD), saved::add,
                        EvidenceStore.NONE,
                        results::add, lane -> {}, Waker.NONE, clock, new ReconcileSettings(
                                Duration.ofSeconds(10), Duration.ofMillis(100), BACKOFF, Duration.ZERO, null)))
                .group("api");
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        passesUntil(group, RegionSwitchPlanTest::blocked);

        assertThat(((Convergence.Blocked) group.status().convergence()).reason()).contains(AURORA_ERROR);
        assertThat(calls).as("the old primary still takes the writes, the replica still replicates").isEmpty();
        assertThat(group.status().served()).doesNotContain("192.0.2.20");
    }

    @Test
    void aCutOffActuatorStartsNothing() {
        GroupReconciler group = group(PLAN, regionSwitch(() -> Optional.of("the coordinator lease lapsed 4 s ago")));
        group.offer(decision(DecisionKind.FAILOVER, 4, "secondary"));
        clock.advance(group.run());
        assertThat(starts()).isEmpty();
        assertThat(group.status().convergence()).isInstanceOfSatisfying(Convergence.Converging.class,
                c -> assertThat(c.lastError()).contains("not started: the coordinator lease lapsed"));
    }

    @Test
    void aStartBesideARunningExecutionIsPassingNotARefusal() {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD);
        RegionSwitch.Plan plan = new RegionSwitch.Plan(APPROVED, "us-west-2", null);
        aws.start(plan, RegionSwitch.Mode.GRACEFUL, "first");
        assertThat(aws.start(plan, RegionSwitch.Mode.GRACEFUL, "second")).isInstanceOfSatisfying(
                RegionSwitch.Outcome.Passing.class, p -> assertThat(p.reason()).contains("IllegalStateException"));
        assertThat(aws.executions(new RegionSwitch.Plan(PLAN + "x", "us-west-2", null))).isInstanceOf(
                RegionSwitch.Outcome.Refused.class);
    }

    @Test
    void aCallSignedForAnotherRegionIsRefused() {
        AwsRegionSwitch aws = regionSwitch(Lease.HELD, plan -> west);
        assertThat(aws.executions(new RegionSwitch.Plan(PLAN, "us-east-1", null))).isInstanceOfSatisfying(
                RegionSwitch.Outcome.Refused.class, r -> assertThat(r.reason()).contains("AccessDenied"));
    }

    @Test
    void thePermissionPlanNamesTheActionsOnThePlanInEachActivatedRegion() {
        List<dev.failover.actuator.permissions.Needed> needed = dev.failover.actuator.permissions.PermissionPlan.of(
                topology(PLAN),
                false, dev.failover.actuator.dns.ArcSettings.none(), "us-east-1");
        assertThat(needed).filteredOn(n -> n.action().startsWith("arc-region-switch:")).extracting(n -> n.place() + " "
                + n.action().substring("arc-region-switch:".length())).contains("us-west-2 StartPlanExecution",
                        "us-east-1 StartPlanExecution", "us-west-2 ApprovePlanExecutionStep",
                        "us-west-2 CancelPlanExecution")
                .hasSize(12);
        assertThat(needed).filteredOn(n -> n.action().startsWith("arc-region-switch:"))
                .allSatisfy(n -> assertThat(n.resource())
                        .isEqualTo(PLAN));
    }
}
