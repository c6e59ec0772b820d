package dev.failover.decision.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error the API returns.
 *
 * @param status  the HTTP status
 * @param error   a short class: not-found, invalid, conflict
 * @param field   the request field at fault, if one is
 * @param message what is wrong, for people
 */
public record ApiError(int status, String error, String field, String message) {

    public static Response response(int status, String error, String field, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(status, error, field, message)).build();
    }

    public static Response invalid(String field, String message) {
        return response(422, "invalid", field, field + ": " + message);
    }

    public static Response notFound(String group) {
        return response(404, "not-found", "group", "no group '" + group + "'");
    }
}
