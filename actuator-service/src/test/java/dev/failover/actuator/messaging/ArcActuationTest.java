package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.aws.RecoveryCluster;
import dev.failover.testkit.aws.RecoveryCluster.Health;
import dev.failover.testkit.aws.RecoveryCluster.State;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The actuator as deployed, with one group on ARC routing controls and one on the default provider (per group, by
 * configuration): a decision on the broker is switched through the ARC cluster fixture with the real SDK while two of
 * its five endpoints are down (one failing, one hanging), and the other group is untouched by ARC.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithTestResource(ArcActuationTest.Arc.class)
class ArcActuationTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PANEL = "arn:aws:route53-recovery-control::111122223333:controlpanel/feedc0de";
    static final String PRIMARY = PANEL + "/routingcontrol/arcprimary";
    static final String SECONDARY = PANEL + "/routingcontrol/arcsecondary";
    static final String[] REGIONS = { "us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2" };

    static final String TOPOLOGY = """
            version: 1
            locations: [loc-a]
            groups:
              - id: arc
                dns: {zone: example.com., name: arc.example.com., ttl: 30}
                targets:
                  - {id: primary, region: us-east-1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: us-west-2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.2]}}
              - id: plain
                dns: {zone: example.com., name: plain.example.com., ttl: 30}
                targets:
                  - {id: primary, region: us-east-1, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: us-west-2, probe: {type: tcp, host: 127.0.0.1, port: 9}, dns: {values: [192.0.2.2]}}
            """;

    /** The ARC cluster fixture, and the actuator configured for it for group "arc" only. */
    public static class Arc implements QuarkusTestResourceLifecycleManager {
        static RecoveryCluster cluster;

        @Override
        public Map<String, String> start() {
            Map<String, State> initial = new LinkedHashMap<>();
            initial.put(PRIMARY, State.On);
            initial.put(SECONDARY, State.Off);
            cluster = RecoveryCluster.start(5, PANEL, initial);
            // the actuator's own credentials, from the default chain (IRSA in production)
            System.setProperty("aws.accessKeyId", "AKIDARCACTUATOR");
            System.setProperty("aws.secretAccessKey", "not-a-secret");
            try {
                Path topology = Files.createTempFile("arc-actuation-", ".yaml");
                Files.writeString(topology,
                        TestTopology.withArc(TOPOLOGY, "arc", Map.of("primary", PRIMARY, "secondary",
                                SECONDARY), List.of()));
                topology.toFile().deleteOnExit();
                Map<String, String> config = new HashMap<>(Map.of(
                        "failover.topology-file", topology.toString(),
                        "failover.reconcile.resync-interval", "1s",
                        "failover.dns.arc.endpoint-timeout", "500ms"));
                for (int i = 0; i < 5; i++) {
                    config.put("failover.dns.arc.endpoints." + REGIONS[i], cluster.endpoints().get(i).toString());
                }
                config.put("failover.dns.arc.control-config-endpoint-override",
                        cluster.controlConfigEndpoint().toString());
                return config;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            cluster.close();
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    final EventCodec codec = EventCodec.instance();

    @Test
    void aDecisionIsSwitchedThroughArcWithTwoOfFiveEndpointsDown() throws Exception {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            ActuationResult initial = result(actuations.await(r -> initial(r, "arc", ActuationStatus.CONVERGED), WAIT));
            assertThat(initial.provider()).isEqualTo("route53-arc");
            assertThat(result(actuations.await(r -> initial(r, "plain", ActuationStatus.CONVERGED), WAIT)).provider())
                    .as("the other group keeps failover.dns.provider").isEqualTo("dry-run");

            // the endpoint that answered so far fails, and the next one hangs
            int answered = Arc.cluster.calls().get(Arc.cluster.calls().size() - 1).endpoint();
            Arc.cluster.endpoint(answered, Health.FAILING);
            Arc.cluster.endpoint((answered + 1) % 5, Health.HANGING);
            Instant sent = Instant.now();
            String id = UUID.randomUUID().toString();
            client.sendSigned(Topics.DECISIONS, "arc",
                    codec.encode(new Decision(1, id, "arc", 1L, DecisionKind.FAILOVER,
                            "primary", "secondary", "primary down", List.of(), sent, DecisionMode.LIVE,
                            Decision.AUTOMATION)),
                    TestSigningKeys.shared().signer());

            ActuationResult switched = result(actuations.await(r -> is(r, id, ActuationStep.DNS_SWITCH,
                    ActuationStatus.SUCCEEDED), WAIT));
            assertThat(switched.provider()).isEqualTo("route53-arc");
            // written through one of the three endpoints that answer: which one depends on the provider's randomised start
            assertThat(switched.details()).contains("primary Off").contains("secondary On")
                    .doesNotContain("at " + REGIONS[answered] + " ")
                    .doesNotContain("at " + REGIONS[(answered + 1) % 5] + " ")
                    .containsAnyOf(REGIONS[(answered + 2) % 5], REGIONS[(answered + 3) % 5],
                            REGIONS[(answered + 4) % 5]);
            ActuationResult complete = result(actuations.await(r -> is(r, id, ActuationStep.COMPLETE,
                    ActuationStatus.SUCCEEDED), WAIT));
            assertThat(Arc.cluster.states()).containsEntry(PRIMARY, State.Off).containsEntry(SECONDARY, State.On);
            assertThat(Arc.cluster.accepted("UpdateRoutingControlStates")).hasSize(1);
            assertThat(Arc.cluster.accepted("UpdateRoutingControlStates").get(0).accessKeyId())
                    .isEqualTo("AKIDARCACTUATOR");
            assertThat(Duration.between(sent, complete.finishedAt()))
                    .as("served within seconds despite the two endpoints")
                    .isLessThan(Duration.ofSeconds(10));
            Arc.cluster.heal(answered);
            Arc.cluster.heal((answered + 1) % 5);
        }
    }

    private boolean initial(ConsumerRecord<String, String> record, String group, ActuationStatus status) {
        ActuationResult r = result(record);
        return r.group().equals(group) && r.epoch() == 0 && r.step() == ActuationStep.RECONCILE && r.status() == status;
    }

    private boolean is(ConsumerRecord<String, String> record, String decisionId, ActuationStep step,
            ActuationStatus status) {
        ActuationResult r = result(record);
        return r.decisionId().equals(decisionId) && r.step() == step && r.status() == status;
    }

    private ActuationResult result(ConsumerRecord<String, String> record) {
        return codec.decode(record.value(), ActuationResult.class);
    }
}
