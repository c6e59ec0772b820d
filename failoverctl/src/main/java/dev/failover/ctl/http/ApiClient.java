package dev.failover.ctl.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The decision-service's override API over HTTP: one GET or POST per call, JSON read as a tree. The JDK's client keeps
 * the CLI small and native-ready; there are no retries here: a write is sent once with its idempotency key, so that the
 * operator (or a script) may send it again safely.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    public ApiClient(URI base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path) throws ApiException {
        return send(request(path).GET().build(), path);
    }

    /** @param idempotencyKey sent as the Idempotency-Key header: a retry with the same key acts at most once */
    public Reply post(String path, JsonNode body, String idempotencyKey) throws ApiException {
        HttpRequest request = request(path).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(request, path);
    }

    /** An answer the server gave with a 2xx: 200 applied, or 202 accepted but not yet confirmed. */
    public record Reply(int status, JsonNode body) {
        public boolean pending() {
            return status == 202;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest request, String path) throws ApiException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException.Unreachable("cannot reach the decision-service at " + base + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unreachable("interrupted while calling " + base);
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            return new Reply(status, body);
        }
        String message = serverMessage(status, body);
        if (status >= 500) {
            throw new ApiException.Unreachable("the decision-service could not answer " + request.method() + " " + path + " ("
                    + status + "): " + message);
        }
        throw new ApiException.Refused("refused (" + status + " " + body.path("error").asText(reason(status)) + "): " + message);
    }

    /** The server's own words: the field at fault and the message of its JSON error; a bare status gets a plain reason. */
    private static String serverMessage(int status, JsonNode body) {
        String message = body.path("message").asText("");
        String field = body.path("field").asText("");
        if (message.isEmpty()) {
            return switch (status) {
                case 401 -> "no valid token: set FAILOVER_TOKEN, --token or --token-file (a token of the role failover-viewer "
                        + "or failover-operator, for this service's audience, at most an hour old)";
                case 403 -> "the token's role does not allow this (writes need failover-operator)";
                case 404 -> "not found";
                default -> reason(status);
            };
        }
        return field.isEmpty() ? message : field + ": " + message;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 409 -> "conflict";
            case 413 -> "too-large";
            case 422 -> "invalid";
            case 429 -> "rate-limited";
            default -> "http " + status;
        };
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String describe(IOException e) {
        String message = Optional.ofNullable(e.getMessage()).filter(m -> !m.isBlank()).orElse(null);
        if (e instanceof java.net.ConnectException) {
            return "connection refused" + (message == null ? "" : " (" + message + ")");
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
