package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.aws.RegionSwitchService;
import dev.failover.testkit.aws.RegionSwitchService.StepSpec;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * An ARC Region switch plan run by the packaged actuators with the faults caused for real (ADR 0028). Each region's
 * Region switch is a testkit fixture that checks each request's SigV4 region and runs the plan's workflow, whose
 * approval step holds the execution. Two actuators in one consumer group, each with its own credentials, BIND9 as the
 * DNS: the one that started the failover's execution is frozen (SIGSTOP) while the execution waits; the other takes the
 * group over, adopts the execution (never a second start), an operator approves the step through it, and DNS moves
 * only after the execution completed. The frozen one runs again (SIGCONT), a zombie whose lease has lapsed: it writes
 * nothing. Then the new owner is killed (SIGKILL) while the failback's execution waits, and the first, owner again,
 * adopts that one.
 */
class RegionSwitchFaultsIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final String PLAN = "arn:aws:arc-region-switch::111122223333:plan/api-plan:abc123";
    static final List<String> WRITES = List.of("StartPlanExecution", "CancelPlanExecution", "ApprovePlanExecutionStep");

    @Test
    void anOwnerFrozenOrKilledMidExecutionIsFollowedByTheOtherWithOneExecutionPerDecision() throws Exception {
        Map<String, RegionSwitchService> planes = new HashMap<>();
        for (String region : List.of("us-east-1", "us-west-2")) {
            planes.put(region, RegionSwitchService.start(region, Duration.ofMillis(300)).plan(PLAN, List.of(
                    StepSpec.runs("capacity"), StepSpec.approval("approve-" + region), StepSpec.runs("database"))));
        }
        try (TestStack stack = TestStack.named("regionswitch").primaryAndSecondary()
                .topology(s -> TestTopology
                        .yaml(s.backend(TestTopology.PRIMARY).healthUrl(), s.backend(TestTopology.SECONDARY)
                                .healthUrl())
                        .replace("    failback: {holdDownSeconds: 3}\n", "    failback: {holdDownSeconds: 3}\n"
                                + "    regionSwitch: {planArn: \"" + PLAN + "\"}\n"))
                .bind9("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP)).probes().deciders(1).actuator()
                .env(TestStack.ACTUATOR, pairs(actuatorEnv("actuator-1", "AKIDONE", planes))).start();
                TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            Map<String, ServiceProcess> byKey = new HashMap<>();
            byKey.put("AKIDONE", stack.actuator());
            byKey.put("AKIDTWO", stack.start(TestStack.ACTUATOR, "actuator-2", Map.copyOf(actuatorEnv("actuator-2",
                    "AKIDTWO", planes))));
            byKey.values().forEach(a -> a.awaitReady(TestStack.READY));
            DemoBackend primary = stack.backend(TestTopology.PRIMARY);
            await("BIND answers the primary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> answers(stack).equals(Set.of(TestTopology.PRIMARY_IP)));

            // a failover; its execution waits for approval in us-west-2; its starter is frozen there
            primary.fail();
            Decision failover = decision(decisions, DecisionKind.FAILOVER);
            RegionSwitchService west = planes.get("us-west-2");
            String starter = awaitWaiting(west, failover);
            ServiceProcess owner = byKey.get(starter);
            String otherKey = starter.equals("AKIDONE") ? "AKIDTWO" : "AKIDONE";
            ServiceProcess other = byKey.get(otherKey);
            owner.suspend();
            Instant frozenAt = Instant.now();
            approveThrough(other, "approve-us-west-2", stack);
            Instant approvedAt = Instant.now();
            await("BIND answers the secondary").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP)));
            System.out.printf("REGIONSWITCH frozen owner -> approved through the other %d ms -> DNS %d ms%n",
                    Duration.between(frozenAt, approvedAt).toMillis(),
                    Duration.between(approvedAt, Instant.now()).toMillis());
            assertOneExecutionBeforeDns(west, failover, actuations);

            // the frozen owner runs again: its lease lapsed, it writes nothing, DNS stays (the zone's serial counts every
            // write, also one that serves the same address)
            long serial = DnsQueries.serial(stack.dns().port(), "failover.test.");
            owner.resume();
            await("the zombie writes nothing").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> answers(stack).equals(Set.of(TestTopology.SECONDARY_IP))
                            && DnsQueries.serial(stack.dns().port(), "failover.test.") == serial);
            assertThat(planes.values().stream().flatMap(p -> p.calls().stream()))
                    .as("writes of the frozen owner after it "
                            + "was frozen")
                    .noneMatch(c -> c.accessKeyId().equals(starter) && WRITES.contains(c.operation())
                            && c.at().isAfter(frozenAt));

            // a failback; its execution waits in us-east-1; its starter is killed
            primary.recover();
            Decision failback = decision(decisions, DecisionKind.FAILBACK);
            RegionSwitchService east = planes.get("us-east-1");
            String secondStarter = awaitWaiting(east, failback);
            ServiceProcess killed = byKey.get(secondStarter);
            ServiceProcess survivor = byKey.get(secondStarter.equals("AKIDONE") ? "AKIDTWO" : "AKIDONE");
            killed.kill();
            assertThat(answers(stack)).as("DNS waits for the plan").containsExactly(TestTopology.SECONDARY_IP);
            approveThrough(survivor, "approve-us-east-1", stack);
            await("BIND answers the primary again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers(stack).equals(Set.of(TestTopology.PRIMARY_IP)));
            assertOneExecutionBeforeDns(east, failback, actuations);
        } finally {
            planes.values().forEach(RegionSwitchService::close);
        }
    }

    static Map<String, String> actuatorEnv(String instance, String accessKey, Map<String, RegionSwitchService> planes) {
        Map<String, String> env = new HashMap<>(Map.of("FAILOVER_INSTANCE_ID", instance, "AWS_ACCESS_KEY_ID", accessKey,
                "AWS_SECRET_ACCESS_KEY", "secret-" + instance, "failover.scaling.poll-interval", "500ms",
                "FAILOVER_PERMISSIONS_CHECK_INTERVAL", "0")); // IAM is not here (AwsWorkloadIdentityIT)
        planes.forEach((region, plane) -> env.put("failover.scaling.aws-endpoint-overrides." + region,
                plane.endpoint().toString()));
        return env;
    }

    static String[] pairs(Map<String, String> env) {
        return env.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
    }

    static Decision decision(TopicClient.Reader decisions, DecisionKind kind) {
        return CODEC.decode(decisions.await(r -> CODEC.decode(r.value(), Decision.class).kind() == kind,
                Duration.ofSeconds(90)).value(), Decision.class);
    }

    /** Waits until the decision's execution waits for its approval step; returns who started it. */
    static String awaitWaiting(RegionSwitchService plane, Decision decision) {
        String key = "decision=" + decision.decisionId() + " ";
        await("the execution of " + decision.decisionId() + " waits for approval").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> plane.runs().stream().anyMatch(e -> e.comment() != null
                        && e.comment().contains(key) && e.state().equals("pendingManualApproval")));
        return plane.calls().stream().filter(c -> c.operation().equals("StartPlanExecution") && c.status() == 200
                && String.valueOf(c.body().get("comment")).contains(key)).findFirst().orElseThrow().accessKeyId();
    }

    /** An operator approves through this actuator once it drives the group (it answers 409 until it does). */
    static void approveThrough(ServiceProcess actuator, String step, TestStack stack) {
        await("an approval taken by the new owner").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(answers(stack)).as("DNS waits for the plan").doesNotContain(step.endsWith("west-2")
                            ? TestTopology.SECONDARY_IP : TestTopology.PRIMARY_IP);
                    HttpResponse<String> answer = actuator.post("/groups/api/region-switch/approve", "operator",
                            "{\"step\": \"" + step + "\", \"reason\": \"checked by the test\"}");
                    return answer.statusCode() == 200;
                });
    }

    /** One accepted start for the decision, completed, and its DNS switch after it. */
    static void assertOneExecutionBeforeDns(RegionSwitchService plane, Decision decision,
            TopicClient.Reader actuations) {
        String key = "decision=" + decision.decisionId() + " ";
        assertThat(plane.calls()).as("accepted starts for " + decision.decisionId()).filteredOn(c -> c.operation()
                .equals("StartPlanExecution") && c.status() == 200
                && String.valueOf(c.body().get("comment")).contains(key))
                .hasSize(1);
        RegionSwitchService.Execution run = plane.runs().stream().filter(e -> e.comment().contains(key)).findFirst()
                .orElseThrow();
        assertThat(run.state()).isEqualTo("completed");
        ActuationResult dns = CODEC.decode(actuations.await(r -> {
            ActuationResult a = CODEC.decode(r.value(), ActuationResult.class);
            return a.decisionId().equals(decision.decisionId()) && a.step() == ActuationStep.DNS_SWITCH
                    && a.status() == ActuationStatus.SUCCEEDED;
        }, Duration.ofSeconds(30)).value(), ActuationResult.class);
        assertThat(dns.finishedAt())
                .as("the DNS switch of " + decision.decisionId() + " made after its execution ended at "
                        + run.ended())
                .isAfterOrEqualTo(run.ended());
    }

    static Set<String> answers(TestStack stack) throws java.io.IOException {
        return DnsQueries.answers(stack.dns().port());
    }
}
