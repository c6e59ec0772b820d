package dev.failover.actuator.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.failover.actuator.domain.DecisionExecutor;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Maps a decision, runs its plan and publishes each step's result. The method returns, and the decision's offset is
 * committed, only after every result was acknowledged by Kafka; a crash before that re-runs the plan on restart.
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
    @Channel("actuations")
    MutinyEmitter<Record<String, String>> actuations;

    @Incoming("decisions")
    @Blocking(ordered = true)
    public void onDecision(String payload) {
        Decision decision = EventCodec.instance().decode(payload, Decision.class);
        LOG.infof("decision %s epoch %d for %s: %s -> %s", decision.decisionId(), decision.epoch(), decision.group(),
                decision.fromTarget(), decision.toTarget());
        executor.execute(decision, this::publish);
    }

    private void publish(ActuationResult result) {
        metrics.stepFinished(result);
        recent.add(result);
        LOG.infof("%s %s %s: %s", result.group(), result.step(), result.status(), result.details());
        actuations.send(Record.of(result.group(), EventCodec.instance().encode(result))).await().atMost(PUBLISH_TIMEOUT);
    }
}
