package dev.failover.decision.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.security.ServiceAcls;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.SecuredKafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.signing.SigningKeysResource;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The decision-service against a broker that only speaks SASL_SSL with the StandardAuthorizer, as the failover-decision
 * principal with its ACLs only: its topic set-up (admin client) creates the topics, its state loading (hand-built
 * consumer) takes the partitions, its channels read probe results and write the decision and the state.
 */
@QuarkusTest
@WithTestResource(SaslSslDecisionTest.SecuredKafka.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(DemoBackendsResource.class)
class SaslSslDecisionTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    public static class SecuredKafka extends SecuredKafkaBrokerResource {
        public SecuredKafka() {
            super("failover-decision", ServiceAcls.DEFAULT.bindings(), List.of());
        }
    }

    @Test
    void probeResultsFromTheProbePrincipalLeadToADecisionAndItsState() {
        EventCodec codec = EventCodec.instance();
        Map<String, Object> probe = new HashMap<>(SecuredKafkaBrokerResource.broker().clientProperties("failover-probe"));
        try (TopicClient probes = new TopicClient(probe);
                TopicClient admin = new TopicClient(SecuredKafkaBrokerResource.broker().adminProperties());
                TopicClient.Reader decisions = admin.reader(Topics.DECISIONS);
                TopicClient.Reader state = admin.reader(Topics.DECISION_STATE)) {
            for (int round = 0; round < 2; round++) {
                Instant now = Instant.now();
                for (String location : new String[] { "loc-a", "loc-b" }) {
                    probes.send(Topics.PROBE_RESULTS, TestTopology.GROUP, codec.encode(result(TestTopology.SECONDARY, location,
                            ProbeOutcome.UP, now)));
                    probes.send(Topics.PROBE_RESULTS, TestTopology.GROUP, codec.encode(result(TestTopology.PRIMARY, location,
                            ProbeOutcome.DOWN, now)));
                }
            }
            Decision decision = codec.decode(decisions.await(r -> true, WAIT).value(), Decision.class);
            assertThat(decision.kind()).as("decision").isEqualTo(DecisionKind.FAILOVER);
            assertThat(decision.toTarget()).as("to").isEqualTo(TestTopology.SECONDARY);
            ConsumerRecord<String, String> stored = state.await(r -> r.key().equals(TestTopology.GROUP)
                    && r.value().contains(decision.decisionId()), WAIT);
            assertThat(stored.value()).as("state after the decision").contains(TestTopology.SECONDARY);
        }
    }

    private static ProbeResult result(String target, String location, ProbeOutcome outcome, Instant at) {
        return new ProbeResult(1, TestTopology.GROUP, target, "region", location, at, 3L, outcome,
                outcome == ProbeOutcome.DOWN ? FailureReason.UNEXPECTED_STATUS : null, outcome == ProbeOutcome.DOWN ? 503 : 200,
                null, false, null, null);
    }
}
