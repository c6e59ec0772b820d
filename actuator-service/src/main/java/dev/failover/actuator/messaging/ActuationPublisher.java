package dev.failover.actuator.messaging;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.actuator.config.ActuatorSettings;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.SignedBatches;
import dev.failover.kafka.logging.GroupLogContext;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes the reconciler's results to failover.actuations, counts them and keeps the latest for the REST view. It
 * does not wait for Kafka: a DNS switch must never wait on reporting it. A result Kafka does not take is logged and
 * counted; the group's convergence is published again with its next change, and read from the gauges meanwhile.
 * <p>
 * Each result is signed with this actuator's key ({@code failover.state-signing.key-id}, ADR 0009), with the results
 * of the same 20 ms under one signature (ADR 0029), in the order they were published: the
 * decision-service takes what is served from these results, so it acts only on results signed by a key in its
 * {@code failover.actuator-signing.trusted-keys-dir}.
 */
@ApplicationScoped
public class ActuationPublisher {

    private static final Logger LOG = Logger.getLogger(ActuationPublisher.class);

    private final ActuatorMetrics metrics;
    private final RecentActuations recent;
    private final ActuatorSettings settings;
    private final MutinyEmitter<String> actuations;
    /** Results signed together, 20 ms at a time, on a thread of their own (ADR 0029); null: one signature a result. */
    private final SignedBatches batches;
    /**
     * Lanes' results signed together as results are, on the same signing thread, and sent marked {@value
     * Topics#PROVIDER_LANE_RECORD} (ADR 0036): a batch's sink knows only key and value, so the marked ones have batches of
     * their own. A lane's result and the group's are not ordered with each other; nothing reads them together (a lane's
     * state never changes whether the group is served). Null: one signature a result.
     */
    private final SignedBatches laneBatches;

    @Inject
    ActuationPublisher(ActuatorMetrics metrics, RecentActuations recent, ActuatorSettings settings,
            @Channel("actuations") MutinyEmitter<String> actuations) {
        this.metrics = metrics;
        this.recent = recent;
        this.settings = settings;
        this.actuations = actuations;
        boolean batched = settings.stateSigning() != null && settings.stateSigning().batchResults();
        SignedBatches.Flusher signing = batched ? SignedBatches.Flusher.thread("result-signer") : null;
        this.batches = batched ? new SignedBatches(records -> settings.stateSigning().signer().batchHeaders(
                Topics.ACTUATIONS, records), this::send, signing, SignedBatches.LINGER) : null;
        this.laneBatches = batched ? new SignedBatches(records -> settings.stateSigning().signer().batchHeaders(
                Topics.ACTUATIONS, records), this::sendLane, signing, SignedBatches.LINGER) : null;
    }

    public void publish(ActuationResult result) {
        metrics.stepFinished(result);
        recent.add(result);
        try (GroupLogContext logged = GroupLogContext.decision(result.group(), result.decisionId(), result.epoch())) {
            LOG.infof("%s %s %s: %s", result.group(), result.step(), result.status(), result.details());
        }
        try {
            String value = EventCodec.instance().encode(result);
            CompletionStage<Void> sent = batches != null ? batches.send(result.group(), value)
                    : send(result.group(), value,
                            settings.stateSigning().signer().headers(Topics.ACTUATIONS, result.group(),
                                    value));
            sent.whenComplete((ok, failure) -> {
                if (failure != null) {
                    notPublished(result, failure);
                }
            });
        } catch (RuntimeException e) {
            notPublished(result, e); // the emitter's buffer is full while Kafka is away
        }
    }

    /**
     * Publishes a lane's state change (ADR 0036, what the status shows), signed as a result is and marked {@value
     * Topics#PROVIDER_LANE_RECORD}. Like a result it does not wait for Kafka; one Kafka does not take is logged.
     */
    public void publish(ProviderLaneResult lane) {
        try (GroupLogContext logged = GroupLogContext.decision(lane.group(), lane.decision(), lane.epoch())) {
            LOG.infof("%s lane %s (%s) %s: %s", lane.group(), lane.lane(), lane.kind(), lane.state(), lane.detail());
        }
        try {
            String value = EventCodec.instance().encode(lane);
            CompletionStage<Void> sent = laneBatches != null ? laneBatches.send(lane.group(), value)
                    : sendLane(lane.group(), value, settings.stateSigning().signer().headers(Topics.ACTUATIONS,
                            lane.group(), value));
            sent.whenComplete((ok, failure) -> {
                if (failure != null) {
                    laneNotPublished(lane, failure);
                }
            });
        } catch (RuntimeException e) {
            laneNotPublished(lane, e);
        }
    }

    private CompletionStage<Void> sendLane(String group, String value, Map<String, byte[]> signature) {
        return send(group, value, signature, Topics.PROVIDER_LANE_RECORD);
    }

    private CompletionStage<Void> send(String group, String value, Map<String, byte[]> signature) {
        return send(group, value, signature, null);
    }

    /** @param record the {@link Topics#RECORD_HEADER}, null for a result (which carries none, as every release wrote it) */
    private CompletionStage<Void> send(String group, String value, Map<String, byte[]> signature, String record) {
        RecordHeaders headers = new RecordHeaders();
        signature.forEach(headers::add);
        if (record != null) {
            headers.add(Topics.RECORD_HEADER, record.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return actuations.sendMessage(Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(group).withHeaders(headers).build())).subscribeAsCompletionStage();
    }

    private void laneNotPublished(ProviderLaneResult lane, Throwable failure) {
        metrics.resultNotPublished(lane.group());
        try (GroupLogContext logged = GroupLogContext.decision(lane.group(), lane.decision(), lane.epoch())) {
            LOG.warnf("lane %s %s of %s not published: %s", lane.lane(), lane.state(), lane.group(),
                    failure.getMessage());
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
