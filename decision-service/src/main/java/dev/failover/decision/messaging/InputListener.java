package dev.failover.decision.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
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
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification;
import dev.failover.decision.command.CommandMessages;
import dev.failover.decision.command.KeyedCommandId;
import dev.failover.decision.domain.CommandOutcome;
import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.IgnoreWarnings;
import dev.failover.decision.domain.GroupSnapshot;
import dev.failover.decision.domain.Explanation;
import dev.failover.decision.domain.Outcome;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.state.GroupOwnership;
import dev.failover.decision.state.StateRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The one consumer of everything keyed by group that this instance decides on: probe results, operator commands and
 * actuation results, in partition order. It maps a record, hands it to the engine and publishes what comes out; the
 * offset is committed after that is acknowledged. What cannot be read, or whose key and payload name different groups,
 * goes to the topic's dead-letter topic, as does an operator command not signed by a trusted key (ADR 0009); a record
 * of a group this instance does not decide now is left alone.
 */
@ApplicationScoped
public class InputListener {

    private static final Logger LOG = Logger.getLogger(InputListener.class);

    @Inject
    DecisionEngine engine;
    @Inject
    DecisionPublisher publisher;
    @Inject
    DeadLetters deadLetters;
    @Inject
    DecisionMetrics metrics;
    @Inject
    GroupOwnership ownership;
    @Inject
    ControlMessageKeys keys;

    private final IgnoreWarnings ignoreWarnings = new IgnoreWarnings(Clock.systemUTC(), Duration.ofMinutes(1));

    /**
     * One poll's records, handled one after another in partition order, each as it would be alone. A partition's offset
     * is acknowledged, up to its last record in the batch, once every one of its records in the batch is handled; a
     * partition with a record left alone is not acknowledged at all, so the instance that owns it reads the record again.
     */
    @Incoming("decision-inputs")
    public CompletionStage<Void> onInputs(KafkaRecordBatch<String, String> batch) {
        Set<TopicPartition> leftAlone = new HashSet<>();
        return handleFrom(batch.getRecords(), 0, leftAlone, Vertx.currentContext()).thenCompose(x -> {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            batch.getLatestOffsetRecords().forEach((partition, last) -> {
                if (!leftAlone.contains(partition)) {
                    acks.add(last.ack().toCompletableFuture());
                }
            });
            return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        });
    }

    /**
     * Handles the records from index {@code from} on. A record whose handling must wait (a publication, a dead letter)
     * is waited for, and the next continues on the consumer's context, as the records of one partition are decided in
     * order and one at a time.
     */
    private CompletionStage<Void> handleFrom(List<KafkaRecord<String, String>> records, int from,
            Set<TopicPartition> leftAlone, Context context) {
        for (int i = from; i < records.size(); i++) {
            KafkaRecord<String, String> record = records.get(i);
            long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                    .orElse(-1L);
            Handling handling = handle(record.getTopic(), record.getPartition(), offset, record.getKey(), record.getPayload(),
                    record.getHeaders());
            if (Topics.PROBE_RESULTS.equals(record.getTopic()) && offset >= 0) {
                ownership.consumed(record.getPartition(), offset); // catching up after an assignment ends at its end
            }
            if (handling instanceof Handling.LeftAlone) {
                leftAlone.add(new TopicPartition(record.getTopic(), record.getPartition()));
            } else if (handling instanceof Handling.Pending pending) {
                int next = i + 1;
                Uni<Void> finished = pending.completion();
                if (context != null) {
                    finished = finished.emitOn(task -> context.runOnContext(v -> task.run()));
                }
                return finished.subscribeAsCompletionStage().thenCompose(x -> handleFrom(records, next, leftAlone, context));
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** What became of one input record. */
    sealed interface Handling {
        /** Handled: its offset may be committed. */
        record Done() implements Handling {
        }

        /** Handled once {@code completion} completes (never with a failure): its offset may be committed then. */
        record Pending(Uni<Void> completion) implements Handling {
        }

        /** Not this instance's to decide now: its offset must stay uncommitted for the partition's owner. */
        record LeftAlone() implements Handling {
        }
    }

    private static final Handling DONE = new Handling.Done();
    private static final Handling LEFT_ALONE = new Handling.LeftAlone();

    private Handling handle(String topic, int partition, long offset, String key, String payload, Headers headers) {
        if (Topics.COMMANDS.equals(topic)) { // checked before anything is parsed: only the decision-service sends commands
            Verification verification = keys.verify(topic, key, payload, headers);
            if (!verification.isValid()) {
                metrics.rejected(topic, verification.outcome());
                return deadLetter(topic, key, payload, "refused, not signed by a trusted key: " + verification.describe());
            }
        }
        Object event;
        try {
            event = switch (topic) {
                case Topics.COMMANDS -> EventCodec.instance().decode(payload, OperatorCommand.class);
                case Topics.ACTUATIONS -> EventCodec.instance().decode(payload, ActuationResult.class);
                default -> EventCodec.instance().decode(payload, ProbeResult.class);
            };
        } catch (RuntimeException e) {
            return deadLetter(topic, key, payload, e.getMessage());
        }
        String group = groupOf(event);
        int home = ownership.partitionOf(group);
        Admission admission = Admission.of(key, partition, group, home, ownership.standing(group));
        if (admission instanceof Admission.DeadLetter dead) {
            return deadLetter(topic, key, payload, dead.reason());
        }
        if (admission instanceof Admission.Ignore ignore) {
            metrics.inputIgnored(topic, ignore.standing());
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
        }));
    }

    private Handling deadLetter(String topic, String key, String payload, String reason) {
        return new Handling.Pending(deadLetters.send(topic, key, payload, reason).onFailure().recoverWithUni(e -> {
            LOG.warnf("dead-lettering a record of %s did not complete: %s", topic, e.getMessage());
            return Uni.createFrom().voidItem();
        }));
    }

    private static String groupOf(Object event) {
        if (event instanceof OperatorCommand command) {
            return command.group();
        }
        if (event instanceof ActuationResult actuation) {
            return actuation.group();
        }
        return ((ProbeResult) event).group();
    }

    private Handling onProbeResult(String topic, ProbeResult result, Explanation.Position position) {
        Outcome outcome = engine.onProbeResult(result, position);
        if (outcome instanceof Outcome.Ignored ignored) {
            metrics.ignored(ignored, result.location());
            if (ignored.reason() == Outcome.IgnoreReason.STALE || ignored.reason() == Outcome.IgnoreReason.FROM_THE_FUTURE) {
                ignoreWarnings.onIgnored(result.location(), ignored.reason(), result.group() + "/" + result.target() + " "
                        + ignored.reason() + ": " + ignored.detail()).ifPresent(w -> LOG.warn(w.message()));
            }
            return DONE;
        }
        metrics.used(result.group());
        if (outcome instanceof Outcome.Held held) {
            metrics.held(held);
        }
        if (outcome instanceof Outcome.Switched) {
            return pending(topic, publisher.publish(result.group()));
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
                c.issuedAt(), outcome instanceof CommandOutcome.Repeated ? "seen before, not acted on again; first " : "",
                result.status() == CommandOutcome.Status.ACCEPTED ? result.status() : result.status() + " " + result.rejection(),
                result.message());
        publisher.recordCommand(c.group(), result);
        return publisher.publish(c.group());
    }

    private Uni<Void> onActuation(ActuationResult result) {
        if (result.step() == ActuationStep.RECONCILE) {
            engine.onConvergence(result.group(), result.decisionId(), result.epoch(), result.status(), result.details(),
                    result.finishedAt());
            return publisher.publish(result.group());
        }
        if (result.step() == ActuationStep.COMPLETE && result.status() == ActuationStatus.SUCCEEDED
                && result.sinceDecisionMillis() != null) {
            var recovery = engine.onSwitchVerified(result.group(), result.decisionId(), Duration.ofMillis(result.sinceDecisionMillis()));
            if (recovery.isPresent()) {
                metrics.drillRecovered(result.group(), recovery.get());
                return publisher.publish(result.group());
            }
        } else if (result.status() == ActuationStatus.FAILED) {
            engine.onActuationFailed(result.group(), result.decisionId(), result.step().name(), result.details());
            metrics.actuationFailed(result.group(), result.step().name());
            return publisher.publish(result.group());
        }
        return Uni.createFrom().voidItem();
    }
}
