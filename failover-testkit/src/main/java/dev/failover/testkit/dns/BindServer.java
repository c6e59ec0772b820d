package dev.failover.testkit.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.failover.testkit.config.ConfigTemplate;

/**
 * A real BIND9 {@code named} on 127.0.0.1 and a free port, primary for one zone that accepts RFC 2136 updates signed
 * with one TSIG key (hmac-sha256) and refuses all others: config/bind/*.template, as scripts/bind.sh runs it. Can be
 * stopped and started again on the same port; updates survive in its journal. Needs the Debian package bind9.
 */
public final class BindServer implements AuthoritativeServer {

    private final ServerProcess process;
    private final int port;
    private final String zone;
    private final String secret;

    private BindServer(ServerProcess process, int port, String zone, String secret) {
        this.process = process;
        this.port = port;
        this.zone = zone;
        this.secret = secret;
    }

    /**
     * Starts named for {@code zone} (e.g. "failover.test.") with these extra zone-file lines (e.g. "api IN A 192.0.2.10").
     */
    public static BindServer start(String zone, List<String> records) {
        String named = ServerProcess.executable("bind9", "/usr/sbin/named", "/usr/bin/named");
        try {
            Path dir = Files.createTempDirectory("failover-bind-");
            int port = ServerProcess.freePort();
            String secret = ServerProcess.newSecret();
            String origin = ServerProcess.relative(zone);
            Files.writeString(dir.resolve("named.conf"), ConfigTemplate.render("bind/named.conf.template", Map.of(
                    "KEY_NAME", KEY_NAME, "ALGORITHM", ALGORITHM, "SECRET", secret, "DIR", dir.toString(),
                    "PORT", Integer.toString(port), "ZONE", origin)));
            Files.writeString(dir.resolve("zone.db"), ConfigTemplate.render("bind/zone.db.template", Map.of(
                    "ZONE", origin, "RECORDS", String.join("\n", records))));
            ServerProcess process = new ServerProcess("named", dir, List.of(named, "-g", "-c",
                    dir.resolve("named.conf").toString(), "-u", System.getProperty("user.name")),
                    // not "running" alone: named starts with "running on Linux ...", long before it serves the zone
                    List.of("all zones loaded", " running\n"));
            BindServer server = new BindServer(process, port, ServerProcess.absolute(zone), secret);
            try {
                process.start();
            } catch (RuntimeException e) {
                process.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start named", e);
        }
    }

    @Override
    public String product() {
        return "BIND9";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String zone() {
        return zone;
    }

    @Override
    public String secret() {
        return secret;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void stop() {
        process.stop();
    }

    @Override
    public void start() {
        process.start();
    }

    @Override
    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return product();
    }
}
