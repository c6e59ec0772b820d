package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import com.fasterxml.jackson.databind.JsonNode;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.dns.BindServer;
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
    static StandaloneKafka kafka;
    static BindServer bind;
    static DemoBackend primary;
    static DemoBackend secondary;
    static final List<ServiceProcess> services = new ArrayList<>();
    static ServiceProcess decider;
    static ServiceProcess actuator;
    static Map<String, String> actuatorEnv;

    @BeforeAll
    static void startStack() throws Exception {
        Path stack = Path.of("target/reconcile-stack");
        FailoverChainIT.deleteKafkaData(stack);
        kafka = StandaloneKafka.start(stack);
        bind = BindServer.start("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP));
        primary = DemoBackend.start(TestTopology.PRIMARY, 0);
        secondary = DemoBackend.start(TestTopology.SECONDARY, 0);
        Path topology = TestTopology.write(primary.healthUrl(), secondary.healthUrl());
        Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "FAILOVER_TOPOLOGY_FILE",
                topology.toString());
        for (String location : TestTopology.LOCATIONS) {
            services.add(ServiceProcess.start("probe-service", "reconcile-probe-" + location,
                    FailoverChainIT.with(common, "FAILOVER_LOCATION", location)));
        }
        decider = ServiceProcess.start("decision-service", "reconcile-decision", common);
        services.add(decider);
        actuatorEnv = new java.util.HashMap<>(common);
        actuatorEnv.putAll(Map.of("FAILOVER_DNS_PROVIDER", "rfc2136", "FAILOVER_DNS_RFC2136_SERVER", "127.0.0.1",
                "FAILOVER_DNS_RFC2136_PORT", String.valueOf(bind.port()), "FAILOVER_DNS_RFC2136_TSIG_KEY_NAME", BindServer.KEY_NAME,
                "FAILOVER_DNS_RFC2136_TSIG_SECRET", bind.secret(), "FAILOVER_INSTANCE_ID", "actuator-1"));
        actuator = ServiceProcess.start("actuator-service", "reconcile-actuator", actuatorEnv);
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }
        actuator.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopStack() throws Exception {
        services.forEach(ServiceProcess::close);
        if (actuator != null) {
            actuator.close();
        }
        for (AutoCloseable c : new AutoCloseable[] { bind, primary, secondary, kafka }) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void aDnsServerAwayForAMinuteDuringAFailoverGetsTheSwitchWithinSecondsOfItsReturn() throws Exception {
        await("BIND answers the primary").atMost(Duration.ofSeconds(30)).until(() -> answers().equals(Set.of(TestTopology.PRIMARY_IP)));
        await("the decision-service sees the primary HEALTHY").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> FailoverChainIT.health(decider, TestTopology.PRIMARY).equals("HEALTHY"));
        long serialBefore = serial();
        try (TopicClient client = new TopicClient(kafka.bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            bind.stop();
            Instant stoppedAt = Instant.now();
            primary.fail();
            Decision failover = CODEC.decode(decisions.await(r -> true, Duration.ofSeconds(60)).value(), Decision.class);
            assertThat(failover.kind()).isEqualTo(DecisionKind.FAILOVER);

            await("the decision-service shows the switch CONVERGING with the actuator's error").atMost(OUTAGE)
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        JsonNode serving = serving(decider);
                        assertThat(serving.path("status").asText()).as("serving.status in GET /groups/api").isEqualTo("CONVERGING");
                        assertThat(serving.path("epoch").asLong()).as("serving.epoch").isEqualTo(failover.epoch());
                        assertThat(serving.path("detail").asText()).as("serving.detail").contains("127.0.0.1:" + bind.port());
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
            assertThat(afterReturn).as("from the DNS server's return to the switch being served").isLessThan(Duration.ofSeconds(2));
            assertThat(serial()).as("zone serial: exactly one effective change").isEqualTo(serialBefore + 1);
            actuations.await(r -> is(r, failover, ActuationStep.RECONCILE, ActuationStatus.CONVERGED), Duration.ofSeconds(30));
            await("the decision-service shows the switch served").atMost(Duration.ofSeconds(30))
                    .until(() -> serving(decider).path("status").asText().equals("CONVERGED"));
        }
    }

    @Test
    @Order(2)
    void anActuatorKilledInTheMiddleOfAFailbackConvergesWithinSecondsOfItsRestart() throws Exception {
        long serialBefore = serial();
        try (TopicClient client = new TopicClient(kafka.bootstrapServers());
                TopicClient.Reader decisions = client.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            bind.stop(); // the failback cannot be written: the actuator is in the middle of it
            primary.recover();
            Decision failback = CODEC.decode(decisions.await(r -> CODEC.decode(r.value(), Decision.class).kind()
                    == DecisionKind.FAILBACK, Duration.ofSeconds(90)).value(), Decision.class);
            actuations.await(r -> is(r, failback, ActuationStep.RECONCILE, ActuationStatus.CONVERGING), Duration.ofSeconds(60));

            actuator.kill();
            bind.start();
            assertThat(answers()).as("nothing changed while the actuator was away").containsExactly(TestTopology.SECONDARY_IP);

            actuator = ServiceProcess.start("actuator-service", "reconcile-actuator-restarted", actuatorEnv);
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

    static boolean is(ConsumerRecord<String, String> record, Decision decision, ActuationStep step, ActuationStatus status) {
        ActuationResult r = result(record);
        return r.decisionId().equals(decision.decisionId()) && r.step() == step && r.status() == status;
    }

    static ActuationResult result(ConsumerRecord<String, String> record) {
        return CODEC.decode(record.value(), ActuationResult.class);
    }

    static JsonNode serving(ServiceProcess decider) throws IOException {
        return FailoverChainIT.view(decider).path("serving");
    }

    static Set<String> answers() throws IOException {
        return answers(bind.port());
    }

    /** What the BIND9 on this port answers for the test record. */
    static Set<String> answers(int port) throws IOException {
        return answers("127.0.0.1", port, TestTopology.RECORD);
    }

    /** What the DNS server at host:port answers for an A record. */
    static Set<String> answers(String host, int port, String name) throws IOException {
        Set<String> values = new HashSet<>();
        for (Record r : query(host, port, name, Type.A).getSection(Section.ANSWER)) {
            values.add(r.rdataToString());
        }
        return values;
    }

    static long serial() throws IOException {
        for (Record r : query(bind.port(), "failover.test.", Type.SOA).getSection(Section.ANSWER)) {
            if (r instanceof SOARecord soa) {
                return soa.getSerial();
            }
        }
        throw new AssertionError("no SOA for failover.test.");
    }

    static Message query(int port, String name, int type) throws IOException {
        return query("127.0.0.1", port, name, type);
    }

    static Message query(String host, int port, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(host);
        resolver.setPort(port);
        resolver.setTCP(true);
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }
}
