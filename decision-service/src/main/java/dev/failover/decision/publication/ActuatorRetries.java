package dev.failover.decision.publication;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.decision.signing.ControlMessageKeys;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Hands an operator's retry to the actuator that drives the group (ADR 0025): signed like a decision and published to
 * failover.decisions under the group's key, so that it reaches the one actuator that owns the group's partition, in
 * whichever region that is. Any instance sends it: a retry changes no decision state, so it need not go through the
 * group's owner.
 */
@ApplicationScoped
public class ActuatorRetries {

    private static final Logger LOG = Logger.getLogger(ActuatorRetries.class);

    private final MutinyEmitter<String> retries;
    private final ControlMessageKeys keys;
    private final Clock clock;

    @Inject
    ActuatorRetries(@Channel("actuator-retries") MutinyEmitter<String> retries, ControlMessageKeys keys) {
        this(retries, keys, Clock.systemUTC());
    }

    ActuatorRetries(MutinyEmitter<String> retries, ControlMessageKeys keys, Clock clock) {
        this.retries = retries;
        this.keys = keys;
        this.clock = clock;
    }

    /** How a retry's hand-over to Kafka ended. */
    public sealed interface Sent {
        /** On failover.decisions: the driving actuator takes it up if the group is BLOCKED. */
        record Published(ActuatorRetry retry) implements Sent {
        }

        /**
         * Not confirmed by Kafka within {@code within}: most likely not sent (the channel gives up within 10 s: 1 s for metadata, 9 s for delivery), and
         * sending it again is safe (a second retry is answered as not needed).
         */
        record NotSent(String retryId) implements Sent {
        }
    }

    /** Publishes the retry and waits for Kafka's acknowledgement, at most {@code within}. */
    public Sent send(String group, String reason, String principal, Duration within) {
        ActuatorRetry retry = new ActuatorRetry(EventCodec.SCHEMA_VERSION, UUID.randomUUID().toString(), group, reason,
                principal, clock.instant());
        String value = EventCodec.instance().encode(retry);
        RecordHeaders headers = keys.headers(Topics.DECISIONS, group, value);
        headers.add(Topics.RECORD_HEADER, ActuatorRetry.RECORD.getBytes(StandardCharsets.UTF_8));
        Message<String> message = Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(group).withHeaders(headers).build());
        try {
            retries.sendMessage(message).await().atMost(within);
        } catch (RuntimeException e) {
            LOG.warnf("retry %s of %s could not be sent to %s: %s", retry.retryId(), group, Topics.DECISIONS,
                    e.toString());
            return new Sent.NotSent(retry.retryId());
        }
        LOG.infof("retry %s of %s asked by %s sent to the actuator that drives it: %s", retry.retryId(), group,
                principal,
                reason);
        return new Sent.Published(retry);
    }
}
