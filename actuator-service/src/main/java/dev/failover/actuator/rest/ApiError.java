package dev.failover.actuator.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error the actuator's API returns, as the decision-service's: a 4xx names the request field at
 * fault.
 *
 * @param status  the HTTP status
 * @param error   a short class: not-found, invalid, conflict
 * @param field   the request field at fault, if one is
 * @param message what is wrong, for people
 */
public record ApiError(int status, String error, String field, String message) {

    public static Response response(int status, String error, String field, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(status, error, field, message))
                .build();
    }
}
