package dev.failover.testkit.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for one region's service, for the local stack and tests. {@code GET /health} answers 200 "ok" until it is
 * told to fail ({@code POST /admin/fail}, the SIMULATE_FAILURE switch), then 503 until {@code POST /admin/recover}.
 * JDK only, so the stack script can run it from the testkit jar with no other dependency.
 */
public final class DemoBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final AtomicBoolean failing = new AtomicBoolean();

    private DemoBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. */
    public static DemoBackend start(String name, int port) {
        return start(name, "127.0.0.1", port);
    }

    /** Starts on {@code host}, one of this host's (or network namespace's) addresses; port 0 picks a free port. */
    public static DemoBackend start(String name, String host, int port) {
        try {
            // A deep accept queue: the capacity benchmark opens 5,000 connections a second to one backend; with 64 the
            // kernel dropped SYNs (TcpExtListenOverflows), retried after 1 s, past the probes' connect timeout.
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 4096);
            DemoBackend backend = new DemoBackend(name, server);
            server.createContext("/health", backend::health);
            server.createContext("/admin/fail", exchange -> backend.switchTo(exchange, true));
            server.createContext("/admin/recover", exchange -> backend.switchTo(exchange, false));
            server.createContext("/", exchange -> respond(exchange, 200, "region " + name + "\n"));
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
            return backend;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start demo backend " + name + " on port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String healthUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + port() + "/health";
    }

    public void fail() {
        failing.set(true);
    }

    public void recover() {
        failing.set(false);
    }

    private void health(HttpExchange exchange) throws IOException {
        if (failing.get()) {
            respond(exchange, 503, "failing (simulated) " + name + "\n");
        } else {
            respond(exchange, 200, "ok " + name + "\n");
        }
    }

    private void switchTo(HttpExchange exchange, boolean fail) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "use POST\n");
            return;
        }
        failing.set(fail);
        System.out.println("demo backend " + name + (fail ? " now FAILING" : " RECOVERED"));
        respond(exchange, 200, name + (fail ? " failing\n" : " healthy\n"));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** {@code DemoBackend NAME PORT [HOST]}: runs until killed; HOST defaults to 127.0.0.1. */
    public static void main(String[] args) {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: DemoBackend NAME PORT [HOST]");
            System.exit(2);
        }
        String host = args.length == 3 ? args[2] : "127.0.0.1";
        DemoBackend backend = start(args[0], host, Integer.parseInt(args[1]));
        System.out.println("demo backend " + args[0] + " listening on " + host + ":" + backend.port());
    }
}
