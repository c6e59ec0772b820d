package dev.failover.testkit.dns;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import dev.failover.testkit.config.ConfigTemplate;

/**
 * A real BIND9 {@code named} on 127.0.0.1 (or another address of this host) and a free port, primary for one zone that
 * accepts RFC 2136 updates signed with one TSIG key (hmac-sha256) and refuses all others: config/bind/*.template, as
 * scripts/bind.sh runs it. Can be stopped and started again on the same port; updates survive in its journal. Needs
 * the Debian package bind9.
 */
public final class BindServer extends ProcessServer {

    private BindServer(String zone, List<String> records, String listenAddress) {
        super("named", zone,
                // not "running" alone: named starts with "running on Linux ...", long before it serves the zone
                List.of("all zones loaded", " running\n"),
                (dir, port, secret, origin) -> {
                    String named = executable("bind9", "/usr/sbin/named", "/usr/bin/named");
                    Files.writeString(dir.resolve("named.conf"),
                            ConfigTemplate.render("bind/named.conf.template", Map.of(
                                    "KEY_NAME", KEY_NAME, "ALGORITHM", ALGORITHM, "SECRET", secret, "DIR",
                                    dir.toString(),
                                    "PORT", Integer.toString(port), "ZONE", origin, "LISTEN", listenAddress)));
                    Files.writeString(dir.resolve("zone.db"), ConfigTemplate.render("bind/zone.db.template", Map.of(
                            "ZONE", origin, "RECORDS", String.join("\n", records))));
                    return List.of(named, "-g", "-c", dir.resolve("named.conf").toString(), "-u",
                            System.getProperty("user.name"));
                });
    }

    private BindServer(BindServer primary) {
        super("named", primary.zone(), List.of(" running\n"), primary.secret(), (dir, port, secret, origin) -> {
            String named = executable("bind9", "/usr/sbin/named", "/usr/bin/named");
            Files.writeString(dir.resolve("named.conf"),
                    ConfigTemplate.render("bind/named-secondary.conf.template", Map.of(
                            "KEY_NAME", KEY_NAME, "ALGORITHM", ALGORITHM, "SECRET", secret, "DIR", dir.toString(),
                            "PORT", Integer.toString(port), "ZONE", origin, "LISTEN", "127.0.0.1", "PRIMARY",
                            "127.0.0.1",
                            "PRIMARY_PORT", Integer.toString(primary.port()))));
            return List.of(named, "-g", "-c", dir.resolve("named.conf").toString(), "-u",
                    System.getProperty("user.name"));
        });
    }

    /**
     * Starts named on 127.0.0.1 as a secondary of {@code primary}'s zone: it transfers the zone with the primary's key
     * and asks for a newer serial every second or two. Returns once named runs, not once it holds the zone: a test reads
     * its SOA serial to know what it serves.
     */
    public static BindServer secondaryOf(BindServer primary) {
        return new BindServer(primary);
    }

    /**
     * Starts named for {@code zone} (e.g. "failover.test.") with these extra zone-file lines (e.g. "api IN A 192.0.2.10").
     */
    public static BindServer start(String zone, List<String> records) {
        return new BindServer(zone, records, "127.0.0.1");
    }

    /** As {@link #start(String, List)}, listening on {@code listenAddress}: one of this host's (or namespace's) own. */
    public static BindServer start(String zone, List<String> records, String listenAddress) {
        return new BindServer(zone, records, listenAddress);
    }

    /**
     * Makes named refuse every update from now on ({@code allow-update { none; }}: REFUSED, as from a primary whose
     * update policy was changed under us), or take the key's again: its configuration rewritten and re-read on SIGHUP,
     * the zone and its journal kept. Returns once named logged the reload.
     */
    public void refuseUpdates(boolean refuse) {
        java.nio.file.Path conf = dir().resolve("named.conf");
        try {
            String text = Files.readString(conf);
            String allowed = "allow-update { key \"" + KEY_NAME + "\"; };";
            String none = "allow-update { none; };";
            Files.writeString(conf, refuse ? text.replace(allowed, none) : text.replace(none, allowed));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot rewrite " + conf, e);
        }
        signal("HUP", "reloading configuration succeeded");
    }

    @Override
    public String product() {
        return "BIND9";
    }
}
