package dev.failover.testkit.dns;

import java.nio.file.Files;
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
public final class KnotServer extends ProcessServer {

    private KnotServer(String zone, List<String> records) {
        super("knotd", zone, List.of("server started", "[" + (zone.endsWith(".") ? zone : zone + ".") + "] loaded"),
                (dir, port, secret, origin) -> {
                    String knotd = executable("knot", "/usr/sbin/knotd", "/usr/bin/knotd");
                    Files.writeString(dir.resolve("knot.conf"), ConfigTemplate.render("knot/knot.conf.template", Map.of(
                            "KEY_NAME", KEY_NAME, "ALGORITHM", ALGORITHM, "SECRET", secret, "DIR", dir.toString(),
                            "PORT", Integer.toString(port), "ZONE", origin, "USER", System.getProperty("user.name"))));
                    Files.writeString(dir.resolve("zone.db"), ConfigTemplate.render("bind/zone.db.template", Map.of(
                            "ZONE", origin, "RECORDS", String.join("\n", records))));
                    return List.of(knotd, "-c", dir.resolve("knot.conf").toString());
                });
    }

    /**
     * Starts knotd for {@code zone} (e.g. "failover.test.") with these extra zone-file lines (e.g. "api IN A 192.0.2.10").
     */
    public static KnotServer start(String zone, List<String> records) {
        return new KnotServer(zone, records);
    }

    @Override
    public String product() {
        return "Knot DNS";
    }
}
