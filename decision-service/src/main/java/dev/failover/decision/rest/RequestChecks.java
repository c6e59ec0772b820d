package dev.failover.decision.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.WebApplicationException;

import dev.failover.contract.topology.FailoverGroup;

/**
 * The override API's checks of a request's fields: each throws the precise error response (a 422 naming the field and
 * what is wrong with it), so that {@link GroupsResource}'s endpoints read as the list of what they need.
 */
final class RequestChecks {

    private RequestChecks() {
    }

    static void present(Object body, String expectation) {
        if (body == null) {
            throw invalid("body", expectation);
        }
    }

    static void reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw invalid("reason", "is required: say why, for the audit trail");
        }
        bounded("reason", reason, InputLimits.MAX_REASON);
    }

    static void bounded(String field, String value, int maxCodePoints) {
        String problem = InputLimits.problem(value, maxCodePoints);
        if (problem != null) {
            throw invalid(field, problem);
        }
    }

    static void target(FailoverGroup group, String target) {
        if (target == null || target.isBlank()) {
            throw invalid("target", "is required");
        }
        bounded("target", target, InputLimits.MAX_SHORT_TEXT);
        if (group.target(target).isEmpty()) {
            throw invalid("target", "no target '" + target + "' in group " + group.id() + "; targets are "
                    + group.targets().stream().map(t -> t.id()).toList());
        }
    }

    static Instant until(String text) {
        bounded("until", text, InputLimits.MAX_SHORT_TEXT);
        try {
            Instant until = Instant.parse(text);
            if (!until.isAfter(Instant.now())) {
                throw invalid("until", "'" + text + "' is not in the future");
            }
            return until;
        } catch (DateTimeParseException e) {
            throw invalid("until", "'" + text + "' is not an ISO-8601 instant like 2026-11-21T12:00:00Z");
        }
    }

    /**
     * A drill on a group whose data tier it moves one way (ADR 0020) needs the operator's explicit consent,
     * {@code promoteDatabase: true}: the answer without it says what the drill would do to the database.
     */
    static void databaseConsent(FailoverGroup group, Boolean promoteDatabase) {
        if (!group.drillMovesDatabaseOneWay() || Boolean.TRUE.equals(promoteDatabase)) {
            return;
        }
        throw invalid("promoteDatabase", "a drill on " + group.id() + " moves its database one way: the drill target's "
                + "database node is promoted and the active target's node is fenced as an old primary (nodes: "
                + group.targets().stream().filter(t -> t.database() != null)
                        .map(t -> t.id() + " " + t.database().node()).collect(java.util.stream.Collectors.joining(", "))
                + "). The drill's end, back to the fenced node, is BLOCKED until that node is rebuilt as a replica of the "
                + "promoted one (ADR 0020): traffic stays on the drill target. Send promoteDatabase: true (failoverctl "
                + "drill start --promote-database) to accept");
    }

    static WebApplicationException invalid(String field, String message) {
        return new WebApplicationException(ApiError.invalid(field, message));
    }
}
