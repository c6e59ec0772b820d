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
 * A service's API over HTTP (the decision-service's override API, the actuators' reads): one GET or POST per call, JSON
 * read as a tree. The JDK's client keeps the CLI small and native-ready; there are no retries here: a write is sent once
 * with its idempotency key, so that the operator (or a script) may send it again safely. A call that gets no answer says
 * why, naming the server: its name does not resolve, the connection is refused, no answer in time, or TLS failed.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest the handshake of {@link #handshakeError()} may take: a TLS handshake takes milliseconds to a second. */
    private static final Duration HANDSHAKE_CHECK = Duration.ofSeconds(3);

    private final Endpoint endpoint;
    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /** @throws IllegalArgumentException when the endpoint's certificate-authority file cannot be used */
    public ApiClient(Endpoint endpoint, String token, Duration timeout) {
        this.endpoint = endpoint;
        this.base = endpoint.base();
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).sslContext(endpoint.sslContext()).build();
    }

    public Endpoint endpoint() {
        return endpoint;
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
        return send(request(path).GET().build(), path, null);
    }

    /** @param idempotencyKey sent as the Idempotency-Key header: a retry with the same key acts at most once */
    public Reply post(String path, JsonNode body, String idempotencyKey) throws ApiException {
        HttpRequest request = request(path).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(request, path, idempotencyKey);
    }

    /** A POST that is safe to send again without an Idempotency-Key (a retry: a second one is answered "not needed"). */
    public Reply post(String path, JsonNode body) throws ApiException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), path, null);
    }

    /** An answer the server gave with a 2xx: 200 applied, or 202 accepted but not yet confirmed. */
    public record Reply(int status, JsonNode body) {
        public boolean pending() {
            return status == 202;
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Accept",
                "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest request, String path, String idempotencyKey) throws ApiException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw failure(e, request, idempotencyKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unreachable("interrupted while calling " + endpoint.describe());
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            return new Reply(status, body);
        }
        String message = serverMessage(status, body);
        if (status >= 500) {
            throw new ApiException.Unreachable(
                    "the " + endpoint.service() + " could not answer " + request.method() + " " + path
                            + " (" + status + "): " + message);
        }
        throw new ApiException.Refused(status,
                "refused (" + status + " " + body.path("error").asText(reason(status)) + "): " + message);
    }

    /** The server's own words: the field at fault and the message of its JSON error; a bare status gets a plain reason. */
    private String serverMessage(int status, JsonNode body) {
        String message = body.path("message").asText("");
        String field = body.path("field").asText("");
        if (message.isEmpty()) {
            return switch (status) {
                case 401 -> "no valid token: set " + (endpoint.service().equals("actuator") ? "FAILOVER_ACTUATOR_TOKEN"
                        : "FAILOVER_TOKEN") + ", --token, --token-file or the context's user (a token of the role "
                        + "failover-viewer or failover-operator, for this service's audience, at most an hour old)";
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

    /** Why no answer came, told apart by the exception's causes; each kind has its exit code. */
    private ApiException failure(IOException e, HttpRequest request, String idempotencyKey) {
        String where = endpoint.describe();
        if (cause(e, java.nio.channels.UnresolvedAddressException.class) != null
                || cause(e, java.net.UnknownHostException.class) != null) {
            return new ApiException.NameNotResolved("cannot reach " + where + ": the host name " + base.getHost()
                    + " does not resolve (DNS); nothing was sent");
        }
        boolean connectTimedOut = cause(e, java.net.http.HttpConnectTimeoutException.class) != null;
        javax.net.ssl.SSLException tls = cause(e, javax.net.ssl.SSLException.class);
        if (tls == null && connectTimedOut) {
            tls = handshakeError().orElse(null);
        }
        if (tls != null) {
            return new ApiException.TlsFailed("TLS with " + where + " failed: " + tlsHint(tls));
        }
        if (connectTimedOut) {
            return new ApiException.TimedOut("cannot reach " + where + ": no connection within " + human(timeout)
                    + " (--timeout); nothing was sent");
        }
        if (cause(e, java.net.http.HttpTimeoutException.class) != null) {
            return new ApiException.TimedOut("no answer from " + where + " within " + human(timeout) + " (--timeout)"
                    + (idempotencyKey == null ? "" : "; the write may have been applied: check with status, or send it "
                            + "again with --idempotency-key " + idempotencyKey + " (acts at most once)"));
        }
        if (cause(e, java.net.ConnectException.class) != null) {
            return new ApiException.Unreachable("cannot reach " + where + ": connection refused");
        }
        String message = Optional.ofNullable(e.getMessage()).filter(m -> !m.isBlank()).orElse(null);
        return new ApiException.Unreachable("cannot reach " + where + ": " + e.getClass().getSimpleName()
                + (message == null ? "" : ": " + message) + (request.method().equals("POST") && idempotencyKey != null
                        ? " (if it arrived, sending it again with --idempotency-key " + idempotencyKey
                                + " acts at most once)"
                        : ""));
    }

    /**
     * For an https connection that timed out: one TLS handshake on a socket of its own, within the timeout but at most
     * {@link #HANDSHAKE_CHECK} (a silent server is not waited for twice over), and its error if it fails as TLS. The
     * JDK's HTTP client sometimes loses the error of a handshake the server answered in plain http and waits out the
     * connect timeout instead (seen on JDK 17 and 25 on a loaded machine); the operator must then still be told that the
     * port does not speak TLS, not that nothing answered. Nothing is sent but the handshake.
     */
    private Optional<javax.net.ssl.SSLException> handshakeError() {
        if (!"https".equalsIgnoreCase(base.getScheme())) {
            return Optional.empty();
        }
        int port = base.getPort() == -1 ? 443 : base.getPort();
        int millis = (int) Math.max(1, Math.min(HANDSHAKE_CHECK.toMillis(), timeout.toMillis()));
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(base.getHost(), port), millis);
            socket.setSoTimeout(millis);
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) endpoint.sslContext().getSocketFactory()
                    .createSocket(socket, base.getHost(), port, false)) {
                javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
            }
            return Optional.empty();
        } catch (javax.net.ssl.SSLException e) {
            // a JDK that wraps the read timeout in an SSLException: still no answer
            return cause(e, java.net.SocketTimeoutException.class) != null ? Optional.empty() : Optional.of(e);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no answer this time either: the timeout stands
        }
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String tlsHint(javax.net.ssl.SSLException e) {
        String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
        if (message.contains("PKIX") || message.contains("certification path")
                || message.contains("unable to find valid")) {
            return "its certificate is not trusted (set certificate-authority in the context's plane, or "
                    + "--certificate-authority FILE)";
        }
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "its certificate is for another name (" + message + ")";
        }
        if (message.contains("unrecognized SSL message") || message.contains("plaintext")) {
            return "it does not speak TLS on that port (plain http? use an http:// URL)";
        }
        if (message.contains("expired") || message.contains("NotAfter")) {
            return "its certificate has expired (" + message + ")";
        }
        return message;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
