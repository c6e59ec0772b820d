package dev.failover.decision.domain;

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

    enum Rejection {
        /** No such group. */
        NOT_FOUND,
        /** A field of the request is invalid: unknown target, expiry in the past. */
        INVALID,
        /** The request is valid but the group's state forbids it: target not HEALTHY, drill already running. */
        CONFLICT
    }
}
