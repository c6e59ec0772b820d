package dev.failover.probe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.testkit.demo.DemoBackendsResource;
import dev.failover.testkit.kafka.KafkaBrokerResource;
import dev.failover.testkit.kafka.TopicClient;
import dev.failover.testkit.topology.TestTopology;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Against the real in-JVM broker: results land on the topic, keyed by group, labelled with this location and instance. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(DemoBackendsResource.class)
class ProbeResultsToKafkaTest {

    @Test
    void resultsLandOnTheTopicKeyedByGroupWithTheirLocation() {
        try (TopicClient client = TopicClient.of(KafkaBrokerResource.broker().bootstrapServers());
                TopicClient.Reader reader = client.reader(Topics.PROBE_RESULTS)) {
            ConsumerRecord<String, String> up = reader.await(r -> decode(r).target().equals(TestTopology.PRIMARY)
                    && decode(r).outcome() == ProbeOutcome.UP, Duration.ofSeconds(30));
            ProbeResult result = decode(up);
            assertThat(up.key()).isEqualTo(TestTopology.GROUP);
            assertThat(result.group()).isEqualTo(TestTopology.GROUP);
            assertThat(result.location()).isEqualTo("loc-a");
            assertThat(result.prober()).as("this instance's failover.instance-id").isEqualTo("probe-test-1");
            assertThat(result.targetRegion()).isEqualTo("us-east-1");
            assertThat(result.httpStatus()).isEqualTo(200);
            assertThat(result.timings().totalMillis()).isNotNull();

            DemoBackendsResource.primary().fail();
            try {
                ProbeResult down = decode(reader.await(r -> decode(r).target().equals(TestTopology.PRIMARY)
                        && decode(r).outcome() == ProbeOutcome.DOWN, Duration.ofSeconds(30)));
                assertThat(down.failureReason()).isEqualTo(FailureReason.UNEXPECTED_STATUS);
                assertThat(down.httpStatus()).isEqualTo(503);
                assertThat(down.startedAt()).isAfter(result.startedAt());
            } finally {
                DemoBackendsResource.primary().recover();
            }
        }
    }

    private static ProbeResult decode(ConsumerRecord<String, String> record) {
        return EventCodec.instance().decode(record.value(), ProbeResult.class);
    }
}
