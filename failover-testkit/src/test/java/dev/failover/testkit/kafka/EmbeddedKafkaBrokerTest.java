package dev.failover.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

    @Test
    void aRecordSentToTheInJvmBrokerIsReadBackWithItsKey() {
        EmbeddedKafkaBroker broker = KafkaBrokerResource.broker();
        try (TopicClient client = TopicClient.of(broker.bootstrapServers());
                TopicClient.Reader reader = client.reader("testkit.smoke")) {
            client.send("testkit.smoke", "group-1", "hello");
            ConsumerRecord<String, String> record = reader.await(r -> true, Duration.ofSeconds(30));
            assertThat(record.key()).isEqualTo("group-1");
            assertThat(record.value()).isEqualTo("hello");
        }
    }
}
