package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.aws.Route53Zone;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;

/**
 * A stepped Route 53 failback (weights 10 → 50 → 100) interrupted by {@code kill -9} of the packaged actuator after the
 * second step is served: the restarted actuator reads the step reached from its desired-state topic and goes on to the
 * last step; traffic is never sent back to an earlier step. The actuator talks to a Route 53 hosted zone kept by
 * {@link Route53Zone} (through its real AWS SDK client and an endpoint override); the decisions come straight from the
 * test, as the decision-service publishes them.
 */
class SteppedFailbackRestartIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final String ZONE_ID = "Z0STEPPED";
    static final String RECORD = "api.failover.test.";
    /** Long enough that the second step is still the one served when the kill lands, short enough for the suite. */
    static final Duration STEP_PAUSE = Duration.ofSeconds(10);
    static TestStack stack;
    static StandaloneKafka kafka;
    static Route53Zone zone;
    static ServiceProcess actuator;

    @BeforeAll
    static void startStack() throws Exception {
        zone = Route53Zone.start(ZONE_ID, List.of(
                new Route53Zone.RecordSet(RECORD, "A", TestTopology.PRIMARY, 100L, 5, List.of(TestTopology.PRIMARY_IP)),
                new Route53Zone.RecordSet(RECORD, "A", TestTopology.SECONDARY, 0L, 5, List.of(TestTopology.SECONDARY_IP))));
        stack = TestStack.named("stepped").topology(s -> """
                version: 1
                locations: [loc-a, loc-b, loc-c]
                groups:
                  - id: %s
                    dns: {zone: failover.test., name: %s, type: A, ttl: 5, hostedZoneId: %s}
                    targets:
                      - id: %s
                        region: us-east-1
                        probe: {type: tcp, host: 127.0.0.1, port: 9}
                        dns: {values: [%s]}
                      - id: %s
                        region: us-west-2
                        probe: {type: tcp, host: 127.0.0.1, port: 9}
                        dns: {values: [%s]}
                """.formatted(TestTopology.GROUP, RECORD, ZONE_ID, TestTopology.PRIMARY, TestTopology.PRIMARY_IP,
                TestTopology.SECONDARY, TestTopology.SECONDARY_IP)).actuator().env(TestStack.ACTUATOR, "FAILOVER_DNS_PROVIDER",
                "route53", "FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE", zone.endpoint().toString(),
                "FAILOVER_DNS_ROUTE53_FAILBACK_STEPS", "10,50,100", "FAILOVER_DNS_ROUTE53_FAILBACK_STEP_PAUSE",
                STEP_PAUSE.toSeconds() + "s", "FAILOVER_INSTANCE_ID", "actuator-1", "AWS_ACCESS_KEY_ID", "AKIDSYSTEMTEST",
                "AWS_SECRET_ACCESS_KEY", "not-a-secret").start();
        kafka = stack.kafka();
        actuator = stack.actuator();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack, zone);
    }

    @Test
    void aSteppedFailbackInterruptedByAKillResumesFromTheStepReached() throws Exception {
        try (TopicClient client = new TopicClient(kafka.bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            Decision failover = decision(1, DecisionKind.FAILOVER, TestTopology.PRIMARY, TestTopology.SECONDARY);
            client.sendSigned(Topics.DECISIONS, TestTopology.GROUP, CODEC.encode(failover), TestSigningKeys.shared().signer());
            actuations.await(r -> is(r, failover, ActuationStatus.CONVERGED), Duration.ofSeconds(60));
            assertThat(primaryWeight()).as("the failover moves all traffic at once").isEqualTo(0L);
            int batchesBeforeFailback = zone.applied().size();

            Decision failback = decision(2, DecisionKind.FAILBACK, TestTopology.SECONDARY, TestTopology.PRIMARY);
            client.sendSigned(Topics.DECISIONS, TestTopology.GROUP, CODEC.encode(failback), TestSigningKeys.shared().signer());
            await("the second step (50 %) served").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> primaryWeight() == 50L);
            actuator.kill();
            int batchesBeforeRestart = zone.applied().size();
            assertThat(primaryWeight()).as("killed while the second step was held").isEqualTo(50L);

            actuator = stack.start(TestStack.ACTUATOR, "actuator-restarted", Map.of());
            actuator.awaitReady(Duration.ofSeconds(90));
            Instant readyAt = Instant.now();
            ActuationResult converged = CODEC.decode(actuations.await(r -> is(r, failback, ActuationStatus.CONVERGED),
                    Duration.ofSeconds(90)).value(), ActuationResult.class);
            System.out.printf("restarted actuator ready -> last failback step served %d ms (step pause %d s)%n",
                    Duration.between(readyAt, converged.finishedAt()).toMillis(), STEP_PAUSE.toSeconds());

            assertThat(zone.weights(RECORD, "A")).as("all traffic back on the primary")
                    .containsEntry(TestTopology.PRIMARY, 100L).containsEntry(TestTopology.SECONDARY, 0L);
            List<Long> failbackSteps = primaryWeights(zone.applied().subList(batchesBeforeFailback, batchesBeforeRestart));
            List<Long> afterRestart = primaryWeights(zone.applied().subList(batchesBeforeRestart, zone.applied().size()));
            assertThat(failbackSteps).as("primary weight written by each batch before the kill").containsExactly(10L, 50L);
            assertThat(afterRestart).as("primary weight written by each batch after the restart: no step again, none back")
                    .containsExactly(100L);
        }
    }

    static long primaryWeight() {
        return zone.weights(RECORD, "A").get(TestTopology.PRIMARY);
    }

    static List<Long> primaryWeights(List<Route53Zone.AppliedBatch> batches) {
        return batches.stream().flatMap(b -> b.upserts().stream())
                .filter(s -> TestTopology.PRIMARY.equals(s.setIdentifier())).map(Route53Zone.RecordSet::weight).toList();
    }

    static Decision decision(long epoch, DecisionKind kind, String from, String to) {
        return new Decision(1, UUID.randomUUID().toString(), TestTopology.GROUP, epoch, kind, from, to, "system test",
                List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    static boolean is(ConsumerRecord<String, String> record, Decision decision, ActuationStatus status) {
        ActuationResult r = CODEC.decode(record.value(), ActuationResult.class);
        return r.decisionId().equals(decision.decisionId()) && r.step() == ActuationStep.RECONCILE && r.status() == status;
    }
}
