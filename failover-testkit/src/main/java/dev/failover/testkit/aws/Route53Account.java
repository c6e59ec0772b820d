package dev.failover.testkit.aws;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.failover.testkit.aws.Route53Zone.RecordSet;
import dev.failover.testkit.aws.Route53Zone.SignedRequest;

/**
 * One AWS account's Route 53 endpoint over HTTP: the hosted zones it holds ({@link Route53Zone}) behind one endpoint
 * and one request budget, as Route 53's five requests per second are the account's, shared by every caller and every
 * zone. A request over the budget is answered {@code Throttling} whatever it asks; a change id is the account's, so
 * {@code GetChange} finds the zone that wrote it.
 */
public final class Route53Account implements AutoCloseable {

    /** {@code Credential=AKID/20261123/us-east-1/route53/aws4_request} in the Authorization header. */
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/\\d{8}/([^/]+)/([^/]+)/aws4_request");
    private static final Pattern ZONE_PATH = Pattern.compile("/2013-04-01/hostedzone/([^/]+)/rrset/?");

    private final HttpServer server;
    private final Map<String, Route53Zone> zones = new ConcurrentHashMap<>();
    private final List<SignedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger changeIds = new AtomicInteger();
    private final AtomicLong throttled = new AtomicLong();
    private final Deque<Instant> recent = new ArrayDeque<>();
    private volatile int requestsPerSecond = Integer.MAX_VALUE;

    private Route53Account(InetSocketAddress address) throws IOException {
        server = HttpServer.create(address, 0);
        server.createContext("/2013-04-01/", this::handle);
        server.start();
    }

    /** Starts an account with no zones on a free local port. */
    public static Route53Account start() throws IOException {
        return start(0);
    }

    /** Starts an account with no zones on this local port (0: a free one). */
    public static Route53Account start(int port) throws IOException {
        return new Route53Account(new InetSocketAddress("127.0.0.1", port));
    }

    /** Adds a hosted zone with these record sets. */
    public Route53Zone zone(String zoneId, List<RecordSet> initial) {
        Route53Zone zone = new Route53Zone(this, zoneId);
        zone.load(initial);
        if (zones.putIfAbsent(zoneId, zone) != null) {
            throw new IllegalArgumentException("hosted zone " + zoneId + " is already in this account");
        }
        return zone;
    }

    /** The endpoint to give the AWS SDK as its endpoint override. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The most requests answered per second (Route 53: five per account); more get Throttling. */
    public Route53Account requestsPerSecond(int limit) {
        this.requestsPerSecond = limit;
        return this;
    }

    /** Every request received so far, oldest first, with the credentials it was signed with. */
    public List<SignedRequest> requests() {
        return List.copyOf(requests);
    }

    /** How many requests were answered Throttling so far. */
    public long throttled() {
        return throttled.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    String nextChangeId() {
        return "C" + changeIds.incrementAndGet();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            var credential = CREDENTIAL
                    .matcher(Objects.toString(exchange.getRequestHeaders().getFirst("Authorization"), ""));
            boolean over = overBudget();
            requests.add(new SignedRequest(method, path, credential.find() ? credential.group(1) : "none",
                    exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), Instant.now(),
                    exchange.getRequestURI().getRawQuery(), over));
            if (over) {
                throttled.incrementAndGet();
                Route53Zone.answer(exchange, 400, Route53Zone.error("Throttling", "Rate exceeded"));
                return;
            }
            Matcher zonePath = ZONE_PATH.matcher(path);
            if (zonePath.matches() && zones.containsKey(zonePath.group(1))
                    && (method.equals("POST") || (method.equals("GET") && !path.endsWith("/")))) {
                Route53Zone zone = zones.get(zonePath.group(1));
                if (method.equals("POST")) {
                    zone.change(exchange);
                } else {
                    zone.list(exchange);
                }
            } else if (method.equals("GET") && path.startsWith("/2013-04-01/change/")) {
                String id = path.substring(path.lastIndexOf('/') + 1);
                var zone = zones.values().stream().filter(z -> z.wrote(id)).findFirst();
                if (zone.isEmpty()) {
                    Route53Zone.answer(exchange, 404, Route53Zone.error("NoSuchChange",
                            "A change with the specified change ID does not exist."));
                    return;
                }
                zone.get().getChange(exchange, id);
            } else if (path.startsWith("/2013-04-01/hostedzone/")) {
                Route53Zone.answer(exchange, 404,
                        Route53Zone.error("NoSuchHostedZone", "No hosted zone found with ID: " + path));
            } else {
                Route53Zone.answer(exchange, 400,
                        Route53Zone.error("InvalidInput", "unsupported request " + method + " " + path));
            }
        }
    }

    /** Whether this request is one too many in the last second. */
    private synchronized boolean overBudget() {
        Instant now = Instant.now();
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minusSeconds(1))) {
            recent.pollFirst();
        }
        if (recent.size() >= requestsPerSecond) {
            return true;
        }
        recent.addLast(now);
        return false;
    }
}
