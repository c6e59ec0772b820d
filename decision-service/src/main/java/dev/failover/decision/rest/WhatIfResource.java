package dev.failover.decision.rest;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.failover.contract.topology.InvalidTopologyException;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.replay.RecordedResults;
import dev.failover.decision.replay.Replay;
import dev.failover.decision.replay.WhatIf;
import dev.failover.kafka.KafkaClientProperties;

/**
 * What a proposed topology would have done over the recorded probe results, beside this instance's topology (ADR 0027):
 * the window is read from the probe-results topic and both are replayed through the decision core, off the decision
 * path (one what-if at a time per instance, on a worker thread). Read-only: a viewer may ask.
 */
@jakarta.inject.Singleton
@Path("/whatif")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "whatif", description = "A proposed policy replayed over recorded history")
@SecurityRequirement(name = "jwt")
public class WhatIfResource {

    /** The longest window one what-if may replay. */
    static final Duration MAX_WINDOW = Duration.ofDays(31);

    /**
     * @param topology               the proposed topology, as the YAML (or JSON) of a topology file
     * @param from                   the window's start, an ISO-8601 instant
     * @param to                     its end; default now
     * @param group                  only this group
     * @param recoveredWithinSeconds a failover whose old target a majority saw up within this was a false one; default 30
     */
    public record Request(
            @Schema(required = true, description = "the proposed topology file's text (YAML or JSON)") String topology,
            @Schema(required = true, description = "ISO-8601 instant: the window's start") String from,
            @Schema(description = "ISO-8601 instant: the window's end; default now") String to,
            @Schema(description = "only this group") String group,
            @Schema(description = "a failover whose old target was serving within this many seconds was false; default 30") Integer recoveredWithinSeconds) {
    }

    private final Topology current;
    private final RecordedResults recorded;
    private final Semaphore oneAtATime = new Semaphore(1);

    @Inject
    WhatIfResource(Topology current, KafkaClientProperties kafka, DecisionServiceConfig config) {
        this.current = current;
        this.recorded = new RecordedResults(kafka, config.whatif().readTimeout(),
                RecordedResults.cap(config.whatif().maxResults(),
                        Runtime.getRuntime().maxMemory()));
    }

    @POST
    @RolesAllowed({ GroupsResource.VIEWER, GroupsResource.OPERATOR })
    @Operation(
            summary = "Replays the recorded probe results of a window with a proposed topology and with this instance's, "
                    + "and answers what each would have done per group: switches with their rule paths, false failovers, flaps "
                    + "held, detection time per incident, the differences, and an SVG timeline (picture)")
    @APIResponse(responseCode = "200", description = "the comparison",
            content = @Content(schema = @Schema(implementation = WhatIfReport.class)))
    @APIResponse(responseCode = "422",
            description = "a field is missing or invalid (named), the proposed topology is invalid "
                    + "(every bad key named), or the window holds more results than failover.whatif.max-results")
    @APIResponse(responseCode = "429", description = "a what-if is already running on this instance")
    @APIResponse(responseCode = "503",
            description = "the probe-results topic could not be read within failover.whatif.read-timeout")
    public Response whatIf(Request body) {
        RequestChecks.present(body, "a what-if: topology, from, and optionally to, group, recoveredWithinSeconds");
        if (body.topology() == null || body.topology().isBlank()) {
            throw RequestChecks.invalid("topology", "is required: the proposed topology file's text");
        }
        Topology proposed;
        try {
            proposed = TopologyLoader.parse(body.topology(), "proposed topology");
        } catch (InvalidTopologyException e) {
            throw RequestChecks.invalid("topology", e.getMessage());
        }
        Instant to = body.to() == null ? Instant.now() : instant("to", body.to());
        Instant from = instant("from", body.from());
        if (!from.isBefore(to)) {
            throw RequestChecks.invalid("from", "must be before to (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw RequestChecks.invalid("from", "the window may be at most " + MAX_WINDOW.toDays() + " days");
        }
        Optional<String> group = Optional.ofNullable(body.group());
        if (group.isPresent() && current.group(group.get()).isEmpty() && proposed.group(group.get()).isEmpty()) {
            throw RequestChecks.invalid("group", "no group '" + group.get() + "' in either topology");
        }
        int seconds = body.recoveredWithinSeconds() == null ? (int) Replay.RECOVERED_WITHIN.toSeconds()
                : body.recoveredWithinSeconds();
        if (seconds < 1 || seconds > 3600) {
            throw RequestChecks.invalid("recoveredWithinSeconds", "must be between 1 and 3600, not " + seconds);
        }
        if (!oneAtATime.tryAcquire()) {
            return ApiError.response(429, "busy", null,
                    "a what-if is running on this instance; ask again when it ends");
        }
        try {
            RecordedResults.Window window;
            try {
                window = recorded.read(from, to, group);
            } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
                return ApiError.response(503, "unavailable", null, "the recorded probe results could not be read: "
                        + e.getMessage());
            }
            return Response.ok(WhatIf.compare(current, proposed, window.results(), group, Duration.ofSeconds(seconds)))
                    .build();
        } catch (RecordedResults.TooMany e) {
            throw RequestChecks.invalid("from", e.getMessage());
        } finally {
            oneAtATime.release();
        }
    }

    private static Instant instant(String field, String text) {
        if (text == null || text.isBlank()) {
            throw RequestChecks.invalid(field, "is required: an ISO-8601 instant like 2026-11-21T12:00:00Z");
        }
        RequestChecks.bounded(field, text, InputLimits.MAX_SHORT_TEXT);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw RequestChecks.invalid(field, "'" + text + "' is not an ISO-8601 instant like 2026-11-21T12:00:00Z");
        }
    }
}
