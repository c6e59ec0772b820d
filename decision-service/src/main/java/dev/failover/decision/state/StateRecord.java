package dev.failover.decision.state;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.failover.decision.domain.GroupSnapshot;
import dev.failover.decision.domain.GroupView;

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

    /** @param status ACCEPTED or REJECTED; {@code rejection} NOT_FOUND, INVALID or CONFLICT when rejected */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CommandResult(String commandId, String status, String rejection, String field, String message,
            List<String> decisionIds, Instant at) {
    }
}
