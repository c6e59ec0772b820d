package dev.failover.testkit.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.failover.testkit.net.FreePorts;

/**
 * What {@link BindServer} and {@link KnotServer} share: a server binary run in the foreground from its own temporary
 * directory on a free port with a random TSIG secret, logging to {@code <dir>/<name>.log} (appended across runs);
 * started and awaited until its log says it serves, stopped with SIGTERM by PID, started again with the same command.
 */
abstract class ProcessServer implements AuthoritativeServer {

    private static final long START_TIMEOUT_SECONDS = 20;

    /** Writes the server's configuration into its directory and says how to run it. */
    @FunctionalInterface
    interface Configuration {
        /**
         * @param origin the zone without the trailing dot
         * @return the command line that runs the server in the foreground
         */
        List<String> write(Path dir, int port, String secret, String origin) throws IOException;
    }

    private final String name;
    private final Path dir;
    private final Path log;
    private final int port;
    private final String zone;
    private final String secret;
    private final List<String> command;
    private final List<String> readyWhenLogged;
    private Process process;

    /**
     * Configures and starts the server; removes its directory again when it does not start.
     *
     * @param readyWhenLogged texts that must all appear in the log of one run before the server is taken as serving
     */
    ProcessServer(String name, String zone, List<String> readyWhenLogged, Configuration configuration) {
        this(name, zone, readyWhenLogged, newSecret(), configuration);
    }

    /** As above, with the TSIG secret of another server (a secondary shares its primary's key). */
    ProcessServer(String name, String zone, List<String> readyWhenLogged, String secret, Configuration configuration) {
        this.name = name;
        this.zone = zone.endsWith(".") ? zone : zone + ".";
        this.readyWhenLogged = List.copyOf(readyWhenLogged);
        try {
            this.dir = Files.createTempDirectory("failover-" + name + "-");
            this.port = FreePorts.next();
            this.secret = secret;
            this.command = List
                    .copyOf(configuration.write(dir, port, secret, this.zone.substring(0, this.zone.length() - 1)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure " + name, e);
        }
        this.log = dir.resolve(name + ".log");
        try {
            start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static String executable(String debianPackage, String... candidates) {
        return Stream.of(candidates).filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException(Path.of(candidates[0]).getFileName()
                        + " not found: install the Debian package " + debianPackage));
    }

    /** A random 256-bit TSIG secret, base64. */
    private static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
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
    public synchronized void start() {
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
        String all = Files.exists(log) ? Files.readString(log) : "";
        return from < all.length() ? all.substring((int) from) : "";
    }

    @Override
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** SIGTERM to the server's PID, then waits for it to exit (SIGKILL after 10 s). */
    @Override
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's directory, where its configuration was written. */
    Path dir() {
        return dir;
    }

    /**
     * Sends the running server {@code signal} (e.g. "HUP") with kill(1) and waits until its log shows {@code logged}
     * after the signal.
     */
    synchronized void signal(String signal, String logged) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        try {
            long from = Files.exists(log) ? Files.size(log) : 0;
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (!thisRun(from).contains(logged)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not log '" + logged + "' after SIG" + signal + ": "
                            + thisRun(from));
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }

    @Override
    public String toString() {
        return product();
    }
}
