package dev.failover.testkit.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.failover.testkit.net.FreePorts;

/**
 * A real caching resolver, Debian's {@code unbound}, on 127.0.0.1 and a free port, sending the questions of one zone to
 * an {@link AuthoritativeServer} (a stub zone) and keeping each answer for its TTL: what a VPC resolver or a resolver in
 * front of clients does. {@link #flush()} empties its cache, so a test knows when an answer was fetched and so when it
 * expires. Needs the Debian package unbound.
 */
public final class CachingResolver implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 20;

    private final Path dir;
    private final Path conf;
    private final int port;
    private final Process process;

    private CachingResolver(AuthoritativeServer authority) {
        String unbound = ProcessServer.executable("unbound", "/usr/sbin/unbound", "/usr/bin/unbound");
        try {
            dir = Files.createTempDirectory("failover-unbound-");
            port = FreePorts.next();
            conf = dir.resolve("unbound.conf");
            String zone = authority.zone();
            Files.writeString(conf, String.join("\n",
                    "server:",
                    "  interface: 127.0.0.1",
                    "  port: " + port,
                    "  do-ip6: no",
                    "  do-daemonize: no",
                    "  username: \"\"",
                    "  chroot: \"\"",
                    "  directory: \"" + dir + "\"",
                    "  pidfile: \"" + dir.resolve("unbound.pid") + "\"",
                    "  use-syslog: no",
                    "  logfile: \"\"",
                    "  verbosity: 1",
                    "  num-threads: 1",
                    "  access-control: 127.0.0.0/8 allow",
                    "  do-not-query-localhost: no",
                    "  module-config: \"iterator\"",
                    "  qname-minimisation: no",
                    "  prefetch: no",
                    "  serve-expired: no",
                    // test. (RFC 6761) is one of unbound's default local zones: answered NXDOMAIN without this
                    "  local-zone: \"" + zone + "\" nodefault",
                    "  local-zone: \"test.\" nodefault",
                    "stub-zone:",
                    "  name: \"" + zone + "\"",
                    "  stub-addr: 127.0.0.1@" + authority.port(),
                    "remote-control:",
                    "  control-enable: yes",
                    "  control-interface: \"" + dir.resolve("control.sock") + "\"",
                    "  control-use-cert: no",
                    ""));
            process = new ProcessBuilder(unbound, "-d", "-c", conf.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
            awaitServing();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start unbound", e);
        }
    }

    /** Starts unbound in front of {@code authority}'s zone and waits until it answers. */
    public static CachingResolver inFrontOf(AuthoritativeServer authority) {
        return new CachingResolver(authority);
    }

    public int port() {
        return port;
    }

    /** Empties the cache: the next question of any name is asked of the authoritative server again. */
    public void flush() {
        control("flush_zone", ".");
        control("flush_infra", "all");
    }

    private void awaitServing() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("unbound exited with " + process.exitValue() + ": " + log());
            }
            if (control("status").contains("is running")) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("unbound not serving after " + START_TIMEOUT_SECONDS + " s: " + log());
    }

    /** Runs unbound-control against this instance; returns what it printed (an error's text too). */
    private String control(String... command) {
        String tool = ProcessServer.executable("unbound", "/usr/sbin/unbound-control", "/usr/bin/unbound-control");
        List<String> line = new java.util.ArrayList<>(List.of(tool, "-c", conf.toString()));
        line.addAll(List.of(command));
        try {
            Process run = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!run.waitFor(10, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("unbound.log"));
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
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
