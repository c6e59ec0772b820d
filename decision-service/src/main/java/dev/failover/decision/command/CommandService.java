package dev.failover.decision.command;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.Topics;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.signing.ControlMessageKeys;
import dev.failover.decision.store.StateDirectory;
import dev.failover.decision.store.StateRecord;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * The one way to submit an operator command, for the override API and the drill scheduler alike: sends it through
 * failover.commands to the instance that owns the group and waits for the outcome that instance reports in its next
 * state record. Callers get a value; turning it into HTTP is the API's business.
 */
@ApplicationScoped
public class CommandService {

    private static final Logger LOG = Logger.getLogger(CommandService.class);

    /** Signed records (ADR 0009): the owning instance refuses a command without a trusted signature. */
    private final MutinyEmitter<String> commands;
    private final ControlMessageKeys keys;
    private final StateDirectory directory;
    private final DecisionServiceConfig config;

    @Inject
    CommandService(@Channel("commands") MutinyEmitter<String> commands, ControlMessageKeys keys,
            StateDirectory directory, DecisionServiceConfig config) {
        this.commands = commands;
        this.keys = keys;
        this.directory = directory;
        this.config = config;
    }

    /**
     * @param key the caller's idempotency key: a retry of the same command with the same key is that command, acted on
     *            at most once and answered with the first outcome; another command with the key is refused by the owner
     *            ({@link KeyedCommandId#conflict}); without a key every call is a new command
     */
    public CommandReply submit(Command command, Optional<IdempotencyKey> key) {
        String id = key.map(k -> KeyedCommandId.of(k, command).value()).orElseGet(() -> UUID.randomUUID().toString());
        Duration timeout = config.commandTimeout();
        CompletableFuture<StateRecord.CommandResult> result = directory.awaitResult(id);
        try {
            String message = EventCodec.instance().encode(CommandMessages.toMessage(id, Instant.now(), command));
            commands.sendMessage(keys.signed(Topics.COMMANDS, command.group(), message)).await().atMost(timeout);
            return reply(result.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | io.smallrye.mutiny.TimeoutException e) {
            directory.forget(id);
            return new CommandReply.Pending(id,
                    "sent; the owning instance has not reported the outcome within " + timeout);
        } catch (ExecutionException e) {
            return unavailable(id, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(id, e);
        } catch (RuntimeException e) {
            return unavailable(id, e);
        }
    }

    /**
     * Kafka's reason goes to the log, not to the caller: it names broker settings and internals that are no business of
     * an API client (and the input bounds keep a command far below any size limit, so a retry is the right advice).
     */
    private CommandReply unavailable(String id, Throwable cause) {
        directory.forget(id);
        LOG.warnf("command %s could not be sent to %s: %s", id, Topics.COMMANDS, cause.toString());
        return new CommandReply.Unavailable(id, "the command could not be handed to Kafka, so nothing was applied;"
                + " retry later (the log of this instance says why, under command id " + id + ")");
    }

    private static CommandReply reply(StateRecord.CommandResult result) {
        if (result.status() == CommandOutcome.Status.ACCEPTED) {
            return new CommandReply.Applied(result.commandId(), result.message(), result.decisionIds());
        }
        return new CommandReply.Rejected(result.commandId(), result.rejection(), result.field(), result.message());
    }
}
