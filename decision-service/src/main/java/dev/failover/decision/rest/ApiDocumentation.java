package dev.failover.decision.rest;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the OpenAPI document (mp.openapi.filter) with what the endpoints share, so that each resource method
 * documents only its success bodies and what its own statuses mean: 401 and 403 on every endpoint, 404 and 503 where a
 * group is in the path, the refusals every write can get, and on every error but 401, 403 and 413 (answered before the
 * API sees the request) the error body {@link ApiError}, whose field names the request field at fault.
 * OpenApiDocumentTest compares the document with the resources.
 */
public class ApiDocumentation implements OASFilter {

    private static final String ERROR_SCHEMA = "#/components/schemas/ApiError";

    private static final Map<String, String> EVERY_ENDPOINT = Map.of(
            "401", "no bearer token, or one not valid for this API (signature, issuer, audience, age)",
            "403", "the token lacks the role (failover-viewer or failover-operator; writes need failover-operator), or "
                    + "its caller name (upn, else sub) is empty or too long to record");
    private static final Map<String, String> GROUP_IN_PATH = Map.of(
            "404", "no such group",
            "503",
            "the group's state is not loaded on this instance yet, or the instance that owns the group cannot be "
                    + "reached now; retry");
    private static final Map<String, String> EVERY_WRITE = Map.of(
            "400", "the body is not JSON or a field has the wrong type (field: its JSON path), or the Idempotency-Key "
                    + "header is malformed",
            "413", "the body is larger than quarkus.http.limits.max-body-size",
            "422",
            "a field is missing or invalid (field names it), or the Idempotency-Key was used for another command");
    /**
     * What the owner of a group may answer to a command; not the actuator's retry, which no owner applies (ADR 0025),
     * nor a replay or a what-if, which change nothing.
     */
    private static final Map<String, String> EVERY_COMMAND = Map.of(
            "409", "refused by the group's state (see message), or the command expired before its owner took it: send "
                    + "it again with a new Idempotency-Key",
            "429", "rate limited: send it again later");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            APIResponses responses = operation.getResponses();
            add(responses, EVERY_ENDPOINT);
            if (path.contains("{group}")) {
                add(responses, GROUP_IN_PATH);
            }
            if (method == PathItem.HttpMethod.POST) {
                add(responses, EVERY_WRITE);
                // no owner applies these: nothing to refuse (a what-if documents its own 429)
                if (!path.endsWith("/retry") && !path.endsWith("/replay") && !path.equals("/whatif")) {
                    add(responses, EVERY_COMMAND);
                }
            }
            responses.getAPIResponses().forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    if (!status.equals("401") && !status.equals("403") && !status.equals("413")
                            && response.getContent() == null) {
                        response.setContent(OASFactory.createContent().addMediaType("application/json",
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR_SCHEMA))));
                    }
                }
            });
        }));
    }

    private static void add(APIResponses responses, Map<String, String> statuses) {
        statuses.forEach((status, description) -> {
            if (!responses.hasAPIResponse(status)) {
                APIResponse response = OASFactory.createAPIResponse().description(description);
                responses.addAPIResponse(status, response);
            }
        });
    }
}
