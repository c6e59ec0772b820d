package dev.failover.probe.probing;

import static dev.failover.probe.probing.Observed.down;
import static dev.failover.probe.probing.Observed.up;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.probe.domain.Observation;
import io.vertx.core.Vertx;

/**
 * Route 53's semantics against a raw local server that misbehaves on purpose: without a body check the status decides
 * at the head, so a body that trickles on past the timeout, or a connection that closes before its Content-Length is
 * reached, does not matter; with one, the bytes that arrived decide (by the timeout: TIMEOUT when the text is not among
 * them); a connection closed before any head is CONNECTION_RESET.
 */
class ShortAndSlowBodiesTest {

    /** The probe timeout where the timeout is not the point: far above what a local head needs, even on a busy core. */
    static final int GENEROUS_TIMEOUT_MILLIS = 10_000;
    /** How long /trickle keeps sending one byte at a time: far beyond any probe timeout used against it. */
    static final long TRICKLE_MILLIS = 60_000;
    static final String SHORT_BODY = "ok, and then";

    static ServerSocket server;
    static final ExecutorService connections = Executors.newCachedThreadPool();
    static final CountDownLatch stopped = new CountDownLatch(1);
    static final ExecutorService io = Executors.newFixedThreadPool(2);
    static final Vertx vertx = Vertx.vertx();
    static final VertxHttpProber http = new VertxHttpProber(vertx, io, 64);

    @BeforeAll
    static void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.execute(() -> answer(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }, "misbehaving-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        stopped.countDown();
        server.close();
        connections.shutdownNow();
        io.shutdownNow();
        vertx.close();
    }

    /** Answers by the request path; see each case. */
    static void answer(Socket socket) {
        try (socket) {
            String path = requestPath(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            switch (path) {
                case "/trickle" -> {
                    // "ok" at once, then one more byte every 100 ms for a minute, far past any probe's timeout
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nok"));
                    out.flush();
                    while (!stopped.await(100, TimeUnit.MILLISECONDS)) {
                        out.write('.');
                        out.flush();
                    }
                }
                case "/short" -> {
                    // a Content-Length of 1000, 12 bytes of it, then an orderly close (FIN)
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + SHORT_BODY));
                    out.flush();
                }
                case "/short-reset" -> {
                    // the same, then a reset (RST)
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + SHORT_BODY));
                    out.flush();
                    socket.setSoLinger(true, 0);
                }
                case "/unavailable" -> {
                    // a 503 whose body trickles on: judged DOWN at the head, and the probe closes the connection
                    out.write(ascii("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100000\r\n\r\ndown"));
                    out.flush();
                    while (!stopped.await(100, TimeUnit.MILLISECONDS)) {
                        out.write('.');
                        out.flush();
                    }
                }
                case "/close-before-head" -> {
                    // the request is read, then the connection closed without a word
                }
                case "/reset-before-head" -> socket.setSoLinger(true, 0);
                default -> out.write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
            }
        } catch (IOException | InterruptedException e) {
            // the prober closed its side: that is how it stops reading
        }
    }

    static String requestPath(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        return head.toString().split(" ", 3)[1];
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    static HttpProbe spec(String path, String bodyContains, String bodyRegex, int timeoutMillis) {
        return HttpProbe.get(url(path)).bodyContains(bodyContains).bodyRegex(bodyRegex).connectTimeoutMillis(5_000)
                .timeoutMillis(timeoutMillis).build();
    }

    static Observation run(HttpProbe spec) throws Exception {
        return Observed.of(http.probe(spec));
    }

    // (a) a 200 whose body trickles in for longer than the timeout

    @Test
    void aTricklingBodyDoesNotMatterWithoutABodyCheck() throws Exception {
        Observation o = up(run(spec("/trickle", null, null, GENEROUS_TIMEOUT_MILLIS)));
        assertThat(o.httpStatus()).as("status of %s", o).isEqualTo(200);
        assertThat(o.timings().totalMillis())
                .as("judged at the head, not after the %d ms body, in %s", TRICKLE_MILLIS, o)
                .isLessThan(GENEROUS_TIMEOUT_MILLIS);
    }

    @Test
    void aTricklingBodyIsUpAsSoonAsItsFirstBytesHoldTheText() throws Exception {
        Observation o = up(run(spec("/trickle", "ok", null, GENEROUS_TIMEOUT_MILLIS)));
        assertThat(o.timings().totalMillis())
                .as("judged once the text arrived, not after the %d ms body, in %s", TRICKLE_MILLIS, o)
                .isLessThan(GENEROUS_TIMEOUT_MILLIS);
    }

    @Test
    void aTricklingBodyWithoutTheTextByTheTimeoutIsATimeout() throws Exception {
        int timeout = 1_000;
        Observation.Down d = down(run(spec("/trickle", "needle", null, timeout)), FailureReason.TIMEOUT);
        assertThat(d.httpStatus()).as("the head arrived: its status is kept, in %s", d).isEqualTo(200);
        assertThat(d.detail()).as("detail of %s", d).startsWith("body does not contain 'needle' in the ")
                .endsWith(" bytes received within " + timeout + " ms");
        assertThat(d.timings().totalMillis())
                .as("ended by the %d ms timeout, long before the %d ms body would end", timeout,
                        TRICKLE_MILLIS)
                .isGreaterThanOrEqualTo(timeout).isLessThan(TRICKLE_MILLIS / 2);
    }

    // (b) a 200 whose connection closes before its Content-Length is reached

    @Test
    void aShortBodyDoesNotMatterWithoutABodyCheck() throws Exception {
        up(run(spec("/short", null, null, GENEROUS_TIMEOUT_MILLIS)));
        up(run(spec("/short-reset", null, null, GENEROUS_TIMEOUT_MILLIS)));
    }

    @Test
    void aShortBodyIsJudgedOnWhatArrived() throws Exception {
        // "then$" matches what arrived, but only the end of the body can tell: the close ends it
        up(run(spec("/short", null, "then$", GENEROUS_TIMEOUT_MILLIS)));
        up(run(spec("/short-reset", null, "then$", GENEROUS_TIMEOUT_MILLIS)));
        Observation.Down closed = down(run(spec("/short", "needle", null, GENEROUS_TIMEOUT_MILLIS)),
                FailureReason.BODY_MISMATCH);
        assertThat(closed.detail()).as("detail of %s", closed)
                .startsWith("body does not contain 'needle' in the " + SHORT_BODY.length()
                        + " bytes received before the connection closed");
        Observation.Down reset = down(run(spec("/short-reset", "needle", null, GENEROUS_TIMEOUT_MILLIS)),
                FailureReason.BODY_MISMATCH);
        assertThat(reset.detail()).as("detail of %s", reset)
                .startsWith("body does not contain 'needle' in the " + SHORT_BODY.length()
                        + " bytes received before the connection closed");
    }

    @Test
    void aConnectionClosedBeforeAnyHeadIsReset() throws Exception {
        down(run(spec("/close-before-head", null, null, GENEROUS_TIMEOUT_MILLIS)), FailureReason.CONNECTION_RESET);
        down(run(spec("/reset-before-head", null, null, GENEROUS_TIMEOUT_MILLIS)), FailureReason.CONNECTION_RESET);
    }

    // (c) a failing target is a probe result (and a metric), never an ERROR line of the plane

    @Test
    void aTargetThatFailsOrIsCutOffLogsNoError() throws Exception {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger(""); // Vert.x logs through java.util.logging here, as through JBoss LogManager in Quarkus
        root.addHandler(capture);
        try {
            down(run(spec("/unavailable", null, null, GENEROUS_TIMEOUT_MILLIS)), FailureReason.UNEXPECTED_STATUS);
            up(run(spec("/trickle", null, null, GENEROUS_TIMEOUT_MILLIS))); // judged at the head, then cut off by the probe
            down(run(spec("/short", "needle", null, GENEROUS_TIMEOUT_MILLIS)), FailureReason.BODY_MISMATCH);
            down(run(spec("/reset-before-head", null, null, GENEROUS_TIMEOUT_MILLIS)), FailureReason.CONNECTION_RESET);
            // the connections the probes closed are closed on their event loops after the results: give those a second
            Awaitility.await("no ERROR logged for a second").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(errors::isEmpty);
        } catch (ConditionTimeoutException e) {
            // reported below, with what was logged
        } finally {
            root.removeHandler(capture);
        }
        assertThat(errors).as("ERROR lines logged while probing failing targets")
                .extracting(r -> r.getLoggerName() + ": " + r.getMessage()
                        + (r.getThrown() == null ? "" : " " + r.getThrown()))
                .isEmpty();
    }
}
