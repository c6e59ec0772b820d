package dev.failover.decision.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the override API. Every write needs a reason, for the audit trail. */
public final class Requests {

    private Requests() {
    }

    @Schema(description = "Pin a target: keep it active, with automation held, until the pin expires or is released.")
    public record Pin(@Schema(required = true, description = "target id") String target,
            @Schema(description = "ISO-8601 instant the pin expires, e.g. 2026-11-21T12:00:00Z; absent for no expiry") String until,
            @Schema(required = true) String reason) {
    }

    @Schema(description = "Break glass: switch to a target whatever its health, and pin it.")
    public record Force(@Schema(required = true) String target, @Schema(required = true) String reason) {
    }

    @Schema(description = "Planned switchover: move traffic to a HEALTHY target with the TTL choreography, and pin it there.")
    public record Switchover(@Schema(required = true, description = "target id") String target,
            @Schema(description = "ISO-8601 instant the pin expires; absent: until released or aborted") String until,
            @Schema(required = true) String reason) {
    }

    @Schema(description = "A reason, for actions that need nothing else.")
    public record Reason(@Schema(required = true) String reason) {
    }

    @Schema(description = "Start a DR drill.")
    public record Drill(@Schema(description = "target to drill on; default the first secondary") String target,
            @Schema(description = "minutes; default the group's drill duration") Long durationMinutes,
            @Schema(required = true) String reason,
            @Schema(description = "true to accept that the drill moves the group's database one way: required for a "
                    + "group with postgres or rds database nodes (ADR 0020)") Boolean promoteDatabase) {
    }
}
