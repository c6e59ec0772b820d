package dev.failover.actuator.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.DataTier;
import dev.failover.actuator.domain.data.LossExposure;
import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.reconcile.GroupStatus;
import dev.failover.actuator.domain.reconcile.LaneStatus;
import dev.failover.actuator.domain.reconcile.Reconciler;
import dev.failover.actuator.domain.reconcile.RegionSwitchApproval;
import dev.failover.actuator.domain.reconcile.StartCheck;
import dev.failover.actuator.messaging.ReconcileLoop;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.topology.Topology;

/**
 * The groups this instance reconciles: what is desired, what is served, how far convergence got. The one write, retry,
 * only asks a blocked group to try its desired state again; it cannot change what is desired (that is the
 * decision-service's override API). Behind the decision-service's JWT identity: reads need the viewer or operator role,
 * the retry needs operator (it forces a pass, so a stranger must not make the actuator spend the DNS provider's request
 * budget). Errors have the body {@link ApiError}; every endpoint is in the OpenAPI document (/q/openapi), checked by
 * OpenApiDocumentTest.
 */
@Path("/groups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "groups", description = "The groups this actuator instance reconciles")
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "a token of the decision-service's identity provider for the audience failover-actuator-service")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "401", description = "no bearer token, or one not valid for this API (signature, issuer, "
        + "audience, age)")
@APIResponse(responseCode = "403",
        description = "the token lacks the role (failover-viewer or failover-operator; retry "
                + "needs failover-operator)")
public class GroupsResource {

    /** Roles, from the token's "groups" claim; namespaced as the decision-service's. */
    static final String VIEWER = "failover-viewer";
    static final String OPERATOR = "failover-operator";

    /**
     * A group's convergence, for people and tools; with its data tier (ADR 0020) when its targets have database nodes:
     * each node as this instance last observed it (a replica with its loss exposure), since when an unplanned
     * failover is held for the data-loss budget, how long the last promotion took, and since when the DNS switch is
     * refused after the database moved.
     */
    public record GroupStatusView(String group, Long desiredEpoch, String desiredTarget, String decisionId,
            Integer step,
            String status, Integer attempt, String detail, Instant since, long unservedSeconds, String served,
            List<DatabaseNodeView> databases, Instant heldForDataLossSince, Double lastPromotionSeconds,
            Instant switchRefusedAfterDatabaseMoveSince, PromotionView lastPromotionRequested) {

        public GroupStatusView {
            databases = databases == null ? List.of() : List.copyOf(databases);
        }

        static GroupStatusView of(GroupStatus s) {
            Convergence c = s.convergence();
            String status;
            Integer attempt = null;
            String detail = null;
            Instant since = null;
            if (c instanceof Convergence.Converging converging) {
                status = "CONVERGING";
                attempt = converging.attempt();
                detail = converging.lastError();
                since = converging.since();
            } else if (c instanceof Convergence.Converged converged) {
                status = "CONVERGED";
                since = converged.at();
            } else if (c instanceof Convergence.Blocked blocked) {
                status = "BLOCKED";
                detail = blocked.reason();
                since = blocked.since();
            } else if (c instanceof Convergence.Drifted drifted) {
                status = "DRIFT";
                detail = "served as " + drifted.served();
                since = drifted.since();
            } else if (c instanceof Convergence.Superseded superseded) {
                status = "SUPERSEDED";
                detail = "the record carries epoch " + superseded.byEpoch();
            } else if (c instanceof Convergence.Shadow) {
                status = "SHADOW";
            } else {
                status = "IDLE";
            }
            boolean initial = s.desired() == null && s.initialTarget() != null; // no decision yet: epoch 0 is desired
            return new GroupStatusView(s.group(),
                    s.desired() == null ? (initial ? Long.valueOf(0) : null) : Long.valueOf(s.desired().epoch()),
                    s.desired() == null ? s.initialTarget() : s.desired().target(),
                    s.desired() == null ? (initial ? DesiredState.INITIAL_DECISION_ID : null)
                            : s.desired().decision().decisionId(),
                    s.desired() == null ? null : s.desired().step(), status, attempt, detail, since,
                    s.unservedSince() == null ? 0 : Duration.between(s.unservedSince(), Instant.now()).toSeconds(),
                    s.served(),
                    s.dataTier().nodes().entrySet().stream().map(e -> DatabaseNodeView.of(e.getKey(), e.getValue(),
                            s.dataTier().exposures().get(e.getKey()))).toList(),
                    s.dataTier().heldSince(), s.dataTier().lastPromotion() == null ? null
                            : s.dataTier().lastPromotion().toMillis() / 1000.0,
                    s.dataTier().switchRefusedSince(),
                    PromotionView.of(s.dataTier().promoted()));
        }
    }

    /**
     * The last promotion this instance requested: of which target, when (the start of the pass that measured
     * and requested it), and what it was known it may lose: in words, and in seconds (0: nothing; null: unknown, or an
     * operator's force past a check that measured nothing). Commits acknowledged before {@code at} minus those seconds
     * are on the promoted node.
     */
    public record PromotionView(String target, Instant at, String lossExposure, Double lossExposureSeconds) {

        static PromotionView of(DataTier.Promotion promotion) {
            if (promotion == null) {
                return null;
            }
            LossExposure exposure = promotion.exposure();
            return new PromotionView(promotion.target(), promotion.at(), exposure == null ? null : exposure.describe(),
                    exposure instanceof LossExposure.Window w ? Double.valueOf(w.window().toMillis() / 1000.0)
                            : exposure instanceof LossExposure.None ? Double.valueOf(0) : null);
        }
    }

    /**
     * A target's database node as last observed: its role (WRITABLE, FENCED, REPLICA) and a replica's lag, or why it could
     * not be read (UNAVAILABLE: not reachable in time; REJECTED: refused, such as a login). A replica also says what
     * promoting it would lose if the primary were lost now: in words, and in seconds (0: nothing; null:
     * unknown, beyond any budget).
     */
    public record DatabaseNodeView(String target, String role, Double lagSeconds, Long unreplayedBytes,
            Boolean replayPaused,
            String error, Instant observedAt, String lossExposure, Double lossExposureSeconds) {

        static DatabaseNodeView of(String target, DataTier.Node node, LossExposure exposure) {
            if (node.observation() instanceof Database.Observation.Observed o) {
                return new DatabaseNodeView(target, o.role().name(), o.lagSeconds(), o.unreplayedBytes(),
                        o.replayPaused(),
                        null, node.at(), exposure == null ? null : exposure.describe(),
                        exposure instanceof LossExposure.Window w
                                ? Double.valueOf(w.window().toMillis() / 1000.0)
                                : exposure instanceof LossExposure.None ? Double.valueOf(0) : null);
            }
            return node.observation() instanceof Database.Observation.Unavailable u
                    ? new DatabaseNodeView(target, "UNAVAILABLE", null, null, null, u.reason(), node.at(), null, null)
                    : new DatabaseNodeView(target, "REJECTED", null, null, null,
                            ((Database.Observation.Rejected) node.observation()).reason(), node.at(), null, null);
        }
    }

    /** The longest reason a retry records, in characters. */
    static final int MAX_REASON = 500;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(GroupsResource.class);

    private final Reconciler reconciler;
    private final ReconcileLoop loop;
    private final io.quarkus.security.identity.SecurityIdentity identity;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final Topology topology;
    /** A start-up guard is answered only while it holds (ADR 0020, "A former primary never starts writable"). */
    private final dev.failover.actuator.lease.Lease lease;

    @Inject
    GroupsResource(Reconciler reconciler, ReconcileLoop loop, io.quarkus.security.identity.SecurityIdentity identity,
            com.fasterxml.jackson.databind.ObjectMapper json, Topology topology,
            dev.failover.actuator.lease.CoordinatorLease lease) {
        this.lease = lease;
        this.reconciler = reconciler;
        this.loop = loop;
        this.identity = identity;
        this.json = json;
        this.topology = topology;
    }

    @GET
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "Every group this instance reconciles: desired and served state, convergence")
    @APIResponse(responseCode = "200", description = "the groups",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = GroupStatusView.class)))
    public List<GroupStatusView> groups() {
        return reconciler.statuses().stream().map(GroupStatusView::of).toList();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "One group: IDLE when another instance reconciles it")
    @APIResponse(responseCode = "200", description = "the group",
            content = @Content(schema = @Schema(implementation = GroupStatusView.class)))
    @APIResponse(responseCode = "404", description = "no such group in the topology",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public GroupStatusView group(@PathParam("id") String id) {
        return GroupStatusView.of(reconciler.status(known(id)));
    }

    /**
     * One provider lane of a group written to several DNS providers (ADR 0036, "What the status shows").
     *
     * @param lane          the provider's id in the topology
     * @param kind          route53, rfc2136 or route53-arc
     * @param state         SERVED, CONVERGING, REFUSED, THROTTLED or DRIFT; absent before the lane's first pass
     * @param detail        the attempt and last error while converging, the provider's answer when refused
     * @param attempt       the lane's own passing failures since its last success
     * @param since         since when the lane is in its state
     * @param unservedSince since when the lane does not serve the decision; absent while it does
     */
    public record ProviderLaneView(String lane, String kind, LaneState state, String detail, int attempt, Instant since,
            Instant unservedSince) {

        static ProviderLaneView of(LaneStatus lane) {
            return new ProviderLaneView(lane.lane(), lane.kind(), lane.state(), lane.detail(), lane.attempt(),
                    lane.since(),
                    lane.unservedSince());
        }
    }

    @GET
    @Path("{id}/providers")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "One group's DNS providers, a row per lane; empty for a group of one provider or one another"
            + " instance reconciles")
    @APIResponse(responseCode = "200", description = "the group's lanes",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ProviderLaneView.class)))
    @APIResponse(responseCode = "404", description = "no such group in the topology",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public List<ProviderLaneView> providers(@PathParam("id") String id) {
        return reconciler.lanes(known(id)).stream().map(ProviderLaneView::of).toList();
    }

    /** Tries a blocked group's desired state again (after its configuration or credentials were fixed). */
    @POST
    @Path("{id}/retry")
    @RolesAllowed(OPERATOR)
    @Operation(
            summary = "Try a BLOCKED group's desired state again, after its cause was fixed (a full readyTimeoutSeconds "
                    + "again for capacity); the reason is recorded with the caller's name")
    @APIResponse(responseCode = "400", description = "the request could not be read at all",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "no reason, or one that is too long: the field is named",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "202", description = "a pass is triggered; the group's status now",
            content = @Content(schema = @Schema(implementation = GroupStatusView.class)))
    @APIResponse(responseCode = "404", description = "no such group in the topology",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "this instance does not reconcile the group (its partition is "
            + "assigned elsewhere, or it has no decision yet): ask the instance that does",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response retry(@PathParam("id") String id,
            @org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RetryRequest.class))) String text) {
        known(id);
        RetryRequest body = body(text, RetryRequest.class, "{\"reason\": \"...\"}");
        reason(body == null ? null : body.reason());
        driven(id);
        String principal = identity.getPrincipal().getName();
        LOG.infof("retry of %s asked by %s: %s", id, principal, body.reason());
        reconciler.group(id).retry(principal, body.reason());
        loop.trigger(id);
        return Response.accepted(GroupStatusView.of(reconciler.status(id))).build();
    }

    /**
     * An operator answers a step of the group's Region switch execution that waits for a manual approval (ADR 0028):
     * approved, or declined (which cancels the execution, as AWS does; the group is then BLOCKED). Audited: the answer
     * carries "who: why" to AWS and is published as a REGION_SWITCH result with the caller's name.
     */
    @POST
    @Path("{id}/region-switch/approve")
    @RolesAllowed(OPERATOR)
    @Operation(summary = "Approve (or decline) the step of the group's Region switch execution that waits for a manual "
            + "approval; the reason is recorded with the caller's name")
    @APIResponse(responseCode = "200", description = "Region switch took the answer",
            content = @Content(schema = @Schema(implementation = ApprovalView.class)))
    @APIResponse(responseCode = "400", description = "the request could not be read at all",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "no such group in the topology",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409",
            description = "nothing waits for this answer (no plan, no execution of the desired "
                    + "decision, the step not waiting: AWS's own message), or this instance does not drive the group",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "422", description = "no step or reason, or one too long: the field is named",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "Region switch could not be asked now: ask again",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response approveRegionSwitchStep(@PathParam("id") String id,
            @org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApprovalRequest.class))) String text) {
        known(id);
        ApprovalRequest body = body(text, ApprovalRequest.class, "{\"step\": \"...\", \"reason\": \"...\"}");
        if (body == null || body.step() == null || body.step().isBlank()) {
            return ApiError.response(422, "invalid", "step", "is required: the name of the step waiting for approval");
        }
        if (body.step().length() > 200) {
            return ApiError.response(422, "invalid", "step", "is longer than 200 characters");
        }
        reason(body.reason());
        driven(id);
        String principal = identity.getPrincipal().getName();
        boolean approve = !Boolean.TRUE.equals(body.decline());
        LOG.infof("Region switch step %s of %s %s by %s: %s", body.step(), id, approve ? "approved" : "declined",
                principal,
                body.reason());
        RegionSwitchApproval.Answer answer = reconciler.answerRegionSwitchStep(id, body.step(), approve, principal,
                body.reason());
        if (answer instanceof RegionSwitchApproval.Answer.Answered answered) {
            loop.trigger(id);
            return Response.ok(new ApprovalView(id, answered.executionId(), body.step(), approve, answered.detail()))
                    .build();
        }
        if (answer instanceof RegionSwitchApproval.Answer.NotWaiting not) {
            return ApiError.response(409, "conflict", "step", not.why());
        }
        return ApiError.response(503, "unavailable", null, ((RegionSwitchApproval.Answer.Unavailable) answer).reason());
    }

    /** An answer to a Region switch approval step: which step, approve (default) or decline, and why. */
    @Schema(description = "The step waiting for approval, whether to decline it (default: approve), and why.")
    public record ApprovalRequest(@Schema(required = true) String step, Boolean decline,
            @Schema(required = true) String reason) {
    }

    /** What Region switch took. */
    public record ApprovalView(String group, String executionId, String step, boolean approved, String detail) {
    }

    /** A retry's body: why, recorded with who asked. */
    @Schema(description = "Why the group is tried again: recorded with the caller's name in the group's status and results.")
    public record RetryRequest(@Schema(required = true) String reason) {
    }

    /**
     * Whether a target's database node may start as a primary (ADR 0020 "A former primary never starts
     * writable"): asked by the node's start-up guard before its server starts. Only the instance that drives the group
     * answers, while it holds its lease (another answers 409, one whose lease lapsed 503; the guard asks every region's
     * and takes the newest epoch's verdict).
     *
     * @param writable whether the node may start as the primary it was; false: it starts read-only
     * @param reason   why, in words
     * @param epoch    the epoch of the desired state the verdict comes from; 0 for the initial state
     */
    public record StartCheckView(String group, String target, boolean writable, String reason, long epoch) {
    }

    @GET
    @Path("{id}/targets/{target}/start-check")
    @RolesAllowed({ VIEWER, OPERATOR })
    @Operation(summary = "May the target's database node start as a primary? Asked by its start-up guard; only the "
            + "node of the target the group wants, with no other node seen taking writes, may")
    @APIResponse(responseCode = "200", description = "the verdict: writable, or read-only with the reason",
            content = @Content(schema = @Schema(implementation = StartCheckView.class)))
    @APIResponse(responseCode = "404",
            description = "no such group in the topology, or the target has no database node",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409",
            description = "this instance does not drive the group: ask the instance that does",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "this instance's lease lapsed: it cannot vouch for its view of the"
            + " group (another region's actuator may drive it at a newer epoch); ask the others",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response startCheck(@PathParam("id") String id, @PathParam("target") String target) {
        known(id);
        if (topology.group(id).flatMap(g -> g.target(target)).filter(t -> t.database() != null).isEmpty()) {
            return ApiError.response(404, "not-found", "target", "target " + target + " of group " + id
                    + " has no database node in the topology");
        }
        reconciler.askedToWrite(id, target);
        StartCheck.Answer answer = StartCheck.answer(lease.lapsed(),
                reconciler.drives(id) ? reconciler.status(id) : null,
                target);
        if (answer instanceof StartCheck.Answer.NotNow notNow) {
            return ApiError.response(503, "unavailable", "lease", notNow.why());
        }
        if (!(answer instanceof StartCheck.Answer.Given given)) {
            return ApiError.response(409, "conflict", "group", id + ": not driven by this instance (its partition is"
                    + " assigned elsewhere): ask every region's actuator");
        }
        StartCheck.Verdict verdict = given.verdict();
        return Response.ok(new StartCheckView(id, target, verdict.writable(), verdict.reason(), verdict.epoch()))
                .build();
    }

    /**
     * The body read whatever the content type says, so that a bare POST or a body that is not JSON is answered naming
     * the field; null when there is none.
     */
    private <T> T body(String text, Class<T> type, String shape) {
        try {
            return text == null || text.isBlank() ? null : json.readValue(text, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new WebApplicationException(
                    ApiError.response(422, "invalid", "body", "is not a JSON object " + shape + ": "
                            + e.getOriginalMessage()));
        }
    }

    /** An operator's write says why, for the audit trail, in at most {@link #MAX_REASON} characters. */
    private static void reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new WebApplicationException(
                    ApiError.response(422, "invalid", "reason", "is required: say why, for the "
                            + "audit trail (a JSON object {\"reason\": \"...\"})"));
        }
        if (reason.codePointCount(0, reason.length()) > MAX_REASON) {
            throw new WebApplicationException(ApiError.response(422, "invalid", "reason", "is longer than " + MAX_REASON
                    + " characters"));
        }
    }

    /** Only the instance that drives the group acts for it. */
    private void driven(String id) {
        if (!reconciler.drives(id)) {
            throw new WebApplicationException(
                    ApiError.response(409, "conflict", "group", id + ": not reconciled by this "
                            + "instance (its partition is assigned elsewhere, or it has no decision yet)"));
        }
    }

    private String known(String id) {
        if (topology.group(id).isEmpty()) {
            throw new WebApplicationException(ApiError.response(404, "not-found", "group",
                    "group " + id + " is not in the topology"));
        }
        return id;
    }
}
