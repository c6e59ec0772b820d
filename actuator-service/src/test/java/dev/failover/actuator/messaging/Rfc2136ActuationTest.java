package dev.failover.actuator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.DnsChange;
import dev.failover.actuator.dns.Rfc2136DnsProvider;
import dev.failover.actuator.dns.Rfc2136Settings;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.contract.topology.RecordType;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** End to end on real servers: a decision on the broker becomes a TSIG-signed update that BIND9 then serves. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(Rfc2136ActuationTest.Bind.class)
class Rfc2136ActuationTest {

    /** BIND9 for the test topology's zone, and the actuator configured to update it. */
    public static class Bind implements QuarkusTestResourceLifecycleManager {
        static BindServer server;

        @Override
        public Map<String, String> start() {
            server = BindServer.start("failover.test.", List.of("api IN A " + TestTopology.PRIMARY_IP));
            return Map.of(
                    "failover.topology-file", TestTopology.write("http://127.0.0.1:1/", "http://127.0.0.1:2/").toString(),
                    "failover.dns.provider", "rfc2136",
                    "failover.dns.rfc2136.server", "127.0.0.1",
                    "failover.dns.rfc2136.port", String.valueOf(server.port()),
                    "failover.dns.rfc2136.tsig-key-name", BindServer.KEY_NAME,
                    "failover.dns.rfc2136.tsig-secret", server.secret(),
                    "failover.dns.verify-poll-interval", "50ms");
        }

        @Override
        public void stop() {
            server.close();
        }
    }

    @Test
    void aDecisionSwitchesWhatBindAnswersAndTheVerifiedSwitchIsReported() throws Exception {
        EventCodec codec = EventCodec.instance();
        Rfc2136DnsProvider query = new Rfc2136DnsProvider(new Rfc2136Settings("127.0.0.1", Bind.server.port(),
                BindServer.KEY_NAME, BindServer.ALGORITHM, Bind.server.secret(), Duration.ofSeconds(2), Duration.ofMillis(50)));
        DnsChange record = new DnsChange("failover.test.", TestTopology.RECORD, RecordType.A, 5, List.of(), null, "x", "x");
        assertThat(query.answers(record)).containsExactly(TestTopology.PRIMARY_IP);

        try (TopicClient client = new TopicClient(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader actuations = client.reader(Topics.ACTUATIONS)) {
            String id = UUID.randomUUID().toString();
            long epoch = 1000 + System.currentTimeMillis() % 100000; // above anything an earlier test class applied
            client.send(Topics.DECISIONS, TestTopology.GROUP, codec.encode(new Decision(1, id, TestTopology.GROUP, epoch,
                    DecisionKind.FAILOVER, TestTopology.PRIMARY, TestTopology.SECONDARY, "test", List.of(), Instant.now(),
                    DecisionMode.LIVE, Decision.AUTOMATION)));
            ActuationResult verify = codec.decode(actuations.await(r -> r.value().contains(id)
                    && codec.decode(r.value(), ActuationResult.class).step() == ActuationStep.VERIFY, Duration.ofSeconds(30))
                    .value(), ActuationResult.class);
            assertThat(verify.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(verify.provider()).isEqualTo("rfc2136");
            assertThat(verify.details()).contains(TestTopology.SECONDARY_IP);
            ActuationResult complete = codec.decode(actuations.await(r -> r.value().contains(id)
                    && codec.decode(r.value(), ActuationResult.class).step() == ActuationStep.COMPLETE, Duration.ofSeconds(30))
                    .value(), ActuationResult.class);
            assertThat(complete.status()).isEqualTo(ActuationStatus.SUCCEEDED);
            assertThat(complete.sinceDecisionMillis()).isNotNull();
        }
        assertThat(query.answers(record)).containsExactly(TestTopology.SECONDARY_IP);
    }
}
