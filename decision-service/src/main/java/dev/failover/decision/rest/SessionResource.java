package dev.failover.decision.rest;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.failover.decision.config.DecisionServiceConfig;
import dev.failover.decision.health.KafkaContact;
import dev.failover.decision.view.GroupReader;

/**
 * What the operator page asks besides the groups (ADR 0019): who the caller is and whether it may act, which instance
 * answers, its clock, and where each group's view comes from. A page that shows "data as of" must know whether the data
 * is live from the group's owner or read from a state record, and of when; and whether the answering instance reaches
 * Kafka, without which its view does not move and its commands are not delivered.
 */
@Path("/ui/api/session")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "page", description = "What the operator page needs besides the groups")
@SecurityRequirement(name = "jwt")
public class SessionResource {

    private final GroupReader reader;
    private final DecisionServiceConfig config;
    private final KafkaContact kafka;

    @Inject
    SessionResource(GroupReader reader, DecisionServiceConfig config, KafkaContact kafka) {
        this.reader = reader;
        this.config = config;
        this.kafka = kafka;
    }

    @Context
    SecurityContext security;

    /**
     * @param principal  the caller's name, as recorded with its writes
     * @param operator   whether the caller may act (the operator role); the API checks every write again
     * @param instance   the decision-service instance that answered
     * @param serverTime this instance's clock when it answered
     * @param groups     per group, whether this instance owns it and, if not, of when its view is
     * @param kafka      whether this instance reaches the Kafka cluster, since when, and why not
     */
    public record Session(String principal, boolean operator, String instance, Instant serverTime,
            List<GroupSource> groups, KafkaContact.Contact kafka) {
    }

    /** Where one group's view comes from ({@link GroupReader.Source}). */
    public record GroupSource(String group, boolean owned, Instant asOf) {
    }

    @GET
    @RolesAllowed({ GroupsResource.VIEWER, GroupsResource.OPERATOR })
    @Operation(summary = "The caller, the answering instance and its clock, and where each group's view comes from")
    @APIResponse(responseCode = "200", description = "the session",
            content = @Content(schema = @Schema(implementation = Session.class)))
    public Session session() {
        List<GroupSource> groups = reader.groupIds().stream().flatMap(g -> reader.source(g)
                .map(s -> new GroupSource(g, s.owned(), s.asOf())).stream()).toList();
        return new Session(security.getUserPrincipal().getName(), security.isUserInRole(GroupsResource.OPERATOR),
                config.instanceId(), Instant.now(), groups, kafka.contact());
    }
}
