package dev.failover.probe.probing;

import static dev.failover.probe.probing.Observed.down;
import static dev.failover.probe.probing.Observed.up;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;

import dev.failover.contract.event.FailureReason;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.probe.domain.Observation;
import io.vertx.core.Vertx;

/**
 * HTTPS with a self-signed certificate made by keytool, Host/SNI override and a hung target. Connections that close or
 * reset under the probe: {@link ShortAndSlowBodiesTest}.
 */
class TlsAndFaultsTest {

    /** Timeout of probes whose timeout is not the point: far above what a local TLS answer needs, even on a busy core. */
    static final int GENEROUS_TIMEOUT_MILLIS = 10_000;
    /** How long the hung target holds a connection without answering, and its probe's timeout. */
    static final int HANG_MILLIS = 60_000;

    static Path dir;
    static HttpsServer https;
    static final AtomicReference<String> seenHost = new AtomicReference<>();
    static final AtomicReference<String> seenSni = new AtomicReference<>();
    static final CountDownLatch endHang = new CountDownLatch(1);
    static ExecutorService io = Executors.newFixedThreadPool(2);
    static Vertx vertx = Vertx.vertx();
    static VertxHttpProber http = new VertxHttpProber(vertx, io, 64);

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("probe-tls-");
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias", "probe", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname",
                "CN=api.failover.test",
                "-ext", "SAN=dns:api.failover.test", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        https.createContext("/health", exchange -> {
            seenHost.set(exchange.getRequestHeaders().getFirst("Host"));
            var names = ((ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession()).getRequestedServerNames();
            seenSni.set(names.isEmpty() ? null : ((SNIHostName) names.get(0)).getAsciiName());
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.setExecutor(Executors.newFixedThreadPool(2));
        https.start();
    }

    @AfterAll
    static void stop() throws IOException {
        endHang.countDown();
        https.stop(0);
        io.shutdownNow();
        vertx.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static HttpProbe spec(String url, String hostHeader, Boolean verifyTls, int timeoutMillis) {
        return HttpProbe.get(url).hostHeader(hostHeader).bodyContains("ok").verifyTls(verifyTls)
                .connectTimeoutMillis(5_000)
                .timeoutMillis(timeoutMillis).build();
    }

    static Observation run(HttpProbe spec) throws Exception {
        return Observed.of(http.probe(spec));
    }

    static String httpsUrl() {
        return "https://127.0.0.1:" + https.getAddress().getPort() + "/health";
    }

    @Test
    void aSelfSignedCertificateFailsVerification() throws Exception {
        down(run(spec(httpsUrl(), "api.failover.test", true, GENEROUS_TIMEOUT_MILLIS)), FailureReason.TLS_ERROR);
    }

    @Test
    void withVerificationOffItIsUpAndReportsDaysToExpiry() throws Exception {
        Observation o = up(run(spec(httpsUrl(), null, false, GENEROUS_TIMEOUT_MILLIS)));
        assertThat(o.tlsDaysToExpiry()).as("days to expiry of a certificate valid for 30 days, in %s", o).isBetween(29,
                30);
        assertThat(o.timings().connectMillis()).as("connect phase of %s", o).isNotNull();
    }

    @Test
    void aHostOverrideSendsTheRealHostAndSniToTheAddressOfTheUrl() throws Exception {
        up(run(spec(httpsUrl(), "api.failover.test", false, GENEROUS_TIMEOUT_MILLIS)));
        assertThat(seenHost.get()).as("Host header the server saw").startsWith("api.failover.test");
        assertThat(seenSni.get()).as("SNI the server saw").isEqualTo("api.failover.test");
    }

    /**
     * A target that accepts and never answers (until the test ends) holds one connection of the same client for its whole
     * timeout; another target probed meanwhile answers as usual, long before that timeout could end.
     */
    @Test
    void aHungTargetDoesNotDelayAnother() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = hung.accept()) { // accept and never answer
                    endHang.await(HANG_MILLIS, TimeUnit.MILLISECONDS);
                } catch (Exception ignored) {
                    // ends with the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            CompletableFuture<Observation> hungProbe = http
                    .probe(spec("http://127.0.0.1:" + hung.getLocalPort() + "/", null,
                            false, HANG_MILLIS))
                    .toCompletableFuture();
            Observation fine = up(run(spec(httpsUrl(), null, false, GENEROUS_TIMEOUT_MILLIS)));
            long fineMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(fineMillis).as("the healthy target answered (%s) long before the hung one's %d ms timeout", fine,
                    HANG_MILLIS).isLessThan(HANG_MILLIS / 2);
            assertThat(hungProbe).as("the hung target's probe is still waiting for an answer").isNotDone();
        }
    }

}
