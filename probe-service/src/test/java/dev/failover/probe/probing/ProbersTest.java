package dev.failover.probe.probing;

import static dev.failover.probe.probing.Observed.down;
import static dev.failover.probe.probing.Observed.up;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.TcpProbe;
import dev.failover.probe.domain.Observation;
import dev.failover.probe.domain.Prober;
import io.vertx.core.Vertx;

/**
 * The probers against real local servers: no mocks of the network. Timeouts are generous (a cold JVM's first probe on a
 * busy core can take a second) except where the timeout itself is what a test shows.
 */
class ProbersTest {

    /** Timeout of probes whose timeout is not the point: far above anything a local answer needs, even on a busy core. */
    static final int GENEROUS_TIMEOUT_MILLIS = 10_000;
    static final int GENEROUS_CONNECT_TIMEOUT_MILLIS = 5_000;
    /** How long the /hang target holds its answer: far beyond any probe timeout used against it. */
    static final long HANG_MILLIS = 60_000;
    /** How long /slow takes to answer: well above the max latency it is probed with, well below the generous timeout. */
    static final long SLOW_MILLIS = 1_500;

    static HttpServer server;
    static final CountDownLatch endHang = new CountDownLatch(1);
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
                pause(SLOW_MILLIS);
                out.write("ok".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/slow", e -> {
            pause(SLOW_MILLIS);
            respond(e, 200, "ok");
        });
        server.createContext("/hang", e -> {
            awaitEndOfHang();
            respond(e, 200, "ok");
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterAll
    static void stop() {
        endHang.countDown();
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

    /** The target's own slowness (server side), not a wait of the test. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitEndOfHang() {
        try {
            endHang.await(HANG_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static HttpProbe httpSpec(String url, List<String> status, String bodyContains, Boolean follow, Integer timeout,
            Integer maxLatency) {
        return HttpProbe.get(url).expectedStatus(status).bodyContains(bodyContains).followRedirects(follow)
                .connectTimeoutMillis(GENEROUS_CONNECT_TIMEOUT_MILLIS).timeoutMillis(timeout)
                .maxLatencyMillis(maxLatency).build();
    }

    static TcpProbe tcpSpec(int port) {
        return new TcpProbe("127.0.0.1", port, null, GENEROUS_CONNECT_TIMEOUT_MILLIS, GENEROUS_TIMEOUT_MILLIS, null);
    }

    static <S extends ProbeSpec> Observation run(Prober<S> prober, S spec) throws Exception {
        return Observed.of(prober.probe(spec));
    }

    @Test
    void twoHundredWithTheExpectedBodyIsUp() throws Exception {
        Observation o = up(run(http, httpSpec(url("/ok"), null, "ok", null, GENEROUS_TIMEOUT_MILLIS, null)));
        assertThat(o.httpStatus()).as("status of %s", o).isEqualTo(200);
        assertThat(o.timings().dnsMillis()).as("DNS phase of %s", o).isNotNull();
        assertThat(o.timings().connectMillis()).as("connect phase of %s", o).isNotNull();
        assertThat(o.timings().firstByteMillis()).as("first byte of %s", o).isNotNull();
        assertThat(o.tlsDaysToExpiry()).as("days to certificate expiry without TLS, in %s", o).isNull();
    }

    @Test
    void fiveHundredIsDownWithUnexpectedStatus() throws Exception {
        Observation.Down d = down(run(http, httpSpec(url("/fail"), null, null, null, GENEROUS_TIMEOUT_MILLIS, null)),
                FailureReason.UNEXPECTED_STATUS);
        assertThat(d.detail()).as("detail names the status").contains("503");
        assertThat(d.httpStatus()).isEqualTo(503);
    }

    @Test
    void anExpectedStatusSetCanAcceptA503() throws Exception {
        up(run(http, httpSpec(url("/fail"), List.of("503"), null, null, GENEROUS_TIMEOUT_MILLIS, null)));
    }

    @Test
    void aRedirectIsJudgedByItsOwnStatusUnlessFollowed() throws Exception {
        Observation.Down notFollowed = down(run(http, httpSpec(url("/redirect"), List.of("200"), null, false,
                GENEROUS_TIMEOUT_MILLIS, null)), FailureReason.UNEXPECTED_STATUS);
        assertThat(notFollowed.httpStatus()).as("the redirect's own status, in %s", notFollowed).isEqualTo(302);
        Observation followed = up(
                run(http, httpSpec(url("/redirect"), List.of("200"), "ok", true, GENEROUS_TIMEOUT_MILLIS, null)));
        assertThat(followed.httpStatus()).as("the status after the redirect, in %s", followed).isEqualTo(200);
    }

    @Test
    void bodyTextBeyondTheByteLimitDoesNotCount() throws Exception {
        down(run(http, httpSpec(url("/big"), null, "needle", null, GENEROUS_TIMEOUT_MILLIS, null)),
                FailureReason.BODY_MISMATCH);
    }

    @Test
    void anAnswerThatNeverComesWithinTheTimeoutIsATimeout() throws Exception {
        int timeout = 1_000;
        Observation.Down d = down(run(http, httpSpec(url("/hang"), null, null, null, timeout, null)),
                FailureReason.TIMEOUT);
        assertThat(d.timings().totalMillis()).as("the probe ends at its %d ms timeout, long before the %d ms hang ends",
                timeout, HANG_MILLIS).isGreaterThanOrEqualTo(timeout).isLessThan(HANG_MILLIS / 2);
    }

    @Test
    void anAnswerSlowerThanMaxLatencyIsTooSlow() throws Exception {
        Observation.Down d = down(run(http, httpSpec(url("/slow"), null, null, null, GENEROUS_TIMEOUT_MILLIS, 200)),
                FailureReason.TOO_SLOW);
        assertThat(d.httpStatus()).as("status of %s", d).isEqualTo(200);
    }

    @Test
    void aBodyCheckSettledOnlyAtTheEndOfATricklingBodyIsTooSlowThoughTheHeadCameFirst() throws Exception {
        Observation.Down d = down(
                run(http, httpSpec(url("/slowbody"), null, "okok", null, GENEROUS_TIMEOUT_MILLIS, 300)),
                FailureReason.TOO_SLOW);
        assertThat(d.timings().totalMillis())
                .as("latency counts until the text arrived, %d ms after the head", SLOW_MILLIS)
                .isGreaterThanOrEqualTo(SLOW_MILLIS);
        assertThat(d.timings().firstByteMillis()).as("the head came before the trickling body ended, in %s", d)
                .isLessThan(d.timings().totalMillis());
    }

    @Test
    void withoutABodyCheckTheHeadDecidesAndTheTricklingBodyDoesNotCount() throws Exception {
        Observation o = up(run(http, httpSpec(url("/slowbody"), null, null, null, GENEROUS_TIMEOUT_MILLIS, 60_000)));
        assertThat(o.timings().totalMillis())
                .as("judged at the head, not %d ms later at the end of the body, in %s", SLOW_MILLIS, o)
                .isLessThan(o.timings().firstByteMillis() + SLOW_MILLIS);
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        int closed = freePort();
        down(run(http, httpSpec("http://127.0.0.1:" + closed + "/", null, null, null, GENEROUS_TIMEOUT_MILLIS, null)),
                FailureReason.CONNECTION_REFUSED);
        down(run(tcp, tcpSpec(closed)), FailureReason.CONNECTION_REFUSED);
    }

    @Test
    void anOpenTcpPortIsUp() throws Exception {
        Observation o = up(run(tcp, tcpSpec(server.getAddress().getPort())));
        assertThat(o.timings().connectMillis()).as("connect phase of %s", o).isNotNull();
    }

    /**
     * maxLatencyMillis is one of the keys every probe kind takes: a tcp probe slower than it is TOO_SLOW, as an http one.
     * The look-up of the host is part of the probe's time; a slow one here stands for a slow connect, which loopback
     * cannot make.
     */
    @Test
    void aTcpProbeSlowerThanMaxLatencyIsTooSlow() throws Exception {
        TcpProber slowLookUp = new TcpProber(command -> io.execute(() -> {
            pause(200);
            command.run();
        }));
        TcpProbe spec = new TcpProbe("127.0.0.1", server.getAddress().getPort(), null, GENEROUS_CONNECT_TIMEOUT_MILLIS,
                GENEROUS_TIMEOUT_MILLIS, 50);
        down(run(slowLookUp, spec), FailureReason.TOO_SLOW);
        up(run(tcp, new TcpProbe("127.0.0.1", server.getAddress().getPort(), null, GENEROUS_CONNECT_TIMEOUT_MILLIS,
                GENEROUS_TIMEOUT_MILLIS, GENEROUS_TIMEOUT_MILLIS)));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
