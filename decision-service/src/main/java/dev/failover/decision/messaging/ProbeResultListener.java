package dev.failover.decision.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.Outcome;
import dev.failover.decision.metrics.DecisionMetrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Maps a probe result, hands it to the engine and publishes the decision, if any. A result that cannot be read fails
 * its message, which the dead-letter strategy moves to the DLQ with the reason; the offset is committed only once the
 * decision is acknowledged by Kafka.
 */
@ApplicationScoped
public class ProbeResultListener {

    private static final Logger LOG = Logger.getLogger(ProbeResultListener.class);

    @Inject
    DecisionEngine engine;
    @Inject
    DecisionMetrics metrics;
    @Inject
    @Channel("decisions")
    MutinyEmitter<Record<String, String>> decisions;

    @Incoming("probe-results")
    public Uni<Void> onProbeResult(String payload) {
        ProbeResult result;
        try {
            result = EventCodec.instance().decode(payload, ProbeResult.class);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        Outcome outcome = engine.onProbeResult(result);
        if (outcome instanceof Outcome.Ignored ignored) {
            metrics.ignored(ignored);
            LOG.debugf("ignored result of %s/%s from %s: %s", result.group(), result.target(), result.location(), ignored.detail());
            return Uni.createFrom().voidItem();
        }
        metrics.used(result.group());
        if (outcome instanceof Outcome.Held held) {
            metrics.held(held);
            return Uni.createFrom().voidItem();
        }
        if (outcome instanceof Outcome.Switched switched) {
            Decision decision = switched.decision();
            metrics.decided(decision);
            LOG.infof("decision %s epoch %d: %s %s -> %s (%s)", decision.decisionId(), decision.epoch(), decision.kind(),
                    decision.fromTarget(), decision.toTarget(), decision.reason());
            return decisions.send(Record.of(decision.group(), EventCodec.instance().encode(decision)));
        }
        return Uni.createFrom().voidItem();
    }
}
