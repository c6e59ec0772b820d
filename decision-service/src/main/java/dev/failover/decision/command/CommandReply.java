package dev.failover.decision.command;

import java.util.List;

import dev.failover.decision.domain.model.CommandOutcome.Rejection;

/** What the sender of a command learns: the owner's outcome, or that none came in time. */
public sealed interface CommandReply {

    String commandId();

    /** The owner applied it; {@code decisionIds} are the switches it made. */
    record Applied(String commandId, String message, List<String> decisionIds) implements CommandReply {
        public Applied {
            decisionIds = List.copyOf(decisionIds);
        }
    }

    /** The owner rejected it; {@code field} is the request field at fault, when one is. */
    record Rejected(String commandId, Rejection rejection, String field, String message) implements CommandReply {
    }

    /** Sent, but the owner has not reported an outcome in time; it may still apply it. */
    record Pending(String commandId, String message) implements CommandReply {
    }

    /** Could not be sent at all. */
    record Unavailable(String commandId, String message) implements CommandReply {
    }
}
