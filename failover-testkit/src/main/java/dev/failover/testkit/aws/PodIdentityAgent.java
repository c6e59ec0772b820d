package dev.failover.testkit.aws;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The EKS Pod Identity agent as a pod sees it (the container credentials endpoint, {@code
 * http://169.254.170.23/v1/credentials} on a node, here on loopback, which the AWS SDKs allow over plain HTTP): a GET
 * of {@code /v1/credentials} with an {@code Authorization} header that must be exactly the pod's service-account token
 * (what the SDK reads from {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}); it answers fresh temporary credentials in
 * the container-credentials JSON, or 401 without them. Every request is kept. JDK only.
 */
public final class PodIdentityAgent implements AutoCloseable {

    static final String PATH = "/v1/credentials";

    /** One request as received: its method and path, the Authorization header, the credentials issued (null when refused). */
    public record Request(String method, String path, String authorization, TemporaryCredentials issued) {
    }

    private final String trustedToken;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private PodIdentityAgent(String trustedToken, HttpServer server) {
        this.trustedToken = trustedToken;
        this.server = server;
    }

    /** Starts on a free loopback port; only requests carrying exactly {@code trustedToken} get credentials. */
    public static PodIdentityAgent start(String trustedToken) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            PodIdentityAgent agent = new PodIdentityAgent(trustedToken, server);
            server.createContext("/", agent::handle);
            server.start();
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Pod Identity agent fixture", e);
        }
    }

    /** The value for {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public URI credentialsUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** The requests answered so far, oldest first. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (!method.equals("GET") || !path.equals(PATH)) {
                requests.add(new Request(method, path, authorization, null));
                answer(exchange, 404, "{\"message\":\"not found: " + method + " " + path + "\"}");
            } else if (!trustedToken.equals(authorization)) {
                requests.add(new Request(method, path, authorization, null));
                answer(exchange, 401, "{\"message\":\"Service account token cannot be empty or is not valid\"}");
            } else {
                TemporaryCredentials issued = TemporaryCredentials.issue("PODID");
                requests.add(new Request(method, path, authorization, issued));
                answer(exchange, 200, "{\"AccessKeyId\":\"" + issued.accessKeyId() + "\",\"SecretAccessKey\":\""
                        + issued.secretAccessKey() + "\",\"Token\":\"" + issued.sessionToken()
                        + "\",\"AccountId\":\"111122223333\","
                        + "\"Expiration\":\"" + issued.expiration() + "\"}");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
