package dev.failover.decision.rest;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.failover.decision.domain.DecisionEngine;
import dev.failover.decision.domain.GroupView;

/** Read-only view of each group's active target and health. */
@Path("/groups")
@Produces(MediaType.APPLICATION_JSON)
public class GroupsResource {

    @Inject
    DecisionEngine engine;

    @GET
    public List<GroupView> list() {
        return engine.views();
    }

    @GET
    @Path("/{group}")
    public GroupView get(@PathParam("group") String group) {
        return engine.view(group).orElseThrow(() -> new NotFoundException("no group '" + group + "'"));
    }
}
