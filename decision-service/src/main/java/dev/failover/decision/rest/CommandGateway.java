package dev.failover.decision.rest;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.OperatorCommand;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.state.GroupReader;
import dev.failover.decision.state.StateDirectory;
import dev.failover.decision.state.StateRecord;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Sends an operator's command to the instance that owns the group (through failover.commands) and waits for its
 * outcome: 200 applied, 404/409/422 rejected by the owner, 202 when the owner has not answered in time.
 */
@ApplicationScoped
public class CommandGateway {

    @Inject
    @Channel("commands")
    MutinyEmitter<Record<String, String>> commands;
    @Inject
    StateDirectory directory;
    @Inject
    GroupReader reader;
    @Inject
    DecisionServiceConfig config;

    /** What a write returns on success. */
    public record CommandResponse(String commandId, String status, String message, java.util.List<String> decisionIds,
            Object group) {
    }

    public Response send(String group, CommandType type, String target, Instant until, Long durationSeconds, String reason,
            String principal) {
        String id = UUID.randomUUID().toString();
        OperatorCommand command = new OperatorCommand(EventCodec.SCHEMA_VERSION, id, group, type, target, until,
                durationSeconds, reason, principal, Instant.now());
        CompletableFuture<StateRecord.CommandResult> result = directory.awaitResult(id);
        try {
            commands.send(Record.of(group, EventCodec.instance().encode(command))).await()
                    .atMost(config.commandTimeout());
            StateRecord.CommandResult outcome = result.get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if ("ACCEPTED".equals(outcome.status())) {
                return Response.ok(new CommandResponse(id, "applied", outcome.message(), outcome.decisionIds(),
                        reader.view(group).orElse(null))).build();
            }
            int status = switch (outcome.rejection()) {
                case "NOT_FOUND" -> 404;
                case "INVALID" -> 422;
                default -> 409;
            };
            return ApiError.response(status, outcome.rejection().toLowerCase().replace('_', '-'), outcome.field(),
                    outcome.message());
        } catch (TimeoutException | io.smallrye.mutiny.TimeoutException e) {
            directory.forget(id);
            return Response.accepted(Map.of("commandId", id, "status", "pending",
                    "message", "sent; the owning instance has not reported the outcome within " + config.commandTimeout()))
                    .build();
        } catch (ExecutionException e) {
            directory.forget(id);
            return ApiError.response(503, "unavailable", null, "could not send the command: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            directory.forget(id);
            return ApiError.response(503, "unavailable", null, "interrupted");
        } catch (RuntimeException e) {
            directory.forget(id);
            return ApiError.response(503, "unavailable", null, "could not send the command: " + e.getMessage());
        }
    }
}
