package dev.failover.probe.probing;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import dev.failover.contract.topology.ProbeSpec;
import dev.failover.contract.topology.ProbeType;
import dev.failover.probe.domain.Observation;
import io.vertx.core.Vertx;

/** HTTPS with a self-signed certificate made by keytool, Host/SNI override, a reset mid-response and a hung target. */
class TlsAndFaultsTest {

    static Path dir;
    static HttpsServer https;
    static final AtomicReference<String> seenHost = new AtomicReference<>();
    static final AtomicReference<String> seenSni = new AtomicReference<>();
    static ExecutorService io = Executors.newFixedThreadPool(2);
    static Vertx vertx = Vertx.vertx();
    static VertxHttpProber http = new VertxHttpProber(vertx, io, 64);

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("probe-tls-");
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "probe", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname", "CN=api.failover.test",
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
        https.stop(0);
        io.shutdownNow();
        vertx.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static ProbeSpec spec(String url, String hostHeader, Boolean verifyTls, int timeoutMillis) {
        return new ProbeSpec(ProbeType.HTTP, url, null, Map.of(), hostHeader, null, "ok", null, null, null, verifyTls, null, null,
                null, 500, timeoutMillis, null);
    }

    static Observation run(ProbeSpec spec) throws Exception {
        return http.probe(spec).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String httpsUrl() {
        return "https://127.0.0.1:" + https.getAddress().getPort() + "/health";
    }

    @Test
    void aSelfSignedCertificateFailsVerification() throws Exception {
        assertThat(run(spec(httpsUrl(), "api.failover.test", true, 2000))).isInstanceOfSatisfying(Observation.Down.class,
                d -> assertThat(d.reason()).isEqualTo(FailureReason.TLS_ERROR));
    }

    @Test
    void withVerificationOffItIsUpAndReportsDaysToExpiry() throws Exception {
        Observation o = run(spec(httpsUrl(), null, false, 2000));
        assertThat(o).isInstanceOf(Observation.Up.class);
        assertThat(o.tlsDaysToExpiry()).isBetween(29, 30);
        assertThat(o.timings().connectMillis()).isNotNull();
    }

    @Test
    void aHostOverrideSendsTheRealHostAndSniToTheAddressOfTheUrl() throws Exception {
        assertThat(run(spec(httpsUrl(), "api.failover.test", false, 2000))).isInstanceOf(Observation.Up.class);
        assertThat(seenHost.get()).startsWith("api.failover.test");
        assertThat(seenSni.get()).isEqualTo("api.failover.test");
    }

    @Test
    void aConnectionResetMidResponseIsReset() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nok, and then".getBytes());
                    s.getOutputStream().flush();
                    s.setSoLinger(true, 0); // close with a RST
                } catch (IOException ignored) {
                    // the test judges what the prober saw
                }
            });
            server.start();
            Observation o = run(spec("http://127.0.0.1:" + rude.getLocalPort() + "/", null, true, 2000));
            assertThat(o).isInstanceOfSatisfying(Observation.Down.class,
                    d -> assertThat(d.reason()).isEqualTo(FailureReason.CONNECTION_RESET));
            server.join(2000);
        }
    }

    @Test
    void aHungTargetDoesNotDelayAnother() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    Socket s = hung.accept(); // accept and never answer
                    Thread.sleep(5000);
                    s.close();
                } catch (Exception ignored) {
                    // ends with the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            CompletableFuture<Observation> slow = http.probe(spec("http://127.0.0.1:" + hung.getLocalPort() + "/", null, true, 3000))
                    .toCompletableFuture();
            Observation fine = run(spec(httpsUrl(), null, false, 3000));
            long fineMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(fine).isInstanceOf(Observation.Up.class);
            assertThat(slow).isNotDone();
            assertThat(fineMillis).isLessThan(2000);
            assertThat(slow.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Observation.Down.class,
                    d -> assertThat(d.reason()).isEqualTo(FailureReason.TIMEOUT));
        }
    }

}
