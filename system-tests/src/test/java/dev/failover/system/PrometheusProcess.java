package dev.failover.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;

import dev.failover.testkit.net.FreePorts;

/**
 * A real Prometheus (Debian package) scraping the given services' management ports (where /q/metrics is, ADR 0034)
 * every second, for checking queries.
 */
final class PrometheusProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static PrometheusProcess start(List<Integer> managementPorts) throws IOException {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("prometheus not found: install the Debian package prometheus");
        }
        Path dir = Files.createTempDirectory("failover-prometheus-");
        String targets = managementPorts.stream().map(p -> "'127.0.0.1:" + p + "'").collect(Collectors.joining(", "));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: ['%s']
                scrape_configs:
                  - job_name: failover
                    metrics_path: /q/metrics
                    static_configs: [{targets: [%s]}]
                """.formatted(ServiceProcess.ROOT.resolve("monitoring/prometheus/failover-alerts.yml"), targets));
        int port = FreePorts.next();
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(ServiceProcess.LOGS.resolve("prometheus.log").toFile())
                .start();
        PrometheusProcess prometheus = new PrometheusProcess(process, port);
        Path log = ServiceProcess.LOGS.resolve("prometheus.log");
        try {
            await("prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError(
                                    "prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
                        }
                        return prometheus.get("/-/ready").statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            prometheus.close();
            throw new AssertionError(
                    "prometheus: GET /-/ready did not answer 200 within 60 s: " + Files.readString(log), e);
        }
        return prometheus;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The API's answer to an instant query. */
    String query(String expr) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).body();
    }

    String metricNames() throws IOException, InterruptedException {
        return get("/api/v1/label/__name__/values").body();
    }

    String rules() throws IOException, InterruptedException {
        return get("/api/v1/rules").body();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
