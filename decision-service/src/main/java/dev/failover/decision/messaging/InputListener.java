package dev.failover.decision.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.decision.command.CommandMessages;
import dev.failover.decision.domain.CommandOutcome;
import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.IgnoreWarnings;
import dev.failover.decision.domain.GroupSnapshot;
import dev.failover.decision.domain.Outcome;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.state.GroupOwnership;
import dev.failover.decision.state.StateRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The one consumer of everything keyed by group that this instance decides on: probe results, operator commands and
 * actuation results, in partition order. It maps a record, hands it to the engine and publishes what comes out; the
 * offset is committed after that is acknowledged. What cannot be read, or whose key and payload name different groups,
 * goes to the topic's dead-letter topic; a record of a group this instance does not decide now is left alone.
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

    private final IgnoreWarnings ignoreWarnings = new IgnoreWarnings(Clock.systemUTC(), Duration.ofMinutes(1));

    @Incoming("decision-inputs")
    public CompletionStage<Void> onInput(Message<String> message) {
        var metadata = message.getMetadata(IncomingKafkaRecordMetadata.class);
        String topic = metadata.map(IncomingKafkaRecordMetadata::getTopic).orElse(Topics.PROBE_RESULTS);
        Object key = metadata.map(IncomingKafkaRecordMetadata::getKey).orElse(null);
        Object event;
        try {
            event = switch (topic) {
                case Topics.COMMANDS -> EventCodec.instance().decode(message.getPayload(), OperatorCommand.class);
                case Topics.ACTUATIONS -> EventCodec.instance().decode(message.getPayload(), ActuationResult.class);
                default -> EventCodec.instance().decode(message.getPayload(), ProbeResult.class);
            };
        } catch (RuntimeException e) {
            return deadLetter(message, topic, key, e.getMessage());
        }
        String group = groupOf(event);
        int home = ownership.partitionOf(group);
        Admission admission = Admission.of(key, metadata.map(IncomingKafkaRecordMetadata::getPartition).orElse(home), group,
                home, ownership.standing(group));
        if (admission instanceof Admission.DeadLetter dead) {
            return deadLetter(message, topic, key, dead.reason());
        }
        if (admission instanceof Admission.Ignore ignore) {
            // not acknowledged: its offset stays uncommitted for the instance that owns the partition
            metrics.inputIgnored(topic, ignore.standing());
            LOG.debugf("ignoring a record of %s for %s: %s", topic, group, ignore.standing());
            return CompletableFuture.completedFuture(null);
        }
        Uni<Void> handled;
        if (event instanceof OperatorCommand command) {
            handled = onCommand(command);
        } else if (event instanceof ActuationResult actuation) {
            handled = onActuation(actuation);
        } else {
            handled = onProbeResult((ProbeResult) event);
        }
        return handled.onFailure().recoverWithUni(e -> {
            // the engine state is kept; unpublished decisions are retried by the ticker before anything else
            LOG.warnf("processing a record of %s did not complete: %s", topic, e.getMessage());
            return Uni.createFrom().voidItem();
        }).subscribeAsCompletionStage().thenCompose(x -> message.ack());
    }

    private CompletionStage<Void> deadLetter(Message<String> message, String topic, Object key, String reason) {
        return deadLetters.send(topic, key == null ? null : key.toString(), message.getPayload(), reason)
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("dead-lettering a record of %s did not complete: %s", topic, e.getMessage());
                    return Uni.createFrom().voidItem();
                }).subscribeAsCompletionStage().thenCompose(x -> message.ack());
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

    private Uni<Void> onProbeResult(ProbeResult result) {
        Outcome outcome = engine.onProbeResult(result);
        if (outcome instanceof Outcome.Ignored ignored) {
            metrics.ignored(ignored, result.location());
            if (ignored.reason() == Outcome.IgnoreReason.STALE || ignored.reason() == Outcome.IgnoreReason.FROM_THE_FUTURE) {
                ignoreWarnings.onIgnored(result.location(), ignored.reason(), result.group() + "/" + result.target() + " "
                        + ignored.reason() + ": " + ignored.detail()).ifPresent(w -> LOG.warn(w.message()));
            }
            return Uni.createFrom().voidItem();
        }
        metrics.used(result.group());
        if (outcome instanceof Outcome.Held held) {
            metrics.held(held);
        }
        if (outcome instanceof Outcome.Switched) {
            return publisher.publish(result.group());
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> onCommand(OperatorCommand c) {
        CommandOutcome outcome = engine.apply(CommandMessages.fromMessage(c));
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
