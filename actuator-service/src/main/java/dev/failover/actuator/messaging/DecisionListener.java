package dev.failover.actuator.messaging;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.actuator.domain.DecisionExecutor;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Maps a decision and runs its plan in the group's lane, publishing each step's result. The message is acknowledged,
 * and its offset committed, only after every result was acknowledged by Kafka and the fence recorded; a crash before
 * that re-runs the plan on restart, which is harmless (the same UPSERT, the same size).
 */
@ApplicationScoped
public class DecisionListener {

    private static final Logger LOG = Logger.getLogger(DecisionListener.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    DecisionExecutor executor;
    @Inject
    ActuatorMetrics metrics;
    @Inject
    RecentActuations recent;
    @Inject
    GroupLanes lanes;
    @Inject
    @Channel("actuations")
    MutinyEmitter<Record<String, String>> actuations;

    @Incoming("decisions")
    public CompletionStage<Void> onDecision(Message<String> message) {
        Decision decision;
        try {
            decision = EventCodec.instance().decode(message.getPayload(), Decision.class);
        } catch (RuntimeException e) {
            return message.nack(e); // the dead-letter strategy moves it to failover.decisions.dlq with the reason
        }
        LOG.infof("decision %s epoch %d for %s: %s -> %s", decision.decisionId(), decision.epoch(), decision.group(),
                decision.fromTarget(), decision.toTarget());
        return lanes.submit(decision.group(), () -> runUntilDone(decision)).thenCompose(done -> message.ack());
    }

    /**
     * A plan fails as a whole only when Kafka does (results or the fence cannot be written). Nothing else can be done for
     * the group until Kafka is back, so the plan runs again, from the start, until it gets through.
     */
    private void runUntilDone(Decision decision) {
        long backoff = 1000;
        while (true) {
            try {
                executor.execute(decision, this::publish);
                return;
            } catch (RuntimeException e) {
                LOG.errorf("plan of decision %s did not finish (%s); running it again in %d ms", decision.decisionId(),
                        e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private void publish(ActuationResult result) {
        metrics.stepFinished(result);
        recent.add(result);
        LOG.infof("%s %s %s: %s", result.group(), result.step(), result.status(), result.details());
        actuations.send(Record.of(result.group(), EventCodec.instance().encode(result))).await().atMost(PUBLISH_TIMEOUT);
    }
}
