package dev.failover.probe.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.probe.metrics.ProbeMetrics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/** Sends each result to failover.probe-results, keyed by group. */
@ApplicationScoped
public class ProbeResultPublisher {

    private static final Logger LOG = Logger.getLogger(ProbeResultPublisher.class);

    @Inject
    @Channel("probe-results")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<Record<String, String>> emitter;

    @Inject
    ProbeMetrics metrics;

    public void publish(ProbeResult result) {
        try {
            emitter.sendAndForget(Record.of(result.group(), EventCodec.instance().encode(result)));
        } catch (RuntimeException e) {
            // a full buffer (Kafka unreachable for long) must not stop the probes: count and drop
            metrics.publishDropped(result.group());
            LOG.debugf("dropped probe result of %s/%s: %s", result.group(), result.target(), e.getMessage());
        }
    }
}
