package dev.failover.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;

/**
 * A whole failover over SASL_SSL: scripts/kafka.sh with KAFKA_SECURITY=sasl_ssl (SCRAM users, a CA made at start, the
 * StandardAuthorizer with ServiceAcls), and each packaged service with nothing but its own principal's KAFKA_* settings.
 * Any client of any service left without them (or an ACL missing) breaks a hop, and no actuation comes.
 */
class SaslSslFailoverIT {

    static StandaloneKafka kafka;
    static DemoBackend primary;
    static DemoBackend secondary;
    static final List<ServiceProcess> services = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        Path stack = Path.of("target/it-stack-sasl-ssl");
        FailoverChainIT.deleteKafkaData(stack);
        kafka = StandaloneKafka.start(stack, StandaloneKafka.Security.SASL_SSL);
        primary = DemoBackend.start(TestTopology.PRIMARY, 0);
        secondary = DemoBackend.start(TestTopology.SECONDARY, 0);
        Path topology = TestTopology.write(primary.healthUrl(), secondary.healthUrl());
        // the decision-service first: as in production, it creates the topics the probes may only write to
        services.add(ServiceProcess.start("decision-service", "decision-sasl",
                env(kafka.clientEnv("failover-decision"), topology, Map.of())));
        services.get(0).awaitReady(Duration.ofSeconds(90));
        for (String location : TestTopology.LOCATIONS) {
            services.add(ServiceProcess.start("probe-service", "probe-sasl-" + location,
                    env(kafka.clientEnv("failover-probe"), topology, Map.of("FAILOVER_LOCATION", location))));
        }
        services.add(ServiceProcess.start("actuator-service", "actuator-sasl",
                env(kafka.clientEnv("failover-actuator"), topology, Map.of("FAILOVER_DNS_PROVIDER", "dry-run"))));
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }
    }

    static Map<String, String> env(Map<String, String> kafkaEnv, Path topology, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(kafkaEnv);
        env.put("FAILOVER_TOPOLOGY_FILE", topology.toString());
        env.putAll(more);
        return env;
    }

    @AfterAll
    static void stopStack() throws Exception {
        services.forEach(ServiceProcess::close);
        for (AutoCloseable started : new AutoCloseable[] { primary, secondary, kafka }) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void aFailedPrimaryIsSwitchedOverWithEveryServiceOnItsOwnPrincipal() throws Exception {
        try (TopicClient admin = new TopicClient(kafka.clientProperties("admin"));
                TopicClient.Reader results = admin.reader(Topics.PROBE_RESULTS);
                TopicClient.Reader decisions = admin.reader(Topics.DECISIONS);
                TopicClient.Reader actuations = admin.reader(Topics.ACTUATIONS)) {
            for (String location : TestTopology.LOCATIONS) {
                results.await(r -> FailoverChainIT.probe(r).location().equals(location)
                        && FailoverChainIT.probe(r).target().equals(TestTopology.PRIMARY), Duration.ofSeconds(60));
            }
            Instant failedAt = Instant.now();
            primary.fail();

            ConsumerRecord<String, String> record = decisions.await(r -> true, Duration.ofSeconds(60));
            Decision decision = FailoverChainIT.CODEC.decode(record.value(), Decision.class);
            assertThat(decision.kind()).as("decision").isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.toTarget()).as("to").isEqualTo(TestTopology.SECONDARY);
            assertThat(decision.issuedAt()).as("issued after the failure").isAfter(failedAt);
            ConsumerRecord<String, String> complete = actuations.await(r -> FailoverChainIT.actuation(r).decisionId()
                    .equals(decision.decisionId()) && FailoverChainIT.actuation(r).step() == ActuationStep.COMPLETE, Duration.ofSeconds(60));
            assertThat(FailoverChainIT.actuation(complete).status()).as("dry-run switch").isEqualTo(ActuationStatus.SUCCEEDED);
        }
    }
}
