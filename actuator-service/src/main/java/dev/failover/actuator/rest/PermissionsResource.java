package dev.failover.actuator.rest;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.failover.actuator.permissions.PermissionCheck;
import dev.failover.actuator.permissions.PermissionReports;

/**
 * Read-only: what this actuator found of its own permissions, the same findings as
 * {@code failover_actuator_permission_missing}. Each region's actuator checks with its own credentials, so
 * {@code failoverctl permissions} asks every one.
 */
@Path("/permissions")
@Tag(name = "permissions", description = "The permissions this actuator instance found it has or lacks")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "401", description = "no bearer token, or one not valid for this API (signature, issuer, "
        + "audience, age)")
@APIResponse(responseCode = "403", description = "the token lacks the role (failover-viewer or failover-operator)")
@Produces(MediaType.APPLICATION_JSON)
public class PermissionsResource {

    /**
     * The last check's findings.
     *
     * @param checked           whether this actuator checks its permissions ahead
     * @param notCheckedBecause why not, when it does not
     * @param at                when the last check ran; absent before the first
     * @param needed            how many permissions the topology needs of this actuator (checked or not: 0 only when it
     *                          needs none)
     * @param missing           those found denied
     * @param unchecked         the places that could not be asked, and why (a denial found before stays in missing)
     */
    @Schema(name = "Permissions")
    public record PermissionsView(boolean checked, String notCheckedBecause, Instant at, int needed,
            List<Missing> missing,
            List<Unchecked> unchecked) {

        static PermissionsView of(PermissionReports reports) {
            if (reports.check().isEmpty()) {
                return new PermissionsView(false, reports.notCheckedBecause(), null, reports.neededUnchecked(),
                        List.of(),
                        List.of());
            }
            PermissionCheck check = reports.check().get();
            int needed = check.plan().size();
            return check
                    .last().map(report -> new PermissionsView(true, null, report.at(), needed, report.missing().stream()
                            .map(a -> new Missing(a.needed().place().toString(), a.needed().action(), a.resource(),
                                    a.needed().why(),
                                    a.detail()))
                            .distinct().toList(),
                            report.unknown().entrySet().stream()
                                    .map(e -> new Unchecked(e.getKey().toString(), e.getValue()))
                                    .sorted(Comparator.comparing(Unchecked::place)).toList()))
                    .orElseGet(() -> new PermissionsView(true, null, null, needed, List.of(), List.of()));
        }
    }

    /**
     * A permission needed and denied.
     *
     * @param place    whose credentials were asked: an AWS place or a Kubernetes cluster
     * @param action   the IAM action, or for a cluster {@code <api group>/<resource>:<verb>}
     * @param resource what it is needed on
     * @param why      what in the topology needs it
     * @param detail   what the check was told
     */
    @Schema(name = "MissingPermission")
    public record Missing(String place, String action, String resource, String why, String detail) {
    }

    /** A place whose permissions could not be asked this time, and why. */
    @Schema(name = "UncheckedPlace")
    public record Unchecked(String place, String why) {
    }

    private final PermissionReports reports;

    @Inject
    PermissionsResource(PermissionReports reports) {
        this.reports = reports;
    }

    @GET
    @RolesAllowed({ GroupsResource.VIEWER, GroupsResource.OPERATOR })
    @Operation(summary = "The permissions this actuator lacks, as its last check found")
    @APIResponse(responseCode = "200", description = "the findings",
            content = @Content(schema = @Schema(implementation = PermissionsView.class)))
    public PermissionsView permissions() {
        return PermissionsView.of(reports);
    }
}
