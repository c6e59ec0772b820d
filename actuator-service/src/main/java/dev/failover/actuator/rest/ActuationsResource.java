package dev.failover.actuator.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.failover.actuator.messaging.RecentActuations;
import dev.failover.contract.event.ActuationResult;

/** Read-only: the step results this instance published most recently, newest first; viewer or operator. */
@Path("/actuations")
@Tag(name = "actuations", description = "The step results this actuator instance published")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "401", description = "no bearer token, or one not valid for this API (signature, issuer, "
        + "audience, age)")
@APIResponse(responseCode = "403", description = "the token lacks the role (failover-viewer or failover-operator)")
@Produces(MediaType.APPLICATION_JSON)
public class ActuationsResource {

    private final RecentActuations recent;

    @Inject
    ActuationsResource(RecentActuations recent) {
        this.recent = recent;
    }

    @GET
    @RolesAllowed({ GroupsResource.VIEWER, GroupsResource.OPERATOR })
    @Operation(summary = "The latest step results, newest first")
    @APIResponse(responseCode = "200", description = "the results",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ActuationResult.class)))
    @APIResponse(responseCode = "422", description = "limit out of range",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public List<ActuationResult> latest(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 200) {
            throw new WebApplicationException(ApiError.response(422, "invalid", "limit",
                    "limit: must be between 1 and 200, was " + limit));
        }
        return recent.latest(limit);
    }
}
