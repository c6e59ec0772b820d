package dev.failover.probe.probing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.ProbeType;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;
import io.vertx.core.Vertx;

/** The probers against real local servers: no mocks of the network. */
class ProbersTest {

    static HttpServer server;
    static ExecutorService io = Executors.newFixedThreadPool(2);
    static Vertx vertx = Vertx.vertx();
    static VertxHttpProber http = new VertxHttpProber(vertx, io, 64);
    static TcpProber tcp = new TcpProber(io);

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/ok", e -> respond(e, 200, "all ok here"));
        server.createContext("/fail", e -> respond(e, 503, "down"));
        server.createContext("/redirect", e -> {
            e.getResponseHeaders().set("Location", "/ok");
            respond(e, 302, "");
        });
        server.createContext("/big", e -> respond(e, 200, "x".repeat(10_000) + "needle"));
        server.createContext("/slowbody", e -> {
            e.sendResponseHeaders(200, 4);
            try (OutputStream out = e.getResponseBody()) {
                out.write("ok".getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep(600);
                out.write("ok".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/slow", e -> {
            sleep(1500);
            respond(e, 200, "ok");
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        io.shutdownNow();
        vertx.close();
    }

    static void respond(com.sun.net.httpserver.HttpExchange e, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static ProbeSpec httpSpec(String url, List<String> status, String bodyContains, Boolean follow, Integer timeout, Integer maxLatency) {
        return new ProbeSpec(ProbeType.HTTP, url, null, Map.of(), null, status, bodyContains, null, null, follow, null, null, null,
                null, 500, timeout, maxLatency);
    }

    static Observation run(Prober prober, ProbeSpec spec) throws Exception {
        return prober.probe(spec).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoHundredWithTheExpectedBodyIsUp() throws Exception {
        Observation o = run(http, httpSpec(url("/ok"), null, "ok", null, 1000, null));
        assertThat(o).isInstanceOf(Observation.Up.class);
        assertThat(o.httpStatus()).isEqualTo(200);
        assertThat(o.timings().dnsMillis()).isNotNull();
        assertThat(o.timings().connectMillis()).isNotNull();
        assertThat(o.timings().firstByteMillis()).isNotNull();
        assertThat(o.tlsDaysToExpiry()).isNull();
    }

    @Test
    void fiveHundredIsDownWithUnexpectedStatus() throws Exception {
        Observation o = run(http, httpSpec(url("/fail"), null, null, null, 1000, null));
        assertThat(o).isInstanceOfSatisfying(Observation.Down.class, d -> {
            assertThat(d.reason()).isEqualTo(FailureReason.UNEXPECTED_STATUS);
            assertThat(d.detail()).contains("503");
        });
    }

    @Test
    void anExpectedStatusSetCanAcceptA503() throws Exception {
        assertThat(run(http, httpSpec(url("/fail"), List.of("503"), null, null, 1000, null))).isInstanceOf(Observation.Up.class);
    }

    @Test
    void aRedirectIsJudgedByItsOwnStatusUnlessFollowed() throws Exception {
        assertThat(run(http, httpSpec(url("/redirect"), List.of("200"), null, false, 1000, null)))
                .isInstanceOfSatisfying(Observation.Down.class, d -> assertThat(d.httpStatus()).isEqualTo(302));
        assertThat(run(http, httpSpec(url("/redirect"), List.of("200"), "ok", true, 1000, null))).isInstanceOf(Observation.Up.class);
    }

    @Test
    void bodyTextBeyondTheByteLimitDoesNotCount() throws Exception {
        assertThat(run(http, httpSpec(url("/big"), null, "needle", null, 1000, null)))
                .isInstanceOfSatisfying(Observation.Down.class, d -> assertThat(d.reason()).isEqualTo(FailureReason.BODY_MISMATCH));
    }

    @Test
    void aSlowAnswerPastTheTimeoutIsATimeout() throws Exception {
        assertThat(run(http, httpSpec(url("/slow"), null, null, null, 500, null)))
                .isInstanceOfSatisfying(Observation.Down.class, d -> assertThat(d.reason()).isEqualTo(FailureReason.TIMEOUT));
    }

    @Test
    void anAnswerSlowerThanMaxLatencyIsTooSlow() throws Exception {
        assertThat(run(http, httpSpec(url("/slow"), null, null, null, 3000, 200)))
                .isInstanceOfSatisfying(Observation.Down.class, d -> assertThat(d.reason()).isEqualTo(FailureReason.TOO_SLOW));
    }

    @Test
    void aBodyThatTricklesInPastMaxLatencyIsTooSlowThoughTheHeadersCameFast() throws Exception {
        Observation o = run(http, httpSpec(url("/slowbody"), null, null, null, 3000, 300));
        assertThat(o).isInstanceOfSatisfying(Observation.Down.class, d -> {
            assertThat(d.reason()).isEqualTo(FailureReason.TOO_SLOW);
            assertThat(d.timings().firstByteMillis()).isLessThan(300);
            assertThat(d.timings().totalMillis()).isGreaterThanOrEqualTo(300);
        });
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        int closed = freePort();
        assertThat(run(http, httpSpec("http://127.0.0.1:" + closed + "/", null, null, null, 1000, null)))
                .isInstanceOfSatisfying(Observation.Down.class,
                        d -> assertThat(d.reason()).isEqualTo(FailureReason.CONNECTION_REFUSED));
        ProbeSpec tcpSpec = new ProbeSpec(ProbeType.TCP, null, null, null, null, null, null, null, null, null, null, "127.0.0.1",
                closed, null, 500, 1000, null);
        assertThat(run(tcp, tcpSpec)).isInstanceOfSatisfying(Observation.Down.class,
                d -> assertThat(d.reason()).isEqualTo(FailureReason.CONNECTION_REFUSED));
    }

    @Test
    void anOpenTcpPortIsUp() throws Exception {
        ProbeSpec tcpSpec = new ProbeSpec(ProbeType.TCP, null, null, null, null, null, null, null, null, null, null, "127.0.0.1",
                server.getAddress().getPort(), null, 500, 1000, null);
        Observation o = run(tcp, tcpSpec);
        assertThat(o).isInstanceOf(Observation.Up.class);
        assertThat(o.timings().connectMillis()).isNotNull();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
