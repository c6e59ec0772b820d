package dev.failover.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.demo.DemoBackend;
import dev.failover.testkit.dns.AuthoritativeServer;
import dev.failover.testkit.dns.BindServer;
import dev.failover.testkit.dns.KnotServer;
import dev.failover.testkit.topology.TestTopology;

/**
 * One system test's stack, described once and started by {@link Builder#start()}: a standalone broker (plaintext, or
 * SASL_SSL with each service as its own principal, as in production), demo backends, the topology written from them, an
 * authoritative DNS server (BIND9 or Knot) or none (the actuator then runs dry-run), the probe-service at N locations, N
 * decision-services and the actuator, each as its packaged process ({@link ServiceProcess}). The handles give each part
 * and each process id; {@link #close()} stops all it started, services first.
 * <p>
 * Service names (their log files under target/system-logs) are the stack's name and the part: {@code NAME-decision} (or
 * {@code NAME-decider-i}, with FAILOVER_INSTANCE_ID {@code decider-i}, when there are several), {@code NAME-probe-LOCATION},
 * {@code NAME-actuator}. The broker's data lives in target/NAME-stack, emptied first.
 */
final class TestStack implements AutoCloseable {

    static final String DECISION = "decision-service";
    static final String PROBE = "probe-service";
    static final String ACTUATOR = "actuator-service";
    static final Duration READY = Duration.ofSeconds(90);
    /** The Kafka principal each module runs as on the SASL_SSL broker (scripts/kafka.sh's users). */
    private static final Map<String, String> PRINCIPALS = Map.of(DECISION, "failover-decision", PROBE, "failover-probe",
            ACTUATOR, "failover-actuator");

    final String name;
    private final StandaloneKafka kafka;
    private final Map<String, DemoBackend> backends = new LinkedHashMap<>();
    private AuthoritativeServer dns;
    private Path topology;
    private final Map<String, Map<String, String>> extraEnv;
    private final List<ServiceProcess> services = new ArrayList<>();
    /** A module's image when the services run from images, else null. */
    private final Function<String, String> images;

    private TestStack(String name, StandaloneKafka kafka, Map<String, Map<String, String>> extraEnv,
            Function<String, String> images) {
        this.name = name;
        this.kafka = kafka;
        this.extraEnv = extraEnv;
        this.images = images;
    }

    static Builder named(String name) {
        return new Builder(name);
    }

    /** What to start; nothing runs before {@link #start()}. */
    static final class Builder {
        private final String name;
        private StandaloneKafka.Security security = StandaloneKafka.Security.PLAINTEXT;
        private final List<String> backends = new ArrayList<>();
        private Function<TestStack, String> topology;
        private BiFunction<String, List<String>, AuthoritativeServer> dnsServer;
        private String zone;
        private List<String> records;
        private List<String> locations = List.of();
        private int deciders;
        private boolean actuator;
        private Function<String, String> images;
        private final Map<String, Map<String, String>> env = new HashMap<>();
        private final Map<Integer, Map<String, String>> deciderEnv = new HashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** The broker's security; PLAINTEXT unless said. */
        Builder kafka(StandaloneKafka.Security security) {
            this.security = security;
            return this;
        }

        /** Demo backends by name, each on a free port, healthy at the start. */
        Builder backends(String... names) {
            backends.addAll(List.of(names));
            return this;
        }

        /** The topology, written from the started backends (and DNS server); parsed first, so a bad one stops the start. */
        Builder topology(Function<TestStack, String> yaml) {
            this.topology = yaml;
            return this;
        }

        /** The backends primary and secondary and TestTopology's one-group topology over them. */
        Builder primaryAndSecondary() {
            return backends(TestTopology.PRIMARY, TestTopology.SECONDARY).topology(s -> TestTopology.yaml(s.backend(
                    TestTopology.PRIMARY).healthUrl(), s.backend(TestTopology.SECONDARY).healthUrl()));
        }

        /** A BIND9 server primary for {@code zone} with these records; the actuator writes to it (RFC 2136). */
        Builder bind9(String zone, List<String> records) {
            return dns(BindServer::start, zone, records);
        }

        /** A Knot DNS server primary for {@code zone} with these records; the actuator writes to it (RFC 2136). */
        Builder knot(String zone, List<String> records) {
            return dns(KnotServer::start, zone, records);
        }

        private Builder dns(BiFunction<String, List<String>, AuthoritativeServer> server, String zone,
                List<String> records) {
            this.dnsServer = server;
            this.zone = zone;
            this.records = List.copyOf(records);
            return this;
        }

        /** The probe-service at each of TestTopology's three locations. */
        Builder probes() {
            return probes(TestTopology.LOCATIONS);
        }

        /** The probe-service at each of these locations. */
        Builder probes(String... locations) {
            this.locations = List.of(locations);
            return this;
        }

        /** {@code count} decision-services in one consumer group. */
        Builder deciders(int count) {
            this.deciders = count;
            return this;
        }

        /**
         * Settings of decider {@code number} alone (1 is the first), on top of those of its module: what only one instance
         * may have, such as a debug port.
         */
        Builder deciderEnv(int number, Map<String, String> more) {
            deciderEnv.computeIfAbsent(number, n -> new HashMap<>()).putAll(more);
            return this;
        }

        /** The actuator: RFC 2136 against the stack's DNS server if it has one, dry-run if not. */
        Builder actuator() {
            this.actuator = true;
            return this;
        }

        /**
         * The services run from their images ({@code images} gives a module's image: scripts/images.sh's), not their jars;
         * everything else as it would be.
         */
        Builder images(Function<String, String> images) {
            this.images = images;
            return this;
        }

        /** Settings a module's services get on top of the stack's (an empty value unsets one), as key, value pairs. */
        Builder env(String module, String... keyValues) {
            for (int i = 0; i < keyValues.length; i += 2) {
                env.computeIfAbsent(module, m -> new HashMap<>()).put(keyValues[i], keyValues[i + 1]);
            }
            return this;
        }

        /**
         * Starts the broker, the backends, the DNS server, writes the topology, then the services, and waits until every
         * service is ready. On SASL_SSL the decision-service is ready before the others start: as in production, it
         * creates the topics the other principals may only use. A failed start stops what did start.
         */
        TestStack start() throws Exception {
            Path dir = Path.of("target/" + name + "-stack");
            deleteRecursively(dir.resolve("kafka"));
            TestStack stack = new TestStack(name, StandaloneKafka.start(dir, security), env, images);
            try {
                backends.forEach(b -> stack.backends.put(b, DemoBackend.start(b, 0)));
                if (dnsServer != null) {
                    stack.dns = dnsServer.apply(zone, records);
                }
                if (topology != null) {
                    String yaml = topology.apply(stack);
                    TopologyLoader.parse(yaml, name + " topology");
                    stack.topology = TestTopology.writeRaw(yaml);
                }
                for (int i = 1; i <= deciders; i++) {
                    Map<String, String> more = new HashMap<>(deciders == 1 ? Map.of()
                            : Map.of("FAILOVER_INSTANCE_ID", "decider-" + i));
                    more.putAll(deciderEnv.getOrDefault(i, Map.of()));
                    stack.start(DECISION, deciders == 1 ? "decision" : "decider-" + i, more);
                }
                if (security == StandaloneKafka.Security.SASL_SSL && deciders > 0) {
                    stack.services.get(0).awaitReady(READY);
                }
                for (String location : locations) {
                    stack.start(PROBE, "probe-" + location, Map.of("FAILOVER_LOCATION", location));
                }
                if (actuator) {
                    stack.start(ACTUATOR, "actuator", Map.of());
                }
                for (ServiceProcess service : stack.services) {
                    service.awaitReady(READY);
                }
                return stack;
            } catch (Exception | AssertionError e) {
                stack.close();
                throw e;
            }
        }
    }

    /**
     * Starts one more service of {@code module} named {@code NAME-part} with the stack's settings for it and {@code more}
     * (an empty value unsets one); it is stopped with the stack. Does not wait for it to be ready.
     */
    ServiceProcess start(String module, String part, Map<String, String> more) {
        ServiceProcess service = ServiceProcess.start(module, name + "-" + part, env(module, more), images == null
                ? ServiceProcess.Placement.local() : ServiceProcess.Placement.inImage(images.apply(module)));
        services.add(service);
        return service;
    }

    /**
     * What a service of {@code module} runs with: its Kafka principal's settings (or the plaintext broker's address), the
     * topology, the actuator's DNS settings, what the builder's env added for the module, then {@code more}.
     */
    Map<String, String> env(String module, Map<String, String> more) {
        Map<String, String> env = new HashMap<>();
        try {
            env.putAll(kafka.security() == StandaloneKafka.Security.SASL_SSL ? kafka.clientEnv(PRINCIPALS.get(module))
                    : Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (topology != null) {
            env.put("FAILOVER_TOPOLOGY_FILE", topology.toString());
        }
        if (module.equals(ACTUATOR)) {
            // no permission check (IAM's global endpoint) unless a test points it at a fixture (AwsWorkloadIdentityIT)
            env.put("FAILOVER_PERMISSIONS_CHECK_INTERVAL", "0");
            env.putAll(dns == null ? Map.of("FAILOVER_DNS_PROVIDER", "dry-run")
                    : Map.of("FAILOVER_DNS_PROVIDER", "rfc2136",
                            "FAILOVER_DNS_RFC2136_SERVER", "127.0.0.1", "FAILOVER_DNS_RFC2136_PORT",
                            String.valueOf(dns.port()),
                            "FAILOVER_DNS_RFC2136_TSIG_KEY_NAME", AuthoritativeServer.KEY_NAME,
                            "FAILOVER_DNS_RFC2136_TSIG_SECRET",
                            dns.secret()));
        }
        env.putAll(extraEnv.getOrDefault(module, Map.of()));
        env.putAll(more);
        return env;
    }

    /** Stops one of the stack's services (SIGTERM) and forgets it. */
    void stop(ServiceProcess service) {
        service.close();
        services.remove(service);
    }

    /** Starts the backend {@code name} again on the port it had (after a test closed it) and returns it. */
    DemoBackend restartBackend(String backend) {
        DemoBackend restarted = DemoBackend.start(backend, backends.get(backend).port());
        backends.put(backend, restarted);
        return restarted;
    }

    StandaloneKafka kafka() {
        return kafka;
    }

    DemoBackend backend(String backend) {
        DemoBackend found = backends.get(backend);
        if (found == null) {
            throw new IllegalArgumentException(
                    "no backend " + backend + " in stack " + name + ": " + backends.keySet());
        }
        return found;
    }

    /** The DNS server, or null when the stack has none. */
    AuthoritativeServer dns() {
        return dns;
    }

    Path topology() {
        return topology;
    }

    /** The stack's services still running, in the order started. */
    List<ServiceProcess> services() {
        return List.copyOf(services);
    }

    List<ServiceProcess> services(String module) {
        return services.stream().filter(s -> s.module.equals(module)).toList();
    }

    /** The first decision-service running. */
    ServiceProcess decider() {
        return services(DECISION).get(0);
    }

    List<ServiceProcess> deciders() {
        return services(DECISION);
    }

    List<ServiceProcess> probes() {
        return services(PROBE);
    }

    /** The actuator running. */
    ServiceProcess actuator() {
        return services(ACTUATOR).get(0);
    }

    /** Each service's and the DNS server's process id, by name: what a test looks up or signals. */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        services.forEach(s -> pids.put(s.name, s.pid()));
        if (dns != null) {
            pids.put(dns.product(), dns.pid());
        }
        return pids;
    }

    /**
     * Stops the services, then the DNS server, the backends and the broker. Every service is asked to stop (SIGTERM) before
     * the first is waited for: a graceful stop takes seconds (the consumers drain, the actuator's reconciler ends), and in
     * turn they would add up in every test class.
     */
    @Override
    public void close() throws Exception {
        services.forEach(ServiceProcess::askToStop);
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        services.clear();
        backends.values().forEach(DemoBackend::close); // again for one a test closed: its server is stopped already
        if (dns != null) {
            dns.close();
        }
        kafka.close();
    }

    /** Closes each that is not null, in this order: an {@code @AfterAll} whose {@code @BeforeAll} may have stopped half-way. */
    static void closeAll(AutoCloseable... closeables) throws Exception {
        for (AutoCloseable closeable : closeables) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    /** Deletes {@code path} and all below it; nothing when it does not exist. */
    static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var paths = Files.walk(path)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code base} and one more setting. */
    static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> env = new HashMap<>(base);
        env.put(key, value);
        return env;
    }
}
