package dev.failover.decision.store;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.GroupView;

/**
 * One record of the compacted failover.decision-state topic: what a new owner restores ({@code snapshot}), what any
 * instance answers reads with ({@code view}), and the outcome of recent operator commands, which the instance that
 * took the request waits for.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StateRecord(int schemaVersion, GroupSnapshot snapshot, GroupView view, List<CommandResult> recentCommands,
        Instant publishedAt) {

    public static final int SCHEMA_VERSION = 1;

    public StateRecord {
        recentCommands = recentCommands == null ? List.of() : List.copyOf(recentCommands);
    }

    /**
     * The outcome of an operator command, for the instance that took the request. Same JSON as when status and
     * rejection were strings (enum names), so records written before the change read as they did.
     *
     * @param rejection when {@code status} is REJECTED
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CommandResult(String commandId, CommandOutcome.Status status, CommandOutcome.Rejection rejection,
            String field, String message, List<String> decisionIds, Instant at) {

        public CommandResult {
            decisionIds = decisionIds == null ? List.of() : List.copyOf(decisionIds);
        }

        public static CommandResult of(GroupSnapshot.SeenCommand seen, Instant at) {
            return new CommandResult(seen.commandId(), seen.status(), seen.rejection(), seen.field(), seen.message(),
                    seen.decisionIds(), at);
        }
    }
}
