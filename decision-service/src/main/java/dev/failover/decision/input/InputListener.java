package dev.failover.decision.input;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.contract.signing.Verification;
import dev.failover.decision.command.CommandMessages;
import dev.failover.decision.command.KeyedCommandId;
import dev.failover.decision.domain.engine.DecisionEngine;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.IgnoreWarnings;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.input.InputLanes.Handling;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.ownership.GroupOwnership;
import dev.failover.decision.ownership.PartitionsRevoked;
import dev.failover.decision.publication.GroupPublisher;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.store.StateRecord;
import dev.failover.kafka.logging.GroupLogContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The one consumer of everything keyed by group that this instance decides on: probe results, operator commands and
 * actuation results (with the provider lanes' results, ADR 0036), in partition order. It maps a record, hands it to the engine and publishes what comes out; the
 * offset is committed after that is acknowledged. What cannot be read, or whose key and payload name different groups,
 * goes to the topic's dead-letter topic, as does an operator command not signed by a trusted key (ADR 0009); a record
 * of a group this instance does not decide now is left alone.
 */
@ApplicationScoped
public class InputListener {

    private static final Logger LOG = Logger.getLogger(InputListener.class);

    private final DecisionEngine engine;
    private final GroupPublisher publisher;
    private final DeadLetters deadLetters;
    private final DecisionMetrics metrics;
    private final GroupOwnership ownership;
    private final ControlMessageKeys keys;
    private final KafkaClientService kafkaClients;

    @Inject
    InputListener(DecisionEngine engine, GroupPublisher publisher, DeadLetters deadLetters, DecisionMetrics metrics,
            GroupOwnership ownership, ControlMessageKeys keys, KafkaClientService kafkaClients) {
        this.engine = engine;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.ownership = ownership;
        this.keys = keys;
        this.kafkaClients = kafkaClients;
    }

    static final String CHANNEL = "decision-inputs";

    private final IgnoreWarnings ignoreWarnings = new IgnoreWarnings(Clock.systemUTC(), Duration.ofMinutes(1));

    /** Records an input partition's lane may hold before the partition is paused (InputLanes). */
    static final int LANE_HIGH_WATER = 2_000;
    /** Records it is down to when the partition is resumed. */
    static final int LANE_LOW_WATER = 500;

    /**
     * Records of a partition that may wait for their publication at once: a region's groups switching together publish
     * side by side (the producer batches them), not one after the other.
     */
    static final int LANE_WINDOW = 256;

    private final InputLanes<TopicPartition, KafkaRecord<String, String>> lanes = new InputLanes<>(this::handle,
            new PartitionFlow(), LANE_HIGH_WATER, LANE_LOW_WATER, LANE_WINDOW);

    /**
     * One poll's records, appended to the lanes of their partitions (InputLanes): each partition's records are handled in
     * order, up to {@link #LANE_WINDOW} of them waiting for their publications at once, and partitions do not wait for
     * each other. Returns at once, so the next poll is not held back by a publication that
     * hangs. A partition's offset is acknowledged, up to its last record in the batch, once every one of its records in
     * the batch is handled, after its records of earlier batches; a partition with a record left alone is not
     * acknowledged past it, so the instance that owns it reads the record again.
     */
    @Incoming("decision-inputs")
    public CompletionStage<Void> onInputs(KafkaRecordBatch<String, String> batch) {
        Context context = Vertx.currentContext();
        Executor executor = context == null ? Runnable::run : task -> context.runOnContext(v -> task.run());
        Map<TopicPartition, List<KafkaRecord<String, String>>> byPartition = new LinkedHashMap<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            byPartition
                    .computeIfAbsent(new TopicPartition(record.getTopic(), record.getPartition()),
                            p -> new ArrayList<>())
                    .add(record);
        }
        Map<TopicPartition, KafkaRecord<String, String>> latest = batch.getLatestOffsetRecords();
        byPartition.forEach((partition, records) -> {
            KafkaRecord<String, String> last = latest.get(partition);
            lanes.append(partition, records, () -> acknowledge(partition, last), executor);
        });
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The lanes of these partitions drop the records they hold and have not started: the partitions were revoked, and
     * their next owner reads those records again from the committed offset. Fired by the rebalance listener.
     */
    void revoked(@Observes @Priority(PartitionsRevoked.INPUTS) PartitionsRevoked revoked) {
        lanes.revoked(revoked.partitions());
    }

    /** Records waiting or being handled in the lane of this input partition. */
    public int queued(TopicPartition partition) {
        return lanes.queued(partition);
    }

    private static void acknowledge(TopicPartition partition, KafkaRecord<String, String> last) {
        last.ack().whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf("acknowledging %s up to offset %s failed: %s", partition,
                        last.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                                .orElse(-1L),
                        failure.getMessage());
            }
        });
    }

    /**
     * Pauses the fetching of an input partition whose lane is too long (its records wait behind a publication that has
     * not completed), and resumes it once the lane is short again. SmallRye resumes every partition when it resumes
     * after its own back-pressure pause; the next segment of a lane that is still too long pauses its partition again.
     */
    private final class PartitionFlow implements InputLanes.Flow<TopicPartition> {
        @Override
        public void pause(TopicPartition partition) {
            onPollingThread(partition, c -> {
                if (c.assignment().contains(partition) && !c.paused().contains(partition)) {
                    c.pause(List.of(partition));
                    LOG.warnf("pausing input partition %s: %d records wait behind a publication that has not completed",
                            partition, lanes.queued(partition));
                }
            });
        }

        @Override
        public void resume(TopicPartition partition) {
            onPollingThread(partition, c -> {
                if (c.assignment().contains(partition) && c.paused().contains(partition)) {
                    c.resume(List.of(partition));
                    LOG.infof("resuming input partition %s", partition);
                }
            });
        }

        private void onPollingThread(TopicPartition partition,
                java.util.function.Consumer<org.apache.kafka.clients.consumer.Consumer<String, String>> action) {
            KafkaConsumer<String, String> consumer = kafkaClients == null ? null : kafkaClients.getConsumer(CHANNEL);
            if (consumer == null) {
                return; // not running as the channel's listener (a test calling onInputs directly)
            }
            consumer.runOnPollingThread(action).subscribe().with(ok -> {
            }, e -> LOG.warnf("could not pause or resume %s: %s", partition, e.getMessage()));
        }
    }

    private static final Handling DONE = InputLanes.DONE;
    private static final Handling LEFT_ALONE = InputLanes.LEFT_ALONE;

    private Handling handle(TopicPartition partition, KafkaRecord<String, String> record) {
        long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
        try {
            return handle(record.getTopic(), record.getPartition(), offset, record.getKey(), record.getPayload(),
                    record.getHeaders());
        } catch (RuntimeException e) {
            LOG.errorf(e, "handling the record at offset %d of %s failed; passed over", offset, partition);
            return DONE;
        } finally {
            if (Topics.PROBE_RESULTS.equals(record.getTopic()) && offset >= 0) {
                ownership.consumed(record.getPartition(), offset); // catching up after an assignment ends at its end
            }
        }
    }

    private Handling handle(String topic, int partition, long offset, String key, String payload, Headers headers) {
        if (Topics.COMMANDS.equals(topic)) { // checked before anything is parsed: only the decision-service sends commands
            Verification verification = keys.verify(topic, key, payload, headers);
            if (!verification.isValid()) {
                metrics.rejected(topic, verification.outcome());
                return deadLetter(topic, key, payload,
                        "refused, not signed by a trusted key: " + verification.describe());
            }
        }
        if (Topics.ACTUATIONS.equals(topic)) { // what is served is taken from these (ADR 0009): only an actuator's say
            StoredStateTrust.Check check = keys.checkResult(topic, key, payload, headers);
            if (!check.restorable()) {
                metrics.rejected(topic, check.verification().outcome());
                return deadLetter(topic, key, payload, "refused, not signed by an actuator's key: "
                        + check.verification().describe());
            }
        }
        String recordType = recordType(headers);
        if (recordType != null && !(Topics.PROBE_RESULTS.equals(topic) && ResolverObservation.RECORD.equals(recordType))
                && !(Topics.ACTUATIONS.equals(topic) && Topics.PROVIDER_LANE_RECORD.equals(recordType))) {
            // a later release's kind of record: neither evidence nor dead: passed over
            LOG.debugf("passing over a record of %s marked %s, a kind this release does not read", topic, recordType);
            return DONE;
        }
        Object event;
        try {
            event = switch (topic) {
                case Topics.COMMANDS -> EventCodec.instance().decode(payload, OperatorCommand.class);
                case Topics.ACTUATIONS ->
                    recordType != null ? EventCodec.instance().decode(payload, ProviderLaneResult.class)
                            : EventCodec.instance().decode(payload, ActuationResult.class);
                default -> recordType != null ? EventCodec.instance().decode(payload, ResolverObservation.class)
                        : EventCodec.instance().decode(payload, ProbeResult.class);
            };
        } catch (RuntimeException e) {
            return deadLetter(topic, key, payload, e.getMessage());
        }
        String group = groupOf(event);
        try (GroupLogContext logged = GroupLogContext.group(group)) { // every line logged while the group is handled
            return handleFor(group, event, topic, partition, offset, key, payload);
        }
    }

    private Handling handleFor(String group, Object event, String topic, int partition, long offset, String key,
            String payload) {
        int home = ownership.partitionOf(group);
        Admission admission = Admission.of(key, partition, group, home, ownership.standing(group));
        if (admission instanceof Admission.DeadLetter dead) {
            return deadLetter(topic, key, payload, dead.reason());
        }
        if (admission instanceof Admission.Ignore ignore) {
            metrics.inputIgnored(topic, ignore.standing().name());
            LOG.debugf("ignoring a record of %s for %s: %s", topic, group, ignore.standing());
            return LEFT_ALONE;
        }
        try {
            if (event instanceof OperatorCommand command) {
                return pending(topic, onCommand(command));
            }
            if (event instanceof ActuationResult actuation) {
                return pending(topic, onActuation(actuation));
            }
            if (event instanceof ProviderLaneResult lane) {
                // shown with the group's serving report, so it goes out with the group's state; never "served" (ADR 0036)
                return engine.feedback().onProviderLane(lane) ? pending(topic, publisher.publish(group)) : DONE;
            }
            if (event instanceof ResolverObservation observation) {
                // what clients are sent to, read while catching up too: it is no evidence, nothing is decided on it
                engine.feedback().onResolverAnswer(observation).ifPresent(observed -> {
                    metrics.switchObserved(group, observed);
                    LOG.infof("switch to %s (decision %s) observed by %d of %d locations at %s", observed.target(),
                            observed.decisionId(), observed.observedAt().size(), observed.of(), observed.quorumAt());
                });
                return DONE;
            }
            Explanation.Position position = offset < 0 ? null : new Explanation.Position(partition, offset);
            if (admission instanceof Admission.Observe) {
                observe((ProbeResult) event, position);
                return DONE;
            }
            return onProbeResult(topic, (ProbeResult) event, position);
        } catch (RuntimeException e) {
            // as the channel's failure strategy (ignore) did for a record that failed alone: logged, and passed over
            LOG.errorf(e, "processing a record of %s for %s failed", topic, group);
            return DONE;
        }
    }

    /** A result read while catching up after a take-over: evidence only, nothing decided on it yet. */
    private void observe(ProbeResult result, Explanation.Position position) {
        Outcome outcome = engine.observe(result, position);
        if (outcome instanceof Outcome.Ignored ignored) {
            metrics.ignored(ignored, result.location());
        } else {
            metrics.used(result.group());
        }
    }

    private static Handling pending(String topic, Uni<Void> handled) {
        return new Handling.Pending(handled.onFailure().recoverWithUni(e -> {
            // the engine state is kept; unpublished decisions are retried by the ticker before anything else
            LOG.warnf("processing a record of %s did not complete: %s", topic, e.getMessage());
            return Uni.createFrom().voidItem();
        }).subscribeAsCompletionStage());
    }

    private Handling deadLetter(String topic, String key, String payload, String reason) {
        return new Handling.Pending(deadLetters.send(topic, key, payload, reason).onFailure().recoverWithUni(e -> {
            LOG.warnf("dead-lettering a record of %s did not complete: %s", topic, e.getMessage());
            return Uni.createFrom().voidItem();
        }).subscribeAsCompletionStage());
    }

    /** The record's {@link Topics#RECORD_HEADER}, null without one (a probe result, a command, an actuation result). */
    private static String recordType(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(Topics.RECORD_HEADER);
        return header == null ? null
                : header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String groupOf(Object event) {
        if (event instanceof ResolverObservation observation) {
            return observation.group();
        }
        if (event instanceof OperatorCommand command) {
            return command.group();
        }
        if (event instanceof ActuationResult actuation) {
            return actuation.group();
        }
        if (event instanceof ProviderLaneResult lane) {
            return lane.group();
        }
        return ((ProbeResult) event).group();
    }

    private Handling onProbeResult(String topic, ProbeResult result, Explanation.Position position) {
        Outcome outcome = engine.onProbeResult(result, position);
        if (outcome instanceof Outcome.Ignored ignored) {
            metrics.ignored(ignored, result.location());
            if (ignored.reason().causedByLocation()) {
                ignoreWarnings
                        .onIgnored(result.location(), ignored.reason(), result.group() + "/" + result.target() + " "
                                + ignored.reason() + ": " + ignored.detail())
                        .ifPresent(w -> LOG.warn(w.message()));
            }
            return DONE;
        }
        metrics.used(result.group());
        if (outcome instanceof Outcome.Held held) {
            metrics.held(held);
        }
        if (outcome instanceof Outcome.Switched) {
            // its offset waits for the decision on Kafka, not for the explanations and state behind it (ADR 0030)
            return pending(topic, publisher.publishDecisions(result.group()));
        }
        return DONE;
    }

    private Uni<Void> onCommand(OperatorCommand c) {
        var issued = CommandMessages.fromMessage(c);
        // an Idempotency-Key used before for another command: refused before the engine sees it (commands of a group
        // are read in order from its partition, so nothing comes between the check and the apply)
        CommandOutcome outcome = engine.snapshot(c.group())
                .flatMap(s -> KeyedCommandId.conflict(issued, s.seenCommands()))
                .orElseGet(() -> engine.apply(issued));
        metrics.command(c.type(), outcome);
        List<Decision> decisions = outcome instanceof CommandOutcome.Accepted a ? a.decisions() : List.of();
        // a repeat reports its first outcome again, for the sender of the retry
        StateRecord.CommandResult result = StateRecord.CommandResult.of(
                GroupSnapshot.SeenCommand.of(c.commandId(), c.issuedAt(), outcome), Instant.now());
        LOG.infof("command %s %s on %s by %s, issued at %s: %s%s %s", c.commandId(), c.type(), c.group(), c.principal(),
                c.issuedAt(),
                outcome instanceof CommandOutcome.Repeated ? "seen before, not acted on again; first " : "",
                result.status() == CommandOutcome.Status.ACCEPTED ? result.status()
                        : result.status() + " " + result.rejection(),
                result.message());
        publisher.recordCommand(c.group(), result);
        return publisher.publish(c.group());
    }

    private Uni<Void> onActuation(ActuationResult result) {
        engine.feedback().onActuationStep(result.group(), new GroupSnapshot.ActuationEntry(result.finishedAt(),
                result.decisionId(), result.epoch(), result.step(), result.status(), result.provider(),
                result.details()));
        if (result.step() == ActuationStep.RECONCILE) {
            engine.feedback().onConvergence(result.group(), result.decisionId(), result.epoch(), result.status(),
                    result.details(), result.finishedAt());
            return publisher.publish(result.group());
        }
        if (result.step() == ActuationStep.COMPLETE && result.status() == ActuationStatus.SUCCEEDED
                && result.sinceDecisionMillis() != null) {
            var recovery = engine.feedback().onSwitchVerified(result.group(), result.decisionId(),
                    Duration.ofMillis(result.sinceDecisionMillis()));
            if (recovery.isPresent()) {
                metrics.drillRecovered(result.group(), recovery.get());
                return publisher.publish(result.group());
            }
        } else if (result.status() == ActuationStatus.FAILED) {
            engine.feedback().onActuationFailed(result.group(), result.decisionId(), result.step().name(),
                    result.details());
            metrics.actuationFailed(result.group(), result.step().name());
            return publisher.publish(result.group());
        }
        return Uni.createFrom().voidItem();
    }
}
