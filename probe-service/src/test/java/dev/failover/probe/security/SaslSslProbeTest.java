package dev.failover.probe.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.kafka.security.ServiceAcls;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.SecuredKafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The probe-service against a broker that only speaks SASL_SSL with the StandardAuthorizer, as the failover-probe
 * principal with its ACLs only (probe-results created by an admin, as the decision-service does in production).
 */
@QuarkusTest
@WithTestResource(SaslSslProbeTest.SecuredKafka.class)
@WithTestResource(DemoBackendsResource.class)
class SaslSslProbeTest {

    public static class SecuredKafka extends SecuredKafkaBrokerResource {
        public SecuredKafka() {
            super("failover-probe", ServiceAcls.DEFAULT.bindings(), List.of(Topics.PROBE_RESULTS));
        }
    }

    @Test
    void probeResultsArePublishedAsTheProbePrincipal() {
        assertThat(ConfigProvider.getConfig().getValue("kafka.security.protocol", String.class)).as("the service's protocol")
                .isEqualTo("SASL_SSL");
        try (TopicClient admin = new TopicClient(SecuredKafkaBrokerResource.broker().adminProperties());
                TopicClient.Reader reader = admin.reader(Topics.PROBE_RESULTS)) {
            ConsumerRecord<String, String> up = reader.await(r -> decode(r).target().equals(TestTopology.PRIMARY)
                    && decode(r).outcome() == ProbeOutcome.UP, Duration.ofSeconds(60));
            assertThat(up.key()).as("key").isEqualTo(TestTopology.GROUP);
            assertThat(decode(up).location()).as("location").isEqualTo("loc-a");
        }
    }

    private static ProbeResult decode(ConsumerRecord<String, String> record) {
        return EventCodec.instance().decode(record.value(), ProbeResult.class);
    }
}
