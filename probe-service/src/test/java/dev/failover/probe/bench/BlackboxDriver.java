package dev.failover.probe.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives Prometheus blackbox_exporter the way Prometheus would: TARGETS probe requests per INTERVAL second, spread over
 * the second, for SECONDS; prints how many probes succeeded. Used by scripts/bench-probe.sh to compare with the
 * probe-service on the same targets.
 */
public final class BlackboxDriver {

    public static void main(String[] args) throws Exception {
        String exporter = args[0];
        String targetBase = args[1];
        int targets = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / targets;
        AtomicLong next = new AtomicLong();
        var future = ticker.scheduleAtFixedRate(() -> {
            long i = next.getAndIncrement() % targets;
            String target = URLEncoder.encode(targetBase + "?t=" + i, StandardCharsets.UTF_8);
            client.sendAsync(HttpRequest.newBuilder(URI.create(exporter + "/probe?module=http_2xx&target=" + target))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                        if (e == null && r.statusCode() == 200 && r.body().contains("probe_success 1")) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        future.cancel(false);
        Thread.sleep(2000);
        ticker.shutdownNow();
        System.out.printf("blackbox probes: %d succeeded, %d failed%n", ok.get(), failed.get());
    }
}
