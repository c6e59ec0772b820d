package dev.failover.testkit.aws;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * One AWS region's ECS API, over HTTP, for an actuator pointed at it with an endpoint override: DescribeServices and
 * UpdateService in JSON 1.1 ({@code X-Amz-Target}) as the ECS API reference documents them, services with state (a
 * service is ACTIVE with desired and running count 1 when first named; running follows desired at once). It checks what
 * real AWS checks first: every request must be signed (SigV4) with a credential scoped to <em>this</em> region and the
 * ecs service, or it answers 400 InvalidSignatureException as AWS does for a request signed for another region. Every
 * call is kept, with the region and access key it was signed with, and listed on {@code GET /calls} (one line each:
 * {@code operation cluster service desiredCount signedRegion accessKeyId}) so that a test in another process can assert
 * which region was asked to scale what. JDK only, so a test can run it from the testkit jar in a region's namespace:
 * {@code java -cp failover-testkit.jar dev.failover.testkit.aws.EcsRegion <region> <host> <port>}.
 */
public final class EcsRegion implements AutoCloseable {

    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    /** {@code Credential=AKID/20261123/us-west-2/ecs/aws4_request}: the scope AWS checks against the endpoint's region. */
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/\\d{8}/([^/]+)/([^/]+)/aws4_request");

    /** One API call as received. {@code desiredCount} is null for reads. */
    public record Call(String operation, String cluster, String service, Integer desiredCount, String signedRegion,
            String accessKeyId, Instant at) {

        String line() {
            return String.join(" ", operation, cluster, service, String.valueOf(desiredCount), signedRegion,
                    accessKeyId);
        }

        /** Parses a line of {@code GET /calls}. */
        public static Call parse(String line) {
            String[] f = line.trim().split(" ");
            return new Call(f[0], f[1], f[2], f[3].equals("null") ? null : Integer.valueOf(f[3]), f[4], f[5], null);
        }
    }

    private final String region;
    private final HttpServer server;
    private final Map<String, Integer> desired = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private EcsRegion(String region, HttpServer server) {
        this.region = region;
        this.server = server;
    }

    /** Starts on {@code host}, one of this host's (or network namespace's) addresses; port 0 picks a free port. */
    public static EcsRegion start(String region, String host, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
            EcsRegion ecs = new EcsRegion(region, server);
            server.createContext("/calls", ecs::listCalls);
            server.createContext("/", ecs::api);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
            return ecs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the ECS API of " + region + " on " + host + ":" + port, e);
        }
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: EcsRegion <region> <host> <port>");
            System.exit(2);
        }
        EcsRegion ecs = start(args[0], args[1], Integer.parseInt(args[2]));
        System.out.println("ECS API of " + args[0] + " on " + ecs.endpoint());
    }

    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** The calls this region's API answered, in order (signed for another region included). */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The desired count of a service, once named. */
    public Optional<Integer> desiredCount(String cluster, String service) {
        return Optional.ofNullable(desired.get(cluster + "/" + service));
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            String operation = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : target;
            Matcher credential = CREDENTIAL
                    .matcher(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                            .orElse(""));
            boolean signed = credential.find();
            String signedRegion = signed ? credential.group(2) : "unsigned";
            String accessKey = signed ? credential.group(1) : "none";
            String cluster = field(body, "cluster").orElse("default");
            String service = operation.equals("DescribeServices") ? firstOf(body, "services").orElse("?")
                    : field(body, "service").orElse("?");
            Integer count = number(body, "desiredCount").orElse(null);
            calls.add(new Call(operation, cluster, service, count, signedRegion, accessKey, Instant.now()));
            if (!signed || !signedRegion.equals(region) || !credential.group(3).equals("ecs")) {
                error(exchange, "InvalidSignatureException",
                        "Credential should be scoped to a valid region. (" + signedRegion
                                + " at the endpoint of " + region + ")");
                return;
            }
            String key = cluster + "/" + service;
            switch (operation) {
                case "DescribeServices" -> {
                    desired.putIfAbsent(key, 1);
                    respond(exchange, 200, "{\"services\":[" + service(cluster, service) + "],\"failures\":[]}");
                }
                case "UpdateService" -> {
                    if (count != null) {
                        desired.put(key, count);
                    } else {
                        desired.putIfAbsent(key, 1);
                    }
                    respond(exchange, 200, "{\"service\":" + service(cluster, service) + "}");
                }
                default -> error(exchange, "UnknownOperationException", "not modelled: " + operation);
            }
        }
    }

    private String service(String cluster, String service) {
        int count = desired.get(cluster + "/" + service);
        return "{\"serviceArn\":\"arn:aws:ecs:" + region + ":111122223333:service/" + cluster + "/" + service + "\","
                + "\"serviceName\":\"" + service + "\",\"clusterArn\":\"arn:aws:ecs:" + region
                + ":111122223333:cluster/"
                + cluster + "\",\"status\":\"ACTIVE\",\"desiredCount\":" + count + ",\"runningCount\":" + count
                + ",\"pendingCount\":0,\"launchType\":\"FARGATE\"}";
    }

    private void listCalls(HttpExchange exchange) throws IOException {
        try (exchange) {
            respond(exchange, 200,
                    calls.stream().map(Call::line).collect(Collectors.joining("\n", "", calls.isEmpty() ? "" : "\n")));
        }
    }

    private static Optional<String> field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Optional<String> firstOf(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\\[\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Optional<Integer> number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? Optional.of(Integer.valueOf(m.group(1))) : Optional.empty();
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        respond(exchange, 400, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
