package dev.failover.decision.rest;

import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * A request body that is not JSON, or whose field has the wrong type, is the caller's error: 400 naming the field (its
 * JSON path) or the body, in the API's error shape, with no parser internals. Quarkus's reader throws a mismatched input
 * as it is and wraps the other errors in a bodyless 400; both are answered here.
 */
public class JsonBodyErrors {

    /**
     * Quarkus's JSON reader turns a body it cannot parse (and a mapping error other than a mismatched input) into a 400
     * without a body; only those get this answer, every other WebApplicationException keeps its own response.
     */
    @ServerExceptionMapper
    public Response unreadable(WebApplicationException e) {
        Throwable cause = e.getCause();
        // A number too big for its field reaches us two ways, depending on where Jackson notices: from the parser, as
        // a bare InputCoercionException (a StreamReadException, so it must be tested first), or from a deserializer,
        // wrapped in a JsonMappingException (see unmappable). Both are the same caller error and get the same answer.
        if (cause instanceof InputCoercionException coercion) {
            String field = currentField(coercion);
            return ApiError.response(400, "invalid", field,
                    field + ": number out of range" + at(coercion.getLocation()));
        }
        if (cause instanceof StreamReadException parse) {
            return ApiError.response(400, "invalid", "body", "body: not valid JSON" + at(parse.getLocation()));
        }
        if (cause instanceof JsonMappingException mapping) {
            return unmappable(mapping);
        }
        return e.getResponse();
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        String field = path(e);
        Class<?> type = e.getTargetType();
        String expected = type == null ? "another type of value" : expected(type);
        return ApiError.response(400, "invalid", field, field + ": must be " + expected + at(e.getLocation()));
    }

    @ServerExceptionMapper
    public Response unmappable(JsonMappingException e) {
        String field = path(e);
        String problem = e.getCause() instanceof InputCoercionException ? "number out of range" : "cannot be read";
        return ApiError.response(400, "invalid", field, field + ": " + problem + at(e.getLocation()));
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "body" : path;
    }

    private static String currentField(StreamReadException e) {
        String name = e.getProcessor() == null || e.getProcessor().getParsingContext() == null ? null
                : e.getProcessor().getParsingContext().getCurrentName();
        return name == null ? "body" : name;
    }

    private static String expected(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type.isRecord() ? "a JSON object" : "another type of value";
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
