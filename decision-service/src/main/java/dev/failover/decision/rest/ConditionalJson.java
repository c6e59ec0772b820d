package dev.failover.decision.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON answer with an entity tag of its bytes: a client that polls (the operator page, every two seconds) sends it
 * back in {@code If-None-Match} and gets a 304 without a body while nothing changed. Strong tags: the same bytes, the
 * same tag, on every instance that renders the same view.
 */
@ApplicationScoped
public class ConditionalJson {

    private final ObjectMapper mapper;

    @Inject
    ConditionalJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** 304 when the request's {@code If-None-Match} names these bytes, else 200 with them and their tag. */
    public Response answer(Request request, Object body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
        EntityTag tag = new EntityTag(digest(json));
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        if (unchanged != null) {
            return unchanged.tag(tag).build();
        }
        return Response.ok(new String(json, StandardCharsets.UTF_8), MediaType.APPLICATION_JSON_TYPE).tag(tag).build();
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
