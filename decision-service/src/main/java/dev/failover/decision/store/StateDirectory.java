package dev.failover.decision.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.failover.contract.signing.StoredStateTrust;
import dev.failover.decision.metrics.DecisionMetrics;
import dev.failover.decision.signing.ControlMessageKeys;

/**
 * Every instance reads the whole state topic, so any instance can answer reads about any group, and the instance that
 * took an operator's request learns its outcome from the owner's next state record.
 */
@ApplicationScoped
public class StateDirectory {

    private static final Logger LOG = Logger.getLogger(StateDirectory.class);

    private final Map<String, StateRecord> latest = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<StateRecord.CommandResult>> waiting = new ConcurrentHashMap<>();

    @Inject
    ControlMessageKeys keys;
    @Inject
    DecisionMetrics metrics;

    /**
     * Only state records a restore would trust (ADR 0009, stored state): a forged one would otherwise answer reads of
     * groups owned elsewhere and could report a command as applied that no owner applied.
     */
    @Incoming("state-view")
    public void onState(ConsumerRecord<String, String> kafkaRecord) {
        String payload = kafkaRecord.value();
        if (payload == null) {
            return;
        }
        StoredStateTrust.Check check = keys.checkStored(kafkaRecord.topic(), kafkaRecord.key(), payload, kafkaRecord.headers());
        if (!check.restorable()) {
            metrics.rejected(kafkaRecord.topic(), check.verification().outcome());
            LOG.warnf("ignoring a state record of %s not signed by a trusted key at offset %d of partition %d: %s",
                    kafkaRecord.key(), kafkaRecord.offset(), kafkaRecord.partition(), check.verification().describe());
            return;
        }
        StateRecord record;
        try {
            record = StateCodec.decode(payload);
        } catch (IllegalArgumentException e) {
            LOG.warnf("ignoring unreadable state record: %s", e.getMessage());
            return;
        }
        latest.merge(record.snapshot().group(), record,
                (old, neu) -> neu.snapshot().epoch() >= old.snapshot().epoch() ? neu : old);
        for (StateRecord.CommandResult result : record.recentCommands()) {
            CompletableFuture<StateRecord.CommandResult> future = waiting.remove(result.commandId());
            if (future != null) {
                future.complete(result);
            }
        }
    }

    public Optional<StateRecord> latest(String group) {
        return Optional.ofNullable(latest.get(group));
    }

    /** Call before publishing the command, so its result cannot slip past. */
    public CompletableFuture<StateRecord.CommandResult> awaitResult(String commandId) {
        return waiting.computeIfAbsent(commandId, id -> new CompletableFuture<>());
    }

    public void forget(String commandId) {
        waiting.remove(commandId);
    }
}
