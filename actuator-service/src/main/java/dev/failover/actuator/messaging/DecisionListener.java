package dev.failover.actuator.messaging;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.StreamSupport;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.domain.GroupReconciler;
import dev.failover.actuator.domain.Reconciler;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.actuator.state.KafkaDesiredStore;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.signing.Verification;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Maps a decision to the group's desired state, once its signature shows that the decision-service made it (ADR 0009;
 * anything else is dead-lettered before it is even parsed): offered to the reconciler, stored durably when it is newer,
 * then a pass of the group is triggered and the message acknowledged. Nothing here waits for DNS or capacity, so one group's slow
 * change never holds another group's decision (ADR 0006). A decision whose desired state cannot be stored (Kafka away)
 * is not acknowledged: it is stored again until it is, and its offset is committed only after.
 */
@ApplicationScoped
public class DecisionListener {

    private static final Logger LOG = Logger.getLogger(DecisionListener.class);

    @Inject
    Reconciler reconciler;
    @Inject
    ReconcileLoop loop;
    @Inject
    KafkaDesiredStore store;
    @Inject
    ActuatorMetrics metrics;
    @Inject
    ActuatorSettings settings;

    /** Stores desired states one after another, off the Kafka polling thread. */
    private final ExecutorService storing = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "desired-state-store");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * One decision and one result through the codec at start: the first decision after a start must not pay for
     * loading and linking the JSON classes on the way to its DNS switch.
     */
    void warmUpCodec(@Observes StartupEvent event) {
        EventCodec codec = EventCodec.instance();
        Instant at = Instant.EPOCH;
        Decision decision = codec.decode(codec.encode(new Decision(1, "warm-up", "warm-up", 1L, DecisionKind.FAILOVER, "a",
                "b", "warm-up", List.of(), at, DecisionMode.SHADOW, Decision.AUTOMATION)), Decision.class);
        codec.decode(codec.encode(new ActuationResult(1, decision.group(), decision.decisionId(), decision.epoch(),
                ActuationStep.FENCE, ActuationStatus.SKIPPED, null, "warm-up", at, at, 0L, decision.kind())), ActuationResult.class);
    }

    @Incoming("decisions")
    public CompletionStage<Void> onDecision(Message<String> message) {
        Verification verification = verify(message);
        if (!verification.isValid()) {
            metrics.decisionRejected(verification.outcome());
            LOG.warnf("refusing a decision not signed by a trusted key: %s", verification.describe());
            // the dead-letter strategy moves it to failover.decisions.dlq with this message as the reason
            return message.nack(new UnverifiedDecisionException(verification));
        }
        Decision decision;
        try {
            decision = EventCodec.instance().decode(message.getPayload(), Decision.class);
        } catch (RuntimeException e) {
            return message.nack(e); // the dead-letter strategy moves it to failover.decisions.dlq with the reason
        }
        String received = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(record -> ", received " + metrics.decisionReceived(record.getTimestamp()).toMillis() + " ms after it was written")
                .orElse("");
        LOG.infof("decision %s epoch %d for %s: %s -> %s%s", decision.decisionId(), decision.epoch(), decision.group(),
                decision.fromTarget(), decision.toTarget(), received);
        if (!(reconciler.offer(decision) instanceof GroupReconciler.Offer.Accepted accepted)) {
            return message.ack();
        }
        return CompletableFuture.runAsync(() -> storeUntilStored(accepted), storing).thenCompose(stored -> {
            loop.trigger(decision.group());
            return message.ack();
        });
    }

    private Verification verify(Message<String> message) {
        @SuppressWarnings("unchecked")
        IncomingKafkaRecordMetadata<String, String> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElse(null);
        if (record == null) {
            return Verification.unsigned(); // not from Kafka: nothing to trust it by
        }
        Headers headers = record.getHeaders();
        return settings.trustedKeys().verify(record.getTopic(), record.getKey(), message.getPayload(),
                name -> StreamSupport.stream(headers.headers(name).spliterator(), false).map(Header::value).toList());
    }

    /** Why a decision was refused, as the dead-letter reason. */
    static final class UnverifiedDecisionException extends RuntimeException {
        UnverifiedDecisionException(Verification verification) {
            super("refused, not signed by a trusted key: " + verification.describe(), null, false, false);
        }
    }

    private void storeUntilStored(GroupReconciler.Offer.Accepted accepted) {
        long backoff = 500;
        while (true) {
            try {
                store.save(accepted.desired());
                return;
            } catch (RuntimeException e) {
                LOG.errorf("desired state of %s (epoch %d) not stored, trying again in %d ms: %s", accepted.desired().group(),
                        accepted.desired().epoch(), backoff, e.getMessage());
                loop.trigger(accepted.desired().group()); // act on it meanwhile; storing only makes it survive a restart
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    @PreDestroy
    void stop() {
        storing.shutdownNow();
    }
}
