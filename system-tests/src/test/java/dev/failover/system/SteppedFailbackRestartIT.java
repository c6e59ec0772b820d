package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
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

/**
 * A stepped Route 53 failback (weights 10 → 50 → 100) interrupted by {@code kill -9} of the packaged actuator after the
 * second step is served: the restarted actuator reads the step reached from its desired-state topic and goes on to the
 * last step; traffic is never sent back to an earlier step. The actuator talks to a Route 53 hosted zone kept by
 * {@link Route53Zone} (through its real AWS SDK client and an endpoint override); the decisions come straight from the
 * test, as the decision-service publishes them.
 * <p>
 * The group is the production sample's (k8s/base/failover.yaml): weighted alias records to the regions' load balancers,
 * in a zone as strict as Route 53's: a change stays PENDING for a while, a change made while one is PENDING is refused
 * (PriorRequestNotComplete), more than five requests a second are throttled, and the records come one to a page.
 */
class SteppedFailbackRestartIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final String ZONE_ID = Route53Sample.ZONE_ID;
    static final String RECORD = Route53Sample.RECORD;
    static final String GROUP = "api";
    static final String PRIMARY = "us-east-1";
    static final String SECONDARY = "us-west-2";
    static final List<String> SAMPLE_DNS = Route53Sample.SAMPLE_DNS;
    static final Route53Zone.Alias EAST = Route53Sample.EAST;
    static final Route53Zone.Alias WEST = Route53Sample.WEST;
    /** How long each change stays PENDING: Route 53's is typically under a minute; short here for the suite. */
    static final Duration PENDING = Duration.ofSeconds(2);
    /** Long enough that the second step is still the one served when the kill lands, short enough for the suite. */
    static final Duration STEP_PAUSE = Duration.ofSeconds(10);
    static TestStack stack;
    static StandaloneKafka kafka;
    static Route53Zone zone;
    static ServiceProcess actuator;

    @BeforeAll
    static void startStack() throws Exception {
        String sample = Files.readString(ServiceProcess.ROOT.resolve("k8s/base/failover.yaml"));
        SAMPLE_DNS.forEach(
                line -> assertThat(sample).as("k8s/base/failover.yaml, which this test copies").contains(line));
        zone = Route53Zone.start(ZONE_ID, List.of(Route53Zone.RecordSet.alias(RECORD, "A", PRIMARY, 100L, EAST),
                Route53Zone.RecordSet.alias(RECORD, "A", SECONDARY, 0L, WEST))).pendingFor(PENDING)
                .refuseChangesWhilePending(true).requestsPerSecond(5).pageSize(1);
        stack = TestStack.named("stepped").topology(s -> """
                version: 1
                locations: [loc-a, loc-b, loc-c]
                groups:
                  - id: %s
                    %s
                    targets:
                      - id: %s
                        region: us-east-1
                        probe: {type: tcp, host: 127.0.0.1, port: 9}
                        %s
                      - id: %s
                        region: us-west-2
                        probe: {type: tcp, host: 127.0.0.1, port: 9}
                        %s
                """.formatted(GROUP, SAMPLE_DNS.get(0), PRIMARY, SAMPLE_DNS.get(1), SECONDARY, SAMPLE_DNS.get(2)))
                .actuator().env(TestStack.ACTUATOR, "FAILOVER_DNS_PROVIDER",
                        "route53", "FAILOVER_DNS_ROUTE53_ENDPOINT_OVERRIDE", zone.endpoint().toString(),
                        "FAILOVER_DNS_ROUTE53_FAILBACK_STEPS", "10,50,100", "FAILOVER_DNS_ROUTE53_FAILBACK_STEP_PAUSE",
                        STEP_PAUSE.toSeconds() + "s", "FAILOVER_INSTANCE_ID", "actuator-1", "AWS_ACCESS_KEY_ID",
                        "AKIDSYSTEMTEST",
                        "AWS_SECRET_ACCESS_KEY", "not-a-secret")
                .start();
        kafka = stack.kafka();
        actuator = stack.actuator();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack, zone);
    }

    @Test
    void aSteppedFailbackInterruptedByAKillResumesFromTheStepReached() throws Exception {
        try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            Decision failover = decision(1, DecisionKind.FAILOVER, PRIMARY, SECONDARY);
            client.sendSigned(Topics.DECISIONS, GROUP, CODEC.encode(failover), TestSigningKeys.shared().signer());
            actuations.await(r -> is(r, failover, ActuationStatus.CONVERGED), Duration.ofSeconds(60));
            assertThat(primaryWeight()).as("the failover moves all traffic at once").isEqualTo(0L);
            int batchesBeforeFailback = zone.applied().size();

            Decision failback = decision(2, DecisionKind.FAILBACK, SECONDARY, PRIMARY);
            client.sendSigned(Topics.DECISIONS, GROUP, CODEC.encode(failback), TestSigningKeys.shared().signer());
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
                    .containsEntry(PRIMARY, 100L).containsEntry(SECONDARY, 0L);
            List<Long> failbackSteps = primaryWeights(
                    zone.applied().subList(batchesBeforeFailback, batchesBeforeRestart));
            List<Long> afterRestart = primaryWeights(
                    zone.applied().subList(batchesBeforeRestart, zone.applied().size()));
            assertThat(failbackSteps).as("primary weight written by each batch before the kill").containsExactly(10L,
                    50L);
            assertThat(afterRestart)
                    .as("primary weight written by each batch after the restart: no step again, none back")
                    .containsExactly(100L);
            assertThat(zone.applied().stream().flatMap(b -> b.upserts().stream()).filter(u -> u.type().equals("A"))
                    .toList())
                    .as("every A set written: still the alias to its region's load balancer, no values, no TTL")
                    .allSatisfy(u -> {
                        assertThat(u.alias()).isEqualTo(u.setIdentifier().equals(PRIMARY) ? EAST : WEST);
                        assertThat(u.values()).isEmpty();
                    });
            assertThat(zone.requests()).as("GetChange polled until INSYNC")
                    .anySatisfy(r -> assertThat(r.path()).contains("/change/"));
        }
    }

    static long primaryWeight() {
        return zone.weights(RECORD, "A").get(PRIMARY);
    }

    static List<Long> primaryWeights(List<Route53Zone.AppliedBatch> batches) {
        return batches.stream().flatMap(b -> b.upserts().stream())
                .filter(s -> PRIMARY.equals(s.setIdentifier())).map(Route53Zone.RecordSet::weight).toList();
    }

    static Decision decision(long epoch, DecisionKind kind, String from, String to) {
        return new Decision(1, UUID.randomUUID().toString(), GROUP, epoch, kind, from, to, "system test",
                List.of(), Instant.now(), DecisionMode.LIVE, Decision.AUTOMATION);
    }

    static boolean is(ConsumerRecord<String, String> record, Decision decision, ActuationStatus status) {
        ActuationResult r = CODEC.decode(record.value(), ActuationResult.class);
        return r.decisionId().equals(decision.decisionId()) && r.step() == ActuationStep.RECONCILE
                && r.status() == status;
    }
}
