package dev.failover.actuator.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.failover.actuator.messaging.RecentActuations;
import dev.failover.contract.event.ActuationResult;

/** Read-only: the step results this instance published most recently, newest first; viewer or operator. */
@Path("/actuations")
@Produces(MediaType.APPLICATION_JSON)
public class ActuationsResource {

    @Inject
    RecentActuations recent;

    @GET
    @RolesAllowed({ GroupsResource.VIEWER, GroupsResource.OPERATOR })
    public List<ActuationResult> latest(@QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > 200) {
            throw new BadRequestException("limit: must be between 1 and 200, was " + limit);
        }
        return recent.latest(limit);
    }
}
