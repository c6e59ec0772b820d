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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One server binary run in the foreground from its own directory, logging to {@code <dir>/<name>.log} (appended across
 * runs): started, awaited until its log says it serves, stopped with SIGTERM by PID, started again with the same
 * command. What {@link BindServer} and {@link KnotServer} share.
 */
final class ServerProcess {

    private static final long START_TIMEOUT_SECONDS = 20;

    private final String name;
    private final Path dir;
    private final Path log;
    private final List<String> command;
    private final List<String> readyWhenLogged;
    private Process process;

    /**
     * @param readyWhenLogged texts that must all appear in the log of one run before the server is taken as serving
     */
    ServerProcess(String name, Path dir, List<String> command, List<String> readyWhenLogged) {
        this.name = name;
        this.dir = dir;
        this.log = dir.resolve(name + ".log");
        this.command = List.copyOf(command);
        this.readyWhenLogged = List.copyOf(readyWhenLogged);
    }

    static String executable(String debianPackage, String... candidates) {
        return Stream.of(candidates).filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException(Path.of(candidates[0]).getFileName()
                        + " not found: install the Debian package " + debianPackage));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A random 256-bit TSIG secret, base64. */
    static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static String absolute(String zone) {
        return zone.endsWith(".") ? zone : zone + ".";
    }

    static String relative(String zone) {
        return zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
    }

    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running, PID " + process.pid());
        }
        try {
            long from = Files.exists(log) ? Files.size(log) : 0;
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            awaitServing(from);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void awaitServing(long from) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            String thisRun = thisRun(from);
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + thisRun);
            }
            if (readyWhenLogged.stream().allMatch(thisRun::contains)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " not serving after " + START_TIMEOUT_SECONDS + " s: " + thisRun(from));
    }

    private String thisRun(long from) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        String all = Files.readString(log);
        return from < all.length() ? all.substring((int) from) : "";
    }

    synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** SIGTERM to the server's PID, then waits for it to exit (SIGKILL after 10 s). */
    synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElse(null);
        if (handle != null) {
            handle.destroy();
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Stops the server and removes its directory. */
    void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }
}
