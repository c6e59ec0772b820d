package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * Closed-loop reconciliation with the faults caused for real (ADR 0006): the packaged services against a standalone
 * broker and a real BIND9, which is stopped by its PID for 60 s in the middle of a failover; then the actuator is killed
 * with SIGKILL in the middle of a failback and started again. What counts is what BIND serves, its zone serial (one
 * dynamic update, one increment: exactly one effective change) and what the decision-service shows meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconcileFaultsIT {

    static final EventCodec CODEC = EventCodec.instance();
    static final Duration OUTAGE = Duration.ofSeconds(60);
    static TestStack stack;
    static StandaloneKafka kafka;
    static AuthoritativeServer bind;
    static DemoBackend primary;
    static ServiceProcess decider;
    static ServiceProcess actuator;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStack.named("reconcile").primaryAndSecondary().bind9("failover.test.", List.of("api IN A "
                + TestTopology.PRIMARY_IP)).probes().deciders(1).actuator()
                .env(TestStack.ACTUATOR, "FAILOVER_INSTANCE_ID",
                        "actuator-1")
                .start();
        kafka = stack.kafka();
        bind = stack.dns();
        primary = stack.backend(TestTopology.PRIMARY);
        decider = stack.decider();
        actuator = stack.actuator();
    }

    @AfterAll
    static void stopStack() throws Exception {
        TestStack.closeAll(stack);
    }

    @Test
    @Order(1)
    void aDnsServerAwayForAMinuteDuringAFailoverGetsTheSwitchWithinSecondsOfItsReturn() throws Exception {
        await("BIND answers the primary").atMost(Duration.ofSeconds(30))
                .until(() -> answers().equals(Set.of(TestTopology.PRIMARY_IP)));
        await("the decision-service sees the primary HEALTHY").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> DeciderViews.health(decider, TestTopology.PRIMARY).equals("HEALTHY"));
        long serialBefore = serial();
        try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            bind.stop();
            Instant stoppedAt = Instant.now();
            primary.fail();
            Decision failover = CODEC.decode(decisions.await(r -> true, Duration.ofSeconds(60)).value(),
                    Decision.class);
            assertThat(failover.kind()).isEqualTo(DecisionKind.FAILOVER);

            await("the decision-service shows the switch CONVERGING with the actuator's error").atMost(OUTAGE)
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        JsonNode serving = serving(decider);
                        assertThat(serving.path("status").asText()).as("serving.status in GET /groups/api")
                                .isEqualTo("CONVERGING");
                        assertThat(serving.path("epoch").asLong()).as("serving.epoch").isEqualTo(failover.epoch());
                        assertThat(serving.path("detail").asText()).as("serving.detail")
                                .contains("127.0.0.1:" + bind.port());
                    });
            // the DNS server stays away for a minute; all that time the plane says it has not switched
            await("the DNS server's minute away").atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        assertThat(serving(decider).path("status").asText()).as("serving status while BIND is stopped")
                                .isEqualTo("CONVERGING");
                        return Duration.between(stoppedAt, Instant.now()).compareTo(OUTAGE) >= 0;
                    });

            bind.start();
            Instant backAt = Instant.now();
            await("BIND answers the secondary").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> answers().equals(Set.of(TestTopology.SECONDARY_IP)));
            Duration afterReturn = Duration.between(backAt, Instant.now());
            System.out.printf("DNS server back -> switch served %d ms (after %d s away)%n", afterReturn.toMillis(),
                    Duration.between(stoppedAt, backAt).toSeconds());
            assertThat(afterReturn).as("from the DNS server's return to the switch being served")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(serial()).as("zone serial: exactly one effective change").isEqualTo(serialBefore + 1);
            actuations.await(r -> is(r, failover, ActuationStep.RECONCILE, ActuationStatus.CONVERGED),
                    Duration.ofSeconds(30));
            await("the decision-service shows the switch served").atMost(Duration.ofSeconds(30))
                    .until(() -> serving(decider).path("status").asText().equals("CONVERGED"));
        }
    }

    @Test
    @Order(2)
    void anActuatorKilledInTheMiddleOfAFailbackConvergesWithinSecondsOfItsRestart() throws Exception {
        long serialBefore = serial();
        try (TopicClient client = TopicClient.of(kafka.bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            bind.stop(); // the failback cannot be written: the actuator is in the middle of it
            primary.recover();
            Decision failback = CODEC.decode(
                    decisions.await(r -> CODEC.decode(r.value(), Decision.class).kind() == DecisionKind.FAILBACK,
                            Duration.ofSeconds(90)).value(),
                    Decision.class);
            actuations.await(r -> is(r, failback, ActuationStep.RECONCILE, ActuationStatus.CONVERGING),
                    Duration.ofSeconds(60));

            actuator.kill();
            bind.start();
            assertThat(answers()).as("nothing changed while the actuator was away")
                    .containsExactly(TestTopology.SECONDARY_IP);

            actuator = stack.start(TestStack.ACTUATOR, "actuator-restarted", Map.of());
            actuator.awaitReady(Duration.ofSeconds(90));
            Instant readyAt = Instant.now();
            ActuationResult served = result(actuations.await(r -> is(r, failback, ActuationStep.RECONCILE,
                    ActuationStatus.CONVERGED), Duration.ofSeconds(60)));
            Duration afterStart = Duration.between(readyAt, served.finishedAt());
            System.out.printf("restarted actuator ready -> failback served %d ms%n", afterStart.toMillis());
            assertThat(afterStart).as("from the restarted actuator being ready to the failback served").isLessThan(
                    Duration.ofSeconds(10));
            assertThat(answers()).containsExactly(TestTopology.PRIMARY_IP);
            assertThat(serial()).as("zone serial: exactly one effective change").isEqualTo(serialBefore + 1);
        }
    }

    static boolean is(ConsumerRecord<String, String> record, Decision decision, ActuationStep step,
            ActuationStatus status) {
        ActuationResult r = result(record);
        return r.decisionId().equals(decision.decisionId()) && r.step() == step && r.status() == status;
    }

    static ActuationResult result(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ActuationResult.class);
    }

    static JsonNode serving(ServiceProcess decider) throws IOException {
        return DeciderViews.view(decider).path("serving");
    }

    static Set<String> answers() throws IOException {
        return DnsQueries.answers(bind.port());
    }

    static long serial() throws IOException {
        return DnsQueries.serial(bind.port(), "failover.test.");
    }
}
