package dev.failover.actuator.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.EventCodec;
import dev.failover.kafka.logging.GroupLogContext;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes the reconciler's results to failover.actuations, counts them and keeps the latest for the REST view. It
 * does not wait for Kafka: a DNS switch must never wait on reporting it. A result Kafka does not take is logged and
 * counted; the group's convergence is published again with its next change, and read from the gauges meanwhile.
 */
@ApplicationScoped
public class ActuationPublisher {

    private static final Logger LOG = Logger.getLogger(ActuationPublisher.class);

    @Inject
    ActuatorMetrics metrics;
    @Inject
    RecentActuations recent;
    @Inject
    @Channel("actuations")
    MutinyEmitter<Record<String, String>> actuations;

    public void publish(ActuationResult result) {
        metrics.stepFinished(result);
        recent.add(result);
        try (GroupLogContext logged = GroupLogContext.decision(result.group(), result.decisionId(), result.epoch())) {
            LOG.infof("%s %s %s: %s", result.group(), result.step(), result.status(), result.details());
        }
        try {
            actuations.send(Record.of(result.group(), EventCodec.instance().encode(result))).subscribe().with(ok -> {
            }, failure -> notPublished(result, failure));
        } catch (RuntimeException e) {
            notPublished(result, e); // the emitter's buffer is full while Kafka is away
        }
    }

    private void notPublished(ActuationResult result, Throwable failure) {
        metrics.resultNotPublished(result.group());
        try (GroupLogContext logged = GroupLogContext.decision(result.group(), result.decisionId(), result.epoch())) {
            LOG.warnf("result %s %s of %s not published: %s", result.step(), result.status(), result.group(),
                    failure.getMessage());
        }
    }
}
