package dev.failover.decision.domain.model;

import java.util.List;

import dev.failover.contract.event.Decision;

/** What became of an operator's command. */
public sealed interface CommandOutcome {

    record Accepted(String detail, List<Decision> decisions) implements CommandOutcome {
        public Accepted {
            decisions = List.copyOf(decisions);
        }
    }

    /** @param field the request field at fault, when one is (for a 422) */
    record Rejected(Rejection rejection, String field, String message) implements CommandOutcome {
    }

    /**
     * The command was applied or rejected before (same command id, e.g. a client's retry or a record read again after
     * an offset reset): nothing is done again, and {@code first} says what became of it then.
     */
    record Repeated(GroupSnapshot.SeenCommand first) implements CommandOutcome {
    }

    /** Whether a command was applied: what the outcome of a command is stored as. */
    enum Status {
        ACCEPTED,
        REJECTED
    }

    enum Rejection {
        /** No such group. */
        NOT_FOUND,
        /** A field of the request is invalid: unknown target, expiry in the past. */
        INVALID,
        /** The request is valid but the group's state forbids it: target not HEALTHY, drill already running. */
        CONFLICT,
        /**
         * The command was issued longer ago than the command max age: it waited too long in Kafka (an owner that was
         * down, an offset reset) to be applied safely on today's state.
         */
        EXPIRED,
        /** The group took {@link Command#MAX_COMMANDS_PER_MAX_AGE} commands within the command max age. */
        RATE_LIMITED
    }
}
