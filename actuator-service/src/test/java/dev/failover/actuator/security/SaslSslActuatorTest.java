package dev.failover.actuator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
import dev.failover.kafka.security.ServiceAcls;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.SecuredKafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.signing.TestSigningKeys;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The actuator against a broker that only speaks SASL_SSL with the StandardAuthorizer, as the failover-actuator
 * principal with its ACLs only: its desired-state store (hand-built admin, producer and reader) creates and writes its
 * topic, its channels read the decision and write the actuations.
 */
@QuarkusTest
@WithTestResource(SaslSslActuatorTest.SecuredKafka.class)
@WithTestResource(SigningKeysResource.Verifier.class)
@WithTestResource(DemoBackendsResource.class)
class SaslSslActuatorTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    public static class SecuredKafka extends SecuredKafkaBrokerResource {
        public SecuredKafka() {
            // the decision-service creates failover.decisions in production
            super("failover-actuator", ServiceAcls.DEFAULT.bindings(), List.of(Topics.DECISIONS));
        }
    }

    @Test
    void aDecisionFromTheDecisionPrincipalIsCarriedOutAndItsDesiredStateStored() {
        EventCodec codec = EventCodec.instance();
        Map<String, Object> decisionPrincipal = new HashMap<>(SecuredKafkaBrokerResource.broker().clientProperties("failover-decision"));
        try (TopicClient decisions = new TopicClient(decisionPrincipal);
                TopicClient admin = new TopicClient(SecuredKafkaBrokerResource.broker().adminProperties());
                TopicClient.Reader actuations = admin.reader(Topics.ACTUATIONS);
                TopicClient.Reader desired = admin.reader(Topics.ACTUATOR_DESIRED)) {
            String id = UUID.randomUUID().toString();
            decisions.sendSigned(Topics.DECISIONS, TestTopology.GROUP, codec.encode(new Decision(1, id, TestTopology.GROUP, 1L,
                    DecisionKind.FAILOVER, TestTopology.PRIMARY, TestTopology.SECONDARY, "test", List.of(), Instant.now(),
                    DecisionMode.LIVE, Decision.AUTOMATION)), TestSigningKeys.shared().signer());

            ConsumerRecord<String, String> complete = actuations.await(r -> step(r).decisionId().equals(id)
                    && step(r).step() == ActuationStep.COMPLETE, WAIT);
            assertThat(step(complete).status()).as("actuation").isEqualTo(ActuationStatus.SUCCEEDED);
            ConsumerRecord<String, String> stored = desired.await(r -> r.key().equals(TestTopology.GROUP), WAIT);
            assertThat(stored.value()).as("desired state").contains(TestTopology.SECONDARY);
        }
    }

    private static ActuationResult step(ConsumerRecord<String, String> record) {
        return EventCodec.instance().decode(record.value(), ActuationResult.class);
    }
}
