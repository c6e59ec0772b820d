package dev.failover.decision.input;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Topics;
import dev.failover.decision.metrics.DecisionMetrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Moves a record this service cannot read to the dead-letter topic of the topic it came from, with the reason in the
 * same header SmallRye's dead-letter strategy uses. Needed because one channel reads three topics, and the built-in
 * strategy knows one dead-letter topic per channel.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final MutinyEmitter<String> emitter;
    private final DecisionMetrics metrics;

    @Inject
    DeadLetters(@Channel("dead-letters") MutinyEmitter<String> emitter, DecisionMetrics metrics) {
        this.emitter = emitter;
        this.metrics = metrics;
    }

    public Uni<Void> send(String topic, String key, String value, String reason) {
        LOG.warnf("dead-lettering a record of %s (key %s): %s", topic, key, reason);
        metrics.deadLettered(topic);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DEAD_LETTER_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", topic.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.deadLetterOf(topic)).withKey(key).withHeaders(headers).build();
        return emitter.sendMessage(Message.of(value == null ? "" : value).addMetadata(metadata));
    }
}
