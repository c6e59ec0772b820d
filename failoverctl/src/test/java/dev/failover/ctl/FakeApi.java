package dev.failover.ctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/** A stand-in decision-service for the CLI's unit tests: canned answers by "METHOD path", and every request kept. */
final class FakeApi implements AutoCloseable {

    record Answer(int status, String body) {
    }

    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Map<String, java.util.Deque<Answer>> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    private final boolean tls;

    FakeApi() {
        this(null);
    }

    /** @param tls when not null, the stand-in speaks https with this context's key */
    FakeApi(javax.net.ssl.SSLContext tls) {
        this.tls = tls != null;
        try {
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } else {
                com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer
                        .create(new InetSocketAddress("127.0.0.1", 0), 0);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            java.util.Deque<Answer> inTurn = answers.get(key);
            Answer answer = inTurn == null ? new Answer(404, "{\"status\":404,\"error\":\"not-found\","
                    + "\"field\":\"group\",\"message\":\"no such thing: " + key + "\"}")
                    : inTurn.size() > 1 ? inTurn.poll() : inTurn.peek();
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
    }

    FakeApi answer(String methodAndPath, int status, String body) {
        return answerInTurn(methodAndPath, status, body);
    }

    /** Answers {@code bodies} one per request in turn, the last one again and again. */
    FakeApi answerInTurn(String methodAndPath, int status, String... bodies) {
        java.util.Deque<Answer> inTurn = new java.util.concurrent.ConcurrentLinkedDeque<>();
        for (String body : bodies) {
            inTurn.add(new Answer(status, body));
        }
        answers.put(methodAndPath, inTurn);
        return this;
    }

    String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
