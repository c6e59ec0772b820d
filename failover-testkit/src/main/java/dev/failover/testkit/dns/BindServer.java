package dev.failover.testkit.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.failover.testkit.config.ConfigTemplate;

/**
 * A real BIND9 {@code named} on 127.0.0.1 and a free port, primary for one zone that accepts RFC 2136 updates signed
 * with one TSIG key (hmac-sha256) and refuses all others: config/bind/*.template, as scripts/bind.sh runs it. Needs the
 * Debian package bind9.
 */
public final class BindServer implements AutoCloseable {

    public static final String KEY_NAME = "failover-key";
    public static final String ALGORITHM = "hmac-sha256";

    private final Path dir;
    private final Process process;
    private final int port;
    private final String zone;
    private final String secret;

    private BindServer(Path dir, Process process, int port, String zone, String secret) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.zone = zone;
        this.secret = secret;
    }

    /**
     * Starts named for {@code zone} (e.g. "failover.test.") with these extra zone-file lines (e.g. "api IN A 192.0.2.10").
     */
    public static BindServer start(String zone, List<String> records) {
        String named = Stream.of("/usr/sbin/named", "/usr/bin/named").filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException("named not found: install the Debian package bind9"));
        try {
            Path dir = Files.createTempDirectory("failover-bind-");
            int port = freePort();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String secret = Base64.getEncoder().encodeToString(key);
            String origin = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
            Files.writeString(dir.resolve("named.conf"), ConfigTemplate.render("bind/named.conf.template", Map.of(
                    "KEY_NAME", KEY_NAME, "ALGORITHM", ALGORITHM, "SECRET", secret, "DIR", dir.toString(),
                    "PORT", Integer.toString(port), "ZONE", origin)));
            Files.writeString(dir.resolve("zone.db"), ConfigTemplate.render("bind/zone.db.template", Map.of(
                    "ZONE", origin, "RECORDS", String.join("\n", records))));
            String user = System.getProperty("user.name");
            Process process = new ProcessBuilder(named, "-g", "-c", dir.resolve("named.conf").toString(), "-u", user)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("named.log").toFile()).start();
            BindServer server = new BindServer(dir, process, port, zone.endsWith(".") ? zone : zone + ".", secret);
            server.awaitRunning();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start named", e);
        }
    }

    private void awaitRunning() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Path log = dir.resolve("named.log");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("named exited: " + Files.readString(log));
            }
            if (Files.exists(log) && Files.readString(log).contains("running")) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("named not running after 20 s: " + Files.readString(log));
    }

    public int port() {
        return port;
    }

    public String zone() {
        return zone;
    }

    /** The TSIG secret, base64. */
    public String secret() {
        return secret;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("named.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
