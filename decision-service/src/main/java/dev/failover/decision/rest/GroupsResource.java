package dev.failover.decision.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.failover.contract.event.ActuatorRetry;
import dev.failover.contract.event.Decision;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.command.CommandReply;
import dev.failover.decision.command.CommandService;
import dev.failover.decision.command.IdempotencyKey;
import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.domain.engine.ExplanationReplay;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.publication.ActuatorRetries;
import dev.failover.decision.report.Reports;
import dev.failover.decision.view.GroupReader;

/**
 * The override API. Reads need the viewer or operator role; writes need operator and a reason, and are recorded with
 * the caller's name. Writes go to the instance that owns the group and answer with the outcome; this class alone turns
 * outcomes into HTTP. Every write takes an optional {@value IdempotencyKey#HEADER} header: a retry of the same command
 * with the same key is acted on at most once and answered with the first outcome; another command with that key is a
 * 422 naming the header and the command the key was first used for.
 * <p>
 * OpenAPI (/q/openapi): each endpoint documents its success bodies and what its own statuses mean here;
 * {@link ApiDocumentation} adds the statuses endpoints share and the error body (ApiError) of every error that has one.
 */
@Path("/groups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "groups", description = "Failover groups: state, audit history and manual override")
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityRequirement(name = "jwt")
public class GroupsResource {

    /**
     * Roles, from the token's "groups" claim. Namespaced: an identity provider that serves several applications often
     * gives a generic "operator" or "viewer" role for another one; it must grant nothing here.
     */
    static final String VIEWER = "failover-viewer";
    static final String OPERATOR = "failover-operator";

    private final GroupReader reader;
    private final CommandService commands;
    private final ConditionalJson json;
    private final Topology topology;
    private final ActuatorRetries retries;
    private final Reports reports;
    private final Duration sendWithin;

    @Inject
    GroupsResource(GroupReader reader, CommandService commands, ConditionalJson json, Topology topology,
            ActuatorRetries retries, DecisionServiceConfig config, Reports reports) {
        this.reports = reports;
        this.reader = reader;
        this.commands = commands;
        this.json = json;
        this.topology = topology;
        this.retries = retries;
        this.sendWithin = config.commandTimeout();
    }

    @Context
    SecurityContext security;

    @GET
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "Every group: active target, health per target and location, automation state")
    @APIResponse(responseCode = "200", description = "every group, with an ETag",
            content = @Content(schema = @Schema(implementation = GroupView.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "304", description = "unchanged since the ETag sent in If-None-Match")
    public Response list(@Context Request request) {
        return json.answer(request, reader.views());
    }

    @GET
    @Path("/{group}")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "One group")
    @APIResponse(responseCode = "200", description = "the group",
            content = @Content(schema = @Schema(implementation = GroupView.class)))
    @APIResponse(responseCode = "404", description = "no such group",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "304", description = "unchanged since the ETag sent in If-None-Match")
    public Response get(@PathParam("group") String group, @Context Request request) {
        return reader.view(group).map(v -> json.answer(request, v)).orElseGet(() -> missing(group));
    }

    @GET
    @Path("/{group}/history")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "Audit history: recent decisions and operator actions, newest first")
    @APIResponse(responseCode = "200", description = "the history",
            content = @Content(schema = @Schema(implementation = History.class)))
    public Response history(@PathParam("group") String group) {
        return reader.view(group).map(v -> Response.ok(new History(v.recentDecisions(), v.audit())).build())
                .orElseGet(() -> missing(group));
    }

    @GET
    @Path("/{group}/explanation")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(
            summary = "Why the group does what it does now (why it is not failing over): its last evaluation, with the "
                    + "rules checked in order, the evidence per location and the margins")
    @APIResponse(responseCode = "200", description = "the explanation",
            content = @Content(schema = @Schema(implementation = Explanation.class)))
    @APIResponse(responseCode = "404", description = "no such group")
    @APIResponse(responseCode = "503",
            description = "this instance does not evaluate the group (another one owns it), or "
                    + "has not evaluated it yet")
    public Response explanationNow(@PathParam("group") String group) {
        knownGroup(group);
        return reader.explanationNow(group).map(e -> Response.ok(e).build()).orElseGet(() -> ApiError.response(503,
                "unavailable", null,
                reader.owns(group) ? "group " + group + " has not been evaluated yet; retry in a second"
                        : "group " + group
                                + " is evaluated by another decision-service instance; ask again (it may answer)"));
    }

    @GET
    @Path("/{group}/decisions/{decisionId}/explanation")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "Why a decision was made: the evidence per location (results with their Kafka positions), the "
            + "thresholds, the rules checked in order and which one fired, the margins, and the state it started from")
    @APIResponse(responseCode = "200", description = "the explanation",
            content = @Content(schema = @Schema(implementation = Explanation.class)))
    @APIResponse(responseCode = "422", description = "decisionId too long or with control characters")
    @APIResponse(responseCode = "404",
            description = "no such group, or no explanation kept for that decision: the latest "
                    + "five decisions of a group are explained (ADR 0011)")
    @APIResponse(responseCode = "503",
            description = "the explanations of a group another instance owns could not be read "
                    + "from Kafka now (not in time, another such read running, a record this instance cannot read)")
    public Response explanation(@PathParam("group") String group, @PathParam("decisionId") String decisionId) {
        knownGroup(group);
        RequestChecks.bounded("decisionId", decisionId, InputLimits.MAX_SHORT_TEXT);
        GroupReader.ExplanationLookup lookup = reader.explanation(group, decisionId);
        if (lookup instanceof GroupReader.ExplanationLookup.Found found) {
            return Response.ok(found.explanation()).build();
        }
        if (lookup instanceof GroupReader.ExplanationLookup.Unavailable unavailable) {
            return ApiError.response(503, "unavailable", null, "the explanations of group " + group
                    + " cannot be read now (" + unavailable.why() + "); ask again");
        }
        return ApiError.response(404, "not-found", "decisionId", "no explanation of decision '" + decisionId
                + "' in group "
                + group
                + ": the latest decisions of a group are explained, earlier ones are not kept (ids: failoverctl "
                + "history " + group + ")");
    }

    @GET
    @Path("/{group}/decisions/{decisionId}/report")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "A switch's report, signed: the decision, why (the rule path and the evidence with Kafka "
            + "offsets), each actuation step, the data tier's steps with their loss exposure, when each location's resolvers "
            + "saw it, the drill's outcome and the time of each stage; verified offline by failoverctl report verify")
    @APIResponse(responseCode = "200", description = "the report and its Ed25519 signature (key id, base64) over the "
            + "report's compact JSON", content = @Content(schema = @Schema(implementation = Reports.Document.class)))
    @APIResponse(responseCode = "422", description = "decisionId too long or with control characters")
    @APIResponse(responseCode = "404", description = "no such group, or the decision is not one of the group's latest")
    @APIResponse(responseCode = "503", description = "the decision's explanation could not be read from Kafka now")
    public Response report(@PathParam("group") String group, @PathParam("decisionId") String decisionId) {
        knownGroup(group);
        RequestChecks.bounded("decisionId", decisionId, InputLimits.MAX_SHORT_TEXT);
        Reports.Lookup lookup = reports.report(group, decisionId);
        if (lookup instanceof Reports.Lookup.Found found) {
            return Response.ok(found.document()).build();
        }
        if (lookup instanceof Reports.Lookup.Unavailable unavailable) {
            return ApiError.response(503, "unavailable", null, "the explanation of decision " + decisionId
                    + " cannot be read now (" + unavailable.why() + "); ask again");
        }
        return ApiError.response(404, "not-found", "decisionId",
                "no decision '" + decisionId + "' among the latest of group "
                        + group + " (ids: failoverctl history " + group + ")");
    }

    @POST
    @Path("/{group}/replay")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(
            summary = "Replays an explanation's recorded evidence through a fresh decision core with this instance's "
                    + "topology and answers what it decides, with its rule path: the same decision by the same rules shows that the "
                    + "evidence is what decided (failoverctl report verify)")
    @APIResponse(responseCode = "200", description = "the replay's own explanation",
            content = @Content(schema = @Schema(implementation = Explanation.class)))
    @APIResponse(responseCode = "422",
            description = "not an explanation of this group, or one the topology cannot replay "
                    + "(a target or location it does not have)")
    public Response replay(@PathParam("group") String group, Explanation explanation) {
        knownGroup(group);
        if (explanation == null || !group.equals(explanation.group())) {
            return ApiError.response(422, "invalid", "group", "the body must be an explanation of group " + group);
        }
        try {
            ExplanationReplay.Replayed replayed = ExplanationReplay.replayed(topology, explanation);
            return Response.ok(replayed.explanation()).build();
        } catch (RuntimeException e) {
            return ApiError.response(422, "invalid", "targets",
                    "the explanation cannot be replayed with this topology: "
                            + e.getMessage());
        }
    }

    /** Recent decisions and audit entries of a group. */
    public record History(List<Decision> decisions,
            List<dev.failover.decision.domain.model.GroupSnapshot.AuditEntry> actions) {
    }

    @POST
    @Path("/{group}/pin")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Pin a HEALTHY target (switching to it if needed) until the pin expires or is released")
    @APIResponse(responseCode = "404", description = "no such group")
    @APIResponse(responseCode = "409", description = "the target is not HEALTHY (use force) or a drill is running")
    @APIResponse(responseCode = "422", description = "unknown target, bad or past expiry, missing reason")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response pin(@PathParam("group") String group, Requests.Pin body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        FailoverGroup g = knownGroup(group);
        RequestChecks.present(body, "a JSON object with target, reason and optionally until is required");
        RequestChecks.reason(body.reason());
        RequestChecks.target(g, body.target());
        Instant until = body.until() == null ? null : RequestChecks.until(body.until());
        return submit(new Command.Pin(group, body.target(), until, body.reason(), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/release")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Release the pin; automation resumes at once")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response release(@PathParam("group") String group, Requests.Reason body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submit(new Command.Release(group, reason(group, body), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/pause")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Pause automatic switching; health is still tracked")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response pause(@PathParam("group") String group, Requests.Reason body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submit(new Command.Pause(group, reason(group, body), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/resume")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Resume automatic switching; also lifts a flap-guard freeze")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response resume(@PathParam("group") String group, Requests.Reason body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submit(new Command.Resume(group, reason(group, body), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/force")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Break glass: switch to a target whatever its health, and pin it")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response force(@PathParam("group") String group, Requests.Force body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        FailoverGroup g = knownGroup(group);
        RequestChecks.present(body, "a JSON object with target and reason is required");
        RequestChecks.reason(body.reason());
        RequestChecks.target(g, body.target());
        return submit(new Command.Force(group, body.target(), body.reason(), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/drills")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Start a DR drill now (only when every target is HEALTHY and automation runs)")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response startDrill(@PathParam("group") String group, Requests.Drill body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        FailoverGroup g = knownGroup(group);
        RequestChecks.present(body, "a JSON object with a reason is required");
        RequestChecks.reason(body.reason());
        if (body.target() != null) {
            RequestChecks.target(g, body.target());
        }
        if (body.durationMinutes() != null && (body.durationMinutes() < 1 || body.durationMinutes() > 1440)) {
            throw RequestChecks.invalid("durationMinutes", "must be between 1 and 1440, was " + body.durationMinutes());
        }
        RequestChecks.databaseConsent(g, body.promoteDatabase());
        Duration duration = body.durationMinutes() == null ? null : Duration.ofMinutes(body.durationMinutes());
        return submit(new Command.StartDrill(group, body.target(), duration, body.reason(), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/drills/end")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "End the running drill and restore traffic")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response endDrill(@PathParam("group") String group, Requests.Reason body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submit(new Command.EndDrill(group, reason(group, body), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/switchover")
    @RolesAllowed(OPERATOR)
    @Operation(
            summary = "Planned switchover to a HEALTHY target: the actuator lowers the record's TTL to its floor, waits "
                    + "out the old TTL, scales the target up, switches, verifies and restores the TTL (each step an actuation "
                    + "result); the target stays pinned until released, the pin expires, or the switchover is aborted")
    @APIResponse(responseCode = "404", description = "no such group")
    @APIResponse(responseCode = "409",
            description = "the target is not HEALTHY or not an eligible destination, or a drill runs")
    @APIResponse(responseCode = "422",
            description = "unknown or already active target, bad or past expiry, missing reason")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response switchover(@PathParam("group") String group, Requests.Switchover body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        FailoverGroup g = knownGroup(group);
        RequestChecks.present(body, "a JSON object with target, reason and optionally until is required");
        RequestChecks.reason(body.reason());
        RequestChecks.target(g, body.target());
        Instant until = body.until() == null ? null : RequestChecks.until(body.until());
        return submit(new Command.Switchover(group, body.target(), until, body.reason(), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/switchover/abort")
    @RolesAllowed(OPERATOR)
    @Operation(
            summary = "Abort a switchover: traffic returns to the target it left (if HEALTHY) and the pin is dropped")
    @APIResponse(responseCode = "409",
            description = "no switchover holds the group, or the target it left is not HEALTHY")
    @APIResponse(responseCode = "200", description = "applied by the instance that owns the group",
            content = @Content(schema = @Schema(implementation = CommandResponse.class)))
    @APIResponse(responseCode = "202",
            description = "sent to the owner, whose answer did not come in time: ask GET /groups/{group}",
            content = @Content(schema = @Schema(implementation = CommandPending.class)))
    public Response abortSwitchover(@PathParam("group") String group, Requests.Reason body,
            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey) {
        return submit(new Command.AbortSwitchover(group, reason(group, body), caller()), idempotencyKey);
    }

    @POST
    @Path("/{group}/retry")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Make a BLOCKED group's actuator try its desired state again, after the cause was fixed "
            + "(credentials, configuration, capacity, the ownership record): handed to the actuator that drives the group, "
            + "in whichever region, through failover.decisions (ADR 0025); its answer is the group's next RECONCILE "
            + "actuation result, in GET /groups/{group}")
    @APIResponse(responseCode = "404", description = "no such group")
    @APIResponse(responseCode = "422", description = "missing or too long reason")
    @APIResponse(responseCode = "503",
            description = "Kafka did not take it in time: most likely not sent; send it again")
    @APIResponse(responseCode = "202", description = "sent to the actuator that drives the group",
            content = @Content(schema = @Schema(implementation = RetrySent.class)))
    public Response retry(@PathParam("group") String group, Requests.Reason body) {
        String reason = reason(group, body);
        ActuatorRetries.Sent sent = retries.send(group, reason, caller(), sendWithin);
        if (sent instanceof ActuatorRetries.Sent.Published published) {
            ActuatorRetry retry = published.retry();
            return Response.accepted(new RetrySent(retry.retryId(), "sent", "sent to the actuator that drives " + group
                    + ": it tries the group's desired state again if the group is BLOCKED (a RECONCILE result says it"
                    + " did, or why not); follow it with GET /groups/" + group, retry.issuedAt())).build();
        }
        return ApiError.response(503, "unavailable", null, "Kafka did not take the retry within "
                + sendWithin.toSeconds()
                + " s, so it was most likely not sent (this channel gives up on it within 10 s); send it again: a second retry is"
                + " answered as not needed (the log of this instance says why, under retry id "
                + ((ActuatorRetries.Sent.NotSent) sent).retryId() + ")");
    }

    /** What a retry returns: it is on its way to the actuator that drives the group. */
    public record RetrySent(String retryId, String status, String message, Instant issuedAt) {
    }

    /** What a write returns when the owner did not answer in time: it may still apply the command. */
    public record CommandPending(String commandId, String status, String message) {
    }

    /** What a write returns when the owner applied it. */
    public record CommandResponse(String commandId, String status, String message, List<String> decisionIds,
            GroupView group) {
    }

    private Response submit(Command command, String idempotencyKey) {
        Optional<IdempotencyKey> key;
        try {
            key = IdempotencyKey.parse(idempotencyKey);
        } catch (IllegalArgumentException e) {
            return ApiError.response(400, "invalid", IdempotencyKey.HEADER, e.getMessage());
        }
        CommandReply reply = commands.submit(command, key);
        if (reply instanceof CommandReply.Applied applied) {
            return Response
                    .ok(new CommandResponse(applied.commandId(), "applied", applied.message(), applied.decisionIds(),
                            reader.view(command.group()).orElse(null)))
                    .build();
        }
        if (reply instanceof CommandReply.Rejected rejected) {
            return ApiError.response(status(rejected.rejection()),
                    rejected.rejection().name().toLowerCase().replace('_', '-'),
                    rejected.field(), rejected.message());
        }
        if (reply instanceof CommandReply.Pending pending) {
            return Response.accepted(new CommandPending(pending.commandId(), "pending", pending.message())).build();
        }
        return ApiError.response(503, "unavailable", null, ((CommandReply.Unavailable) reply).message());
    }

    /**
     * EXPIRED is a conflict with time: the command was not applied and may be sent again, with a new key. RATE_LIMITED
     * may be sent again later.
     */
    private static int status(Rejection rejection) {
        return switch (rejection) {
            case NOT_FOUND -> 404;
            case INVALID -> 422;
            case CONFLICT, EXPIRED -> 409;
            case RATE_LIMITED -> 429;
        };
    }

    /** The group must exist and the body must carry a reason: all that actions without other fields need. */
    private String reason(String group, Requests.Reason body) {
        knownGroup(group);
        RequestChecks.reason(body == null ? null : body.reason());
        return body.reason();
    }

    // Request checks: each throws the precise error response, so the endpoints read as the list of what they need. Those
    // of a field alone are RequestChecks'; these need the topology or the caller.

    private FailoverGroup knownGroup(String group) {
        return topology.group(group).orElseThrow(() -> new WebApplicationException(missing(group)));
    }

    /** 404 for a group the topology does not have; 503 for one whose state this instance has not loaded yet. */
    private Response missing(String group) {
        if (topology.group(group).isPresent()) {
            return ApiError.response(503, "unavailable", null, "the state of group " + group
                    + " is not loaded yet; retry in a few seconds");
        }
        return ApiError.notFound(group);
    }

    /** The caller's name, recorded with the write; a token whose name is too long to record is refused. */
    private String caller() {
        String name = security.getUserPrincipal().getName();
        String problem = name == null || name.isBlank() ? "is empty"
                : InputLimits.problem(name, InputLimits.MAX_PRINCIPAL);
        if (problem != null) {
            throw new WebApplicationException(ApiError.response(403, "forbidden", "token.upn",
                    "the token's caller name (upn, else sub) " + problem + "; it is recorded with every write"));
        }
        return name;
    }
}
