package dev.failover.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import dev.failover.testkit.net.FreePorts;
import dev.failover.testkit.signing.TestSigningKeys;

/** One packaged service (target/quarkus-app/quarkus-run.jar) run as its own process, as it is deployed. */
final class ServiceProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    static final Path LOGS = Path.of(System.getProperty("system.logs", "target/system-logs"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** How long a signed token is reused: well inside the services' token age limit (an hour). */
    private static final Duration TOKEN_REUSE = Duration.ofMinutes(10);
    private static final Map<String, Signed> TOKENS = new ConcurrentHashMap<>();

    final String module;
    final String name;
    final String host;
    /** The API's port (and the page's). */
    final int port;
    /** The management interface's port: /q (health, metrics, OpenAPI), not served on the API's (ADR 0034). */
    final int managementPort;
    final Path log;
    private final Process process;
    /** The container's name when the service runs from its image (podman), else null. */
    private final String container;

    private ServiceProcess(String module, String name, Placement placement, Path log, Process process,
            String container) {
        this.module = module;
        this.name = name;
        this.host = placement.host();
        this.port = placement.port();
        this.managementPort = placement.managementPort();
        this.log = log;
        this.process = process;
        this.container = container;
    }

    /**
     * Where a service runs: this host's loopback on a free port, or a network namespace of the region-loss test, on its
     * address and a fixed port (each namespace has ports of its own); and its management port, a free one too: every
     * service of a host needs its own (ADR 0034). A free port, not one derived from the API's as the scripts' (which
     * start services on fixed ports): FreePorts hands out ports of this JVM's slice, below the ephemeral range, and a
     * fixed offset from one of them can fall outside both.
     *
     * @param namespace the network namespace (ip netns), or null for this one
     * @param image     the container image the service runs from (podman, this host's network), or null for its jar
     */
    record Placement(String namespace, String host, int port, int managementPort, String image) {

        static Placement local() {
            return new Placement(null, "127.0.0.1", FreePorts.next(), FreePorts.next(), null);
        }

        static Placement inNamespace(String namespace, String host, int port) {
            return new Placement(namespace, host, port, FreePorts.next(), null);
        }

        /** This host's loopback on a free port, the service run from {@code image} (scripts/images.sh). */
        static Placement inImage(String image) {
            return new Placement(null, "127.0.0.1", FreePorts.next(), FreePorts.next(), image);
        }

        List<String> commandPrefix() {
            return namespace == null ? List.of() : List.of("ip", "netns", "exec", namespace);
        }
    }

    /**
     * Starts {@code module}'s jar with these environment variables (an empty value unsets one), a free HTTP port and a
     * free management port. The
     * decision-service and the actuator get the test run's JWT key (DevSecrets) unless {@code env} says otherwise; both get
     * this JVM's test signing keys (TestSigningKeys: the decision-service signs, both trust), unless {@code env} says
     * otherwise.
     */
    static ServiceProcess start(String module, String name, Map<String, String> env) {
        return start(module, name, env, Placement.local());
    }

    /** As {@link #start(String, String, Map)}, placed where {@code placement} says. */
    static ServiceProcess start(String module, String name, Map<String, String> env, Placement placement) {
        if (placement.image() != null) {
            return startImage(module, name, env, placement);
        }
        Path app = ROOT.resolve(module).resolve("target/quarkus-app");
        Path jar = app.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn verify builds them)");
        }
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(name + ".log");
            // ip netns exec runs java in place of itself: the Process is the service's JVM, for kill -9 and -STOP
            List<String> command = new ArrayList<>(placement.commandPrefix());
            ServiceRuntime runtime = ServiceRuntime.chosen();
            command.addAll(List.of(runtime.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1"));
            command.addAll(runtime.aotOptions(app));
            // from quarkus-app, with that relative path: the only way the JVM takes the AOT cache
            command.addAll(List.of("-Dquarkus.http.port=" + placement.port(),
                    "-Dquarkus.management.port=" + placement.managementPort(), "-jar", "quarkus-run.jar"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).directory(app.toFile());
            if (module.equals("decision-service") || module.equals("actuator-service")) {
                builder.environment().put("FAILOVER_JWT_PUBLIC_KEY", DevSecrets.jwtPublicKey().toString());
            }
            if (module.equals("decision-service")) {
                builder.environment().putAll(TestSigningKeys.asEnv(TestSigningKeys.shared().signerConfig()));
            }
            if (module.equals("actuator-service")) {
                builder.environment().putAll(TestSigningKeys.asEnv(TestSigningKeys.shared().verifierConfig()));
            }
            builder.environment().putAll(env);
            builder.environment().values().removeIf(String::isEmpty); // an empty value means: leave it unset
            return new ServiceProcess(module, name, placement, log, builder.start(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /**
     * The service from its image, as {@link #start(String, String, Map)} starts its jar: the same settings, the files they
     * name at the same paths (the repository and the temporary directory mounted where they are), this host's network.
     * The test's key files are readable by root only, so the container runs as root here; the image's own user is
     * checked apart ({@code ContainerImagesIT}).
     */
    private static ServiceProcess startImage(String module, String name, Map<String, String> env, Placement placement) {
        Map<String, String> settings = new java.util.TreeMap<>();
        if (module.equals("decision-service") || module.equals("actuator-service")) {
            settings.put("FAILOVER_JWT_PUBLIC_KEY", DevSecrets.jwtPublicKey().toString());
        }
        if (module.equals("decision-service")) {
            settings.putAll(TestSigningKeys.asEnv(TestSigningKeys.shared().signerConfig()));
        }
        if (module.equals("actuator-service")) {
            settings.putAll(TestSigningKeys.asEnv(TestSigningKeys.shared().verifierConfig()));
        }
        settings.putAll(env);
        settings.values().removeIf(String::isEmpty);
        settings.put("QUARKUS_HTTP_PORT", String.valueOf(placement.port()));
        settings.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(placement.managementPort()));
        // every container's JVM is process 1 and shares the host's temporary directory here: no perf data file
        settings.merge("JAVA_OPTS_APPEND", "-XX:-UsePerfData", (given, off) -> given + " " + off);
        String container = name + "-" + placement.port();
        String tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
        List<String> command = new ArrayList<>(
                List.of("podman", "run", "--rm", "--name", container, "--network", "host",
                        "--user", "0", "-v", ROOT + ":" + ROOT, "-v", tmp + ":" + tmp));
        settings.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
        command.add(placement.image());
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(name + ".log");
            Process process = podman(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ServiceProcess(module, name, placement, log, process, container);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " from " + placement.image(), e);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Waits until /q/health/ready answers 200 on the management port; fails at once, with the output, if the process
     * exits.
     */
    void awaitReady(Duration timeout) {
        try {
            await(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError(
                                    name + " exited with " + process.exitValue() + " during start:\n" + output());
                        }
                        return send(HttpRequest.newBuilder(managementUri("/q/health/ready"))
                                .timeout(Duration.ofSeconds(2)).build()).statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    name + ": GET /q/health/ready did not answer 200 within " + timeout + ":\n" + output(), e);
        }
    }

    /**
     * GET with a bearer token signed by scripts/token.sh (the test run's key) for this service's API (its audience);
     * returns the body, fails on non-200.
     */
    String get(String path, String role) {
        try {
            return ok(path,
                    send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token(role, audience()))
                            .timeout(Duration.ofSeconds(10)).build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * POST of a JSON body with a bearer token as {@link #get} (none when {@code role} is null); returns the response
     * whatever its status.
     */
    HttpResponse<String> post(String path, String role, String json) {
        return post(path, role, json, Map.of());
    }

    /** {@link #post(String, String, String)} with these request headers too (an Idempotency-Key). */
    HttpResponse<String> post(String path, String role, String json, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
            headers.forEach(request::header);
            if (role != null) {
                request.header("Authorization", "Bearer " + token(role, audience()));
            }
            return send(
                    request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                            .timeout(Duration.ofSeconds(10)).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The audience this service's API takes tokens for: failover-decision-service, failover-actuator-service. */
    String audience() {
        return "failover-" + module;
    }

    /** A token for the decision-service's API, as {@link #token(String, String)}. */
    static String token(String role) throws IOException {
        return token(role, "failover-decision-service");
    }

    /**
     * A token for {@code role} (viewer or operator) with the caller name "system-test" and this audience, signed by
     * scripts/token.sh. One is signed per role and audience and reused for {@link #TOKEN_REUSE} (the services take a token
     * for an hour): the tests poll the APIs every half second, and signing (a bash and three openssl processes) took about
     * 75 ms of CPU and 160 ms per request here with the suite running.
     */
    static String token(String role, String audience) throws IOException {
        String key = role + " " + audience;
        Signed cached = TOKENS.get(key);
        if (cached != null && System.nanoTime() - cached.signedAt() < TOKEN_REUSE.toNanos()) {
            return cached.jwt();
        }
        Signed signed = new Signed(sign(role, audience), System.nanoTime());
        TOKENS.put(key, signed);
        return signed.jwt();
    }

    private record Signed(String jwt, long signedAt) {
    }

    private static String sign(String role, String audience) throws IOException {
        try {
            ProcessBuilder tokenBuilder = new ProcessBuilder("bash", ROOT.resolve("scripts/token.sh").toString(), role,
                    "system-test");
            tokenBuilder.environment().put("FAILOVER_JWT_PRIVATE_KEY", DevSecrets.jwtPrivateKey().toString());
            tokenBuilder.environment().put("FAILOVER_JWT_AUDIENCE", audience);
            Process token = tokenBuilder.start();
            String jwt = new String(token.getInputStream().readAllBytes()).trim();
            if (token.waitFor() != 0) {
                throw new IllegalStateException("scripts/token.sh failed");
            }
            return jwt;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Prometheus text of GET /q/metrics on the management port (open, no token). */
    String metrics() throws IOException {
        return ok("/q/metrics", send(HttpRequest.newBuilder(managementUri("/q/metrics")).timeout(Duration.ofSeconds(10))
                .build()));
    }

    /** GET without a token on the API's port, whatever the answer. */
    HttpResponse<String> getOnApiPort(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build());
    }

    /** GET without a token on the management port, whatever the answer. */
    HttpResponse<String> getOnManagementPort(String path) throws IOException {
        return send(HttpRequest.newBuilder(managementUri(path)).timeout(Duration.ofSeconds(10)).build());
    }

    private URI uri(String path) {
        return URI.create("http://" + host + ":" + port + path);
    }

    private URI managementUri(String path) {
        return URI.create("http://" + host + ":" + managementPort + path);
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String ok(String path, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new AssertionError(
                    "GET " + path + " on " + name + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Waits for the process to end by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        try {
            // bytes, not readString: a log being written may end in half a character, which readString refuses
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The service's JVM: its process id, for what the test looks up about it (its connections). */
    long pid() {
        notInAContainer("its process id");
        return process.pid();
    }

    /** The podman client's process is not the service's: what a test would do to the JVM by PID is not offered. */
    private void notInAContainer(String what) {
        if (container != null) {
            throw new UnsupportedOperationException(name + " runs in container " + container + ": " + what
                    + " is the container's (podman kill, podman pause)");
        }
    }

    /** kill -STOP: the process is frozen as it is, every thread at once, until {@link #resume()}. */
    void suspend() {
        signal("STOP");
    }

    /** kill -CONT: a suspended process runs on from where it was, unaware of the time that passed. */
    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        notInAContainer("kill -" + signal);
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes());
            if (kill.waitFor() != 0) {
                throw new IllegalStateException(
                        "kill -" + signal + " " + process.pid() + " (" + name + ") failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9: the process gets no chance to finish anything. */
    void kill() {
        if (container != null && process.isAlive()) { // podman's client is not the service: the container's process is
            podman("kill", "--signal", "KILL", container);
        }
        process.destroyForcibly(); // SIGKILL on Linux
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " still running 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, without waiting: the service begins its graceful stop; {@link #close()} waits for its end. */
    void askToStop() {
        process.destroy();
    }

    /** SIGTERM and waits up to 20 s for the exit, then kill -9. */
    @Override
    public void close() {
        process.destroy(); // a container's podman client passes the signal on (--sig-proxy)
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (container != null) {
            podman("rm", "--force", "--time", "0", "--ignore", container);
        }
    }

    /**
     * A podman command as the repository's scripts run it: with deploy/containers/containers.conf (runc and lowered
     * limits, for hosts with hybrid cgroups; docs/containers.md).
     */
    static ProcessBuilder podman(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putIfAbsent("CONTAINERS_CONF",
                ROOT.resolve("deploy/containers/containers.conf").toString());
        return builder;
    }

    /** A podman command about this service's container; its failure is the test's. */
    private void podman(String... arguments) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        try {
            Process podman = podman(command).redirectErrorStream(true).start();
            String output = new String(podman.getInputStream().readAllBytes());
            if (!podman.waitFor(30, TimeUnit.SECONDS) || podman.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " (" + name + ") failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
