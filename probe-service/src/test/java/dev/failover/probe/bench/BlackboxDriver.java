package dev.failover.probe.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Drives Prometheus blackbox_exporter as Prometheus' scrape pool does, for scripts/bench-peer.sh: RATE targets, each
 * scraped once per second at its own offset within the second; a scrape never overlaps the previous one of the same
 * target (that tick is skipped, as Prometheus' scrape loop skips it); at most CONCURRENCY scrapes run at once, over as many
 * HTTP/1.1 keep-alive connections to the exporter; a scrape that waited a whole interval for a free slot is missed. Every
 * scrape ends as one {@link Outcome}, so failed probes are never counted as probes done.
 *
 * <pre>
 * BlackboxDriver EXPORTER_URL TARGET_URL RATE CONCURRENCY WARMUP_SECONDS MEASURE_SECONDS EXPORTER_PID
 * </pre>
 *
 * Prints {@code key=value} lines: the outcomes completed within the measured window and the exporter process's CPU
 * seconds (user + system from /proc) over that window.
 */
public final class BlackboxDriver {

    /** How one scheduled scrape ended. */
    enum Outcome {
        /** 200 with {@code probe_success 1}. */
        SUCCESS,
        /** 200 with {@code probe_success 0}: the exporter's probe of the target failed. */
        PROBE_FAILED,
        /** No answer within the scrape timeout. */
        TIMEOUT,
        /** Any other HTTP status, or an I/O error talking to the exporter. */
        HTTP_ERROR,
        /** Not sent: the previous scrape of the same target was still running at the tick. */
        SKIPPED_OVERLAP,
        /** Not sent: no free concurrency slot within one interval. */
        MISSED_NO_SLOT
    }

    private record Scrape(int target, long dueNanos) {
    }

    /** Prometheus' scrape timeout may not exceed the interval; the exporter subtracts its --timeout-offset. */
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(INTERVAL).build();
    private final List<URI> probeUris;
    private final AtomicBoolean[] inFlight;
    private final LinkedBlockingQueue<Scrape> due = new LinkedBlockingQueue<>();
    private final AtomicLongArray counts = new AtomicLongArray(Outcome.values().length);
    private volatile boolean running = true;

    private BlackboxDriver(String exporter, String targetBase, int targets) {
        probeUris = new ArrayList<>(targets);
        inFlight = new AtomicBoolean[targets];
        for (int i = 0; i < targets; i++) {
            String target = URLEncoder.encode(targetBase + "?t=" + i, StandardCharsets.UTF_8);
            probeUris.add(URI.create(exporter + "/probe?module=http_2xx&target=" + target));
            inFlight[i] = new AtomicBoolean();
        }
    }

    public static void main(String[] args) throws Exception {
        String exporter = args[0];
        String targetBase = args[1];
        int rate = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        int warmupSeconds = Integer.parseInt(args[4]);
        int measureSeconds = Integer.parseInt(args[5]);
        long exporterPid = Long.parseLong(args[6]);
        new BlackboxDriver(exporter, targetBase, rate).run(concurrency, warmupSeconds, measureSeconds, exporterPid);
        System.exit(0); // the HTTP client's threads would keep the JVM up
    }

    private void run(int concurrency, int warmupSeconds, int measureSeconds, long exporterPid) throws Exception {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            workers.add(daemon("scrape-" + i, this::work));
        }
        Thread ticker = daemon("ticker", this::tick);
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        Map<Outcome, Long> before = snapshot();
        double cpuBefore = cpuSeconds(exporterPid);
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
        Map<Outcome, Long> after = snapshot();
        double cpuAfter = cpuSeconds(exporterPid);
        double seconds = (System.nanoTime() - start) / 1e9;
        running = false;
        ticker.interrupt();
        workers.forEach(Thread::interrupt);
        System.out.printf("window_seconds=%.2f%n", seconds);
        System.out.printf("exporter_cpu_seconds=%.2f%n", cpuAfter - cpuBefore);
        for (Outcome outcome : Outcome.values()) {
            System.out.printf("%s=%d%n", outcome.name().toLowerCase(), after.get(outcome) - before.get(outcome));
        }
    }

    /** Releases each target's slot at its offset within the interval: slot k is due at k / targets seconds. */
    private void tick() {
        int targets = probeUris.size();
        long start = System.nanoTime();
        long released = 0;
        while (running) {
            long now = System.nanoTime();
            long dueSlots = (now - start) * targets / INTERVAL.toNanos();
            for (; released < dueSlots; released++) {
                int target = (int) (released % targets);
                if (inFlight[target].compareAndSet(false, true)) {
                    due.add(new Scrape(target, start + released * INTERVAL.toNanos() / targets));
                } else {
                    count(Outcome.SKIPPED_OVERLAP);
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void work() {
        while (running) {
            Scrape scrape;
            try {
                scrape = due.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                count(System.nanoTime() - scrape.dueNanos() > INTERVAL.toNanos() ? Outcome.MISSED_NO_SLOT
                        : scrape(scrape.target()));
            } finally {
                inFlight[scrape.target()].set(false);
            }
        }
    }

    private Outcome scrape(int target) {
        HttpRequest request = HttpRequest.newBuilder(probeUris.get(target)).timeout(INTERVAL)
                .header("X-Prometheus-Scrape-Timeout-Seconds", String.valueOf(INTERVAL.toMillis() / 1000.0)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Outcome.HTTP_ERROR;
            }
            return response.body().contains("\nprobe_success 1") ? Outcome.SUCCESS : Outcome.PROBE_FAILED;
        } catch (HttpTimeoutException e) {
            return Outcome.TIMEOUT;
        } catch (IOException e) {
            return Outcome.HTTP_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.HTTP_ERROR;
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void count(Outcome outcome) {
        counts.incrementAndGet(outcome.ordinal());
    }

    private Map<Outcome, Long> snapshot() {
        Map<Outcome, Long> snapshot = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            snapshot.put(outcome, counts.get(outcome.ordinal()));
        }
        return snapshot;
    }

    /** User + system CPU of a process, from fields 14 and 15 of /proc/PID/stat (clock ticks of 1/100 s). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state)
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }
}
