package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.aws.RecoveryCluster;
import dev.failover.testkit.aws.RecoveryCluster.Health;
import dev.failover.testkit.aws.RecoveryCluster.State;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * The chain of FailoverChainIT on the {@code route53-arc} provider (ADR 0014): three probe locations, the
 * decision-service and the actuator as packaged processes, the actuator switching the group through the testkit's ARC
 * cluster ({@link RecoveryCluster}, five regional endpoints, the real AWS SDK) while two of the five endpoints are down:
 * one refuses connections, one accepts and never answers. The primary's backend is stopped for real; the routing
 * controls must flip (primary Off, secondary On) and the actuator must report the switch served, read back. Prints the
 * timings FailoverChainIT prints, for docs/aws-arc.md.
 */
@Tag("gate") // in ./scripts/test.sh --gate: the AWS switch path: ARC routing controls
class ArcFailoverChainIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final String PANEL = "arn:aws:route53-recovery-control::111122223333:controlpanel/c0ffee01";
    static final String PRIMARY_CONTROL = PANEL + "/routingcontrol/apiprimary";
    static final String SECONDARY_CONTROL = PANEL + "/routingcontrol/apisecondary";
    /** The endpoints' regions in the order the actuator tries them (by name), so that endpoint i is the fixture's i. */
    static final String[] REGIONS = { "ap-northeast-1", "ap-southeast-2", "eu-west-1", "us-east-1", "us-west-2" };
    static RecoveryCluster cluster;
    static TestStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Map<String, State> initial = new LinkedHashMap<>();
        initial.put(PRIMARY_CONTROL, State.On);
        initial.put(SECONDARY_CONTROL, State.Off);
        cluster = RecoveryCluster.start(5, PANEL, initial);
        // the actuator's settings as docs/aws-arc.md gives them for Kubernetes (environment variables), the endpoint
        // timeout left at its default; an endpoint's variable is named as its key: FAILOVER_DNS_ARC_ENDPOINTS_US_EAST_1
        // would reach the actuator as region "us.east.1", and the start would be refused
        List<String> arc = new ArrayList<>(
                List.of("AWS_ACCESS_KEY_ID", "AKIDARCCHAIN", "AWS_SECRET_ACCESS_KEY", "not-a-secret"));
        for (int i = 0; i < REGIONS.length; i++) {
            arc.add("failover.dns.arc.endpoints." + REGIONS[i]);
            arc.add(cluster.endpoints().get(i).toString());
        }
        arc.addAll(List.of("FAILOVER_DNS_ARC_CONTROL_CONFIG_ENDPOINT_OVERRIDE",
                cluster.controlConfigEndpoint().toString()));
        // the group's routing controls are the topology's (groups[].arc, docs/aws-arc.md)
        stack = TestStack.named("arc-chain").primaryAndSecondary().topology(s -> TestTopology.withArc(TestTopology.yaml(
                s.backend(TestTopology.PRIMARY).healthUrl(), s.backend(TestTopology.SECONDARY).healthUrl()),
                TestTopology.GROUP,
                Map.of(TestTopology.PRIMARY, PRIMARY_CONTROL, TestTopology.SECONDARY, SECONDARY_CONTROL), List.of()))
                .deciders(1).probes().actuator()
                .env(TestStack.ACTUATOR, arc.toArray(String[]::new)).start();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack, cluster);
    }

    @Test
    void aStoppedPrimaryIsSwitchedThroughArcWithTwoOfFiveEndpointsDown() throws Exception {
        try (TopicClient client = TopicClient.of(stack.kafka().bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            // steady state: the actuator has read the controls as deployed (primary On) and the decider sees the primary
            ActuationResult initial = actuation(actuations.await(r -> actuation(r).epoch() == 0
                    && actuation(r).step() == ActuationStep.RECONCILE
                    && actuation(r).status() == ActuationStatus.CONVERGED,
                    Duration.ofSeconds(60)));
            assertThat(initial.provider()).as("provider of group api").isEqualTo("route53-arc");
            ServiceProcess decider = stack.decider();
            await("decision-service sees the primary HEALTHY").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(DeciderViews.health(decider, TestTopology.PRIMARY))
                            .as("primary's health in GET /groups/api").isEqualTo("HEALTHY"));

            // the endpoint the actuator used last refuses connections from now on, and the one it tries next hangs: the
            // switch must get past both
            int used = cluster.calls().get(cluster.calls().size() - 1).endpoint();
            int hanging = (used + 1) % REGIONS.length;
            cluster.endpoint(used, Health.REFUSING);
            cluster.endpoint(hanging, Health.HANGING);

            int callsBefore = cluster.calls().size();
            Instant failedAt = Instant.now();
            stack.backend(TestTopology.PRIMARY).close();

            Decision decision = CODEC.decode(decisions.await(r -> true, Duration.ofSeconds(60)).value(),
                    Decision.class);
            assertThat(decision.kind()).isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.toTarget()).isEqualTo(TestTopology.SECONDARY);
            ActuationResult dnsSwitch = actuation(actuations.await(r -> is(r, decision, ActuationStep.DNS_SWITCH,
                    ActuationStatus.SUCCEEDED), Duration.ofSeconds(60)));
            ActuationResult complete = actuation(actuations.await(r -> is(r, decision, ActuationStep.COMPLETE,
                    ActuationStatus.SUCCEEDED), Duration.ofSeconds(60)));
            ActuationResult served = actuation(actuations.await(r -> is(r, decision, ActuationStep.RECONCILE,
                    ActuationStatus.CONVERGED), Duration.ofSeconds(60)));

            assertThat(cluster.states()).as("routing controls in the ARC cluster after the failover")
                    .containsEntry(PRIMARY_CONTROL, State.Off).containsEntry(SECONDARY_CONTROL, State.On);
            assertThat(dnsSwitch.provider()).isEqualTo("route53-arc");
            assertThat(dnsSwitch.details()).as("the switch, written through an endpoint that answers")
                    .contains("primary Off").contains("secondary On")
                    .doesNotContain("at " + REGIONS[used] + " ").doesNotContain("at " + REGIONS[hanging] + " ");
            assertThat(cluster.accepted("UpdateRoutingControlStates")).as("updates ARC applied: one switch, one write")
                    .hasSize(1);
            assertThat(cluster.accepted("UpdateRoutingControlStates").get(0).endpoint())
                    .as("endpoint that took the write")
                    .isNotIn(used, hanging);
            assertThat(cluster.calls().subList(callsBefore, cluster.calls().size())).as("calls after the failure")
                    .anySatisfy(c -> assertThat(c.endpoint()).as("endpoint of a call").isEqualTo(hanging));
            assertThat(served.details()).as("the actuator's read-back").startsWith("served as decided");
            assertThat(cluster.controlConfigCalls()).as("the packaged actuator read the panel's safety rules from the"
                    + " control-configuration API, signed for us-west-2 with its own key").isNotEmpty()
                    .allSatisfy(c -> {
                        assertThat(c.status()).as("answer to ListSafetyRules").isEqualTo(200);
                        assertThat(c.region()).isEqualTo("us-west-2");
                        assertThat(c.accessKeyId()).isEqualTo("AKIDARCCHAIN");
                    });
            await("the decision-service shows the switch served").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(DeciderViews.view(decider)
                            .path("serving").path("status").asText()).as("serving.status in GET /groups/api")
                            .isEqualTo("CONVERGED"));

            System.out.printf(
                    "arc: failure -> decision %d ms, failure -> switch complete %d ms, failure -> served (read "
                            + "back) %d ms; endpoints %s refusing, %s hanging; %d ARC calls%n",
                    Duration.between(failedAt, decision.issuedAt()).toMillis(),
                    Duration.between(failedAt, complete.finishedAt()).toMillis(),
                    Duration.between(failedAt, served.finishedAt()).toMillis(), REGIONS[used], REGIONS[hanging],
                    cluster.calls().size());
            cluster.heal(used);
            cluster.heal(hanging);
        }
    }

    static boolean is(ConsumerRecord<String, String> record, Decision decision, ActuationStep step,
            ActuationStatus status) {
        ActuationResult r = actuation(record);
        return r.decisionId().equals(decision.decisionId()) && r.step() == step && r.status() == status;
    }

    static ActuationResult actuation(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ActuationResult.class);
    }
}
