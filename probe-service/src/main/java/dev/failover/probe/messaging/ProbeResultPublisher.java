package dev.failover.probe.messaging;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.event.Topics;
import dev.failover.probe.config.ProbeSettings;
import dev.failover.probe.metrics.ProbeMetrics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends each result to failover.probe-results, keyed by group. Results go through a bounded buffer that drops the
 * oldest when full, and leave it only while the Kafka sink asks for more (it stops asking when its in-flight records
 * are not acknowledged, as when Kafka is unreachable).
 */
@ApplicationScoped
public class ProbeResultPublisher {

    private final MutinyEmitter<Record<String, String>> emitter;
    private final ProbeMetrics metrics;
    private final ResultBuffer buffer;

    @Inject
    public ProbeResultPublisher(@Channel("probe-results") MutinyEmitter<Record<String, String>> emitter,
            ProbeMetrics metrics,
            ProbeSettings config) {
        this.emitter = emitter;
        this.metrics = metrics;
        this.buffer = new ResultBuffer(config.bufferSize());
        metrics.trackBuffer(buffer::size);
    }

    public void publish(ProbeResult result) {
        ProbeResult dropped = buffer.offer(result);
        if (dropped != null) {
            metrics.publishDropped(dropped.group());
        }
        drain();
    }

    /**
     * Sends a resolver's observation (ADR 0026) on the same topic, marked by {@link Topics#RECORD_HEADER}, when the
     * sink has room now; not buffered: an observation not taken is offered again by the next round.
     *
     * @return whether the sink took it
     */
    public synchronized boolean publish(ResolverObservation observation) {
        if (!emitter.hasRequests()) {
            return false;
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.RECORD_HEADER, ResolverObservation.RECORD.getBytes(StandardCharsets.UTF_8));
        emitter.sendMessageAndForget(
                Message.of(Record.of(observation.group(), EventCodec.instance().encode(observation)))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers).build()));
        return true;
    }

    /** Moves buffered results to the Kafka sink while it has room; also called regularly by the scheduler. */
    public synchronized void drain() {
        while (emitter.hasRequests()) {
            ProbeResult next = buffer.poll();
            if (next == null) {
                return;
            }
            emitter.sendAndForget(Record.of(next.group(), EventCodec.instance().encode(next)));
        }
    }
}
