package dev.failover.testkit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.PhaseTimings;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.event.Topics;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.HttpProbe;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;

/**
 * The probe locations of a benchmark in one small process, so that a benchmark's CPU is the plane's (broker,
 * decision-service, actuator) and not three probe-services' competing for the same two cores: in production each
 * location runs in a region of its own (docs/benchmarks.md, "plane mode").
 * <p>
 * For every location of the topology it publishes what a probe-service of that location publishes: one
 * {@link ProbeResult} for each target of each group every {@code intervalSeconds} of the target's http probe, keyed by
 * group on {@link Topics#PROBE_RESULTS}, with its own producer (client id {@code probe-LOCATION}, acks=all, idempotent,
 * linger 5 ms: the probe-service's settings) and each target at its own random phase within the interval, as the
 * probe-service's scheduler does. The outcome is read from the target's backend and not per target: each distinct
 * {@code scheme://host:port/path} of the targets' probe URLs is asked once every {@link #WATCH_EVERY} (its query string
 * left out), so failing a backend ({@code DemoBackend}'s {@code POST /admin/fail}) turns every target on it DOWN at
 * once, each at its next probe, as real probes would see it. A refused connection or a 5xx is DOWN, as a probe-service
 * judges it with the default expected status.
 * <p>
 * {@code java -cp testkit.jar:<a service's lib>/* dev.failover.testkit.bench.ProbeResultGenerator BOOTSTRAP TOPOLOGY}
 * runs until killed and prints a line {@code generated N results (R/s)} every 10 s.
 */
public final class ProbeResultGenerator implements AutoCloseable {

    /** How often each backend is asked for its health. */
    static final Duration WATCH_EVERY = Duration.ofMillis(100);

    private final Topology topology;
    private final String bootstrap;
    private final Map<String, Boolean> backendUp = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** One probe of one location: a target, its phase within the interval, the backend it asks. */
    record Slot(FailoverGroup group, Target target, String backend, long phaseNanos, long intervalNanos) {
    }

    public ProbeResultGenerator(String bootstrap, Topology topology) {
        this.bootstrap = bootstrap;
        this.topology = topology;
    }

    /** The backend of a probe URL: the URL without its query string. */
    static String backendOf(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority() + (uri.getPath() == null ? "" : uri.getPath());
    }

    /** Every location's slots, each target at a random phase (seeded by the location, so runs are alike). */
    static List<Slot> slots(Topology topology, String location) {
        Random random = new Random(location.hashCode());
        List<Slot> slots = new ArrayList<>();
        for (FailoverGroup group : topology.groups()) {
            for (Target target : group.targets()) {
                if (!(target.probe() instanceof HttpProbe http)) {
                    throw new IllegalArgumentException("group " + group.id() + " target " + target.id()
                            + ": the generator stands in for http probes only");
                }
                long interval = TimeUnit.SECONDS.toNanos(http.intervalSeconds());
                slots.add(new Slot(group, target, backendOf(http.url()), (long) (random.nextDouble() * interval),
                        interval));
            }
        }
        if (slots.stream().map(Slot::intervalNanos).distinct().count() > 1) {
            throw new IllegalArgumentException("the generator stands in for probes of one interval: the topology has "
                    + slots.stream().map(slot -> TimeUnit.NANOSECONDS.toSeconds(slot.intervalNanos()) + " s").distinct()
                            .toList());
        }
        slots.sort(Comparator.comparingLong(Slot::phaseNanos));
        return slots;
    }

    public void start() {
        Map<String, List<Slot>> byLocation = new LinkedHashMap<>();
        for (String location : topology.locations()) {
            byLocation.put(location, slots(topology, location));
        }
        byLocation.values().stream().flatMap(List::stream).map(Slot::backend).distinct()
                .forEach(backend -> backendUp.put(backend, true));
        Thread watch = new Thread(this::watchBackends, "backend-watch");
        watch.setDaemon(true);
        threads.add(watch);
        watch.start();
        byLocation.forEach((location, slots) -> {
            Thread thread = new Thread(() -> probe(location, slots), "location-" + location);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        });
    }

    public long sent() {
        return sent.get();
    }

    private void watchBackends() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        while (running) {
            for (String backend : backendUp.keySet()) {
                boolean up;
                try {
                    HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(backend))
                            .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    up = response.statusCode() < 500;
                } catch (IOException e) {
                    up = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (backendUp.put(backend, up) != up) {
                    System.out.printf("%s backend %s is %s%n", Instant.now(), backend, up ? "UP" : "DOWN");
                }
            }
            sleepNanos(WATCH_EVERY.toNanos());
        }
    }

    private void probe(String location, List<Slot> slots) {
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "probe-" + location, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5);
        String prober = "generator-" + location;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new StringSerializer())) {
            long round = System.nanoTime();
            long interval = slots.stream().mapToLong(Slot::intervalNanos).max().orElse(TimeUnit.SECONDS.toNanos(1));
            while (running) {
                for (Slot slot : slots) {
                    if (!running) {
                        return;
                    }
                    long due = round + slot.phaseNanos();
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        sleepNanos(wait);
                    }
                    ProbeResult result = result(slot, location, prober, backendUp.getOrDefault(slot.backend(), true));
                    producer.send(new ProducerRecord<>(Topics.PROBE_RESULTS, result.group(),
                            EventCodec.instance().encode(result)));
                    sent.incrementAndGet();
                }
                round += interval;
            }
        }
    }

    static ProbeResult result(Slot slot, String location, String prober, boolean up) {
        Instant startedAt = Instant.now();
        FailoverGroup group = slot.group();
        Target target = slot.target();
        if (up) {
            return ProbeResult.of(group.id(), target.id(), target.region(), location, startedAt, ProbeOutcome.UP)
                    .durationMillis(1L).httpStatus(200).timings(PhaseTimings.total(1)).prober(prober).build();
        }
        return ProbeResult.of(group.id(), target.id(), target.region(), location, startedAt, ProbeOutcome.DOWN)
                .durationMillis(1L).failureReason(FailureReason.UNEXPECTED_STATUS).httpStatus(503)
                .timings(PhaseTimings.total(1)).detail("status 503 not in [200-399]").prober(prober).build();
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            thread.interrupt();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: ProbeResultGenerator BOOTSTRAP_SERVERS TOPOLOGY_FILE");
            System.exit(2);
        }
        Topology topology = TopologyLoader.load(Path.of(args[1]));
        try (ProbeResultGenerator generator = new ProbeResultGenerator(args[0], topology)) {
            generator.start();
            System.out.printf("generating the results of %d locations for %d groups%n", topology.locations().size(),
                    topology.groups().size());
            long last = 0;
            long lastAt = System.nanoTime();
            while (true) {
                Thread.sleep(10_000);
                long now = System.nanoTime();
                long total = generator.sent();
                System.out.printf("%s generated %d results (%.0f/s)%n", Instant.now(), total,
                        (total - last) * 1e9 / (now - lastAt));
                last = total;
                lastAt = now;
            }
        }
    }
}
