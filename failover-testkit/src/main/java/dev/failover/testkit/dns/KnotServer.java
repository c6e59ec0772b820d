package dev.failover.testkit.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.failover.testkit.config.ConfigTemplate;

/**
 * A real Knot DNS {@code knotd} on 127.0.0.1 and a free port, primary for one zone that accepts RFC 2136 updates signed
 * with one TSIG key (hmac-sha256) through an ACL with action update and refuses all others (NOTAUTH, where BIND answers
 * REFUSED): config/knot/knot.conf.template with the zone file of config/bind/zone.db.template, the same zone BIND
 * serves. Can be stopped and started again on the same port; updates are written back to the zone file at once and
 * kept in the journal. Needs the Debian package knot.
 */
public final class KnotServer implements AuthoritativeServer {

    private final ServerProcess process;
    private final int port;
    private final String zone;
    private final String secret;

    private KnotServer(ServerProcess process, int port, String zone, String secret) {
        this.process = process;
        this.port = port;
        this.zone = zone;
        this.secret = secret;
    }

    /**
     * Starts knotd for {@code zone} (e.g. "failover.test.") with these extra zone-file lines (e.g. "api IN A 192.0.2.10").
     */
    public static KnotServer start(String zone, List<String> records) {
        String knotd = ServerProcess.executable("knot", "/usr/sbin/knotd", "/usr/bin/knotd");
        try {
            Path dir = Files.createTempDirectory("failover-knot-");
            int port = ServerProcess.freePort();
            String secret = ServerProcess.newSecret();
            String origin = ServerProcess.relative(zone);
            Files.writeString(dir.resolve("knot.conf"), ConfigTemplate.render("knot/knot.conf.template", Map.of(
                    "KEY_NAME", KEY_NAME, "ALGORITHM", ALGORITHM, "SECRET", secret, "DIR", dir.toString(),
                    "PORT", Integer.toString(port), "ZONE", origin, "USER", System.getProperty("user.name"))));
            Files.writeString(dir.resolve("zone.db"), ConfigTemplate.render("bind/zone.db.template", Map.of(
                    "ZONE", origin, "RECORDS", String.join("\n", records))));
            ServerProcess process = new ServerProcess("knotd", dir, List.of(knotd, "-c", dir.resolve("knot.conf").toString()),
                    List.of("server started", "[" + origin + ".] loaded"));
            KnotServer server = new KnotServer(process, port, ServerProcess.absolute(zone), secret);
            try {
                process.start();
            } catch (RuntimeException e) {
                process.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start knotd", e);
        }
    }

    @Override
    public String product() {
        return "Knot DNS";
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
