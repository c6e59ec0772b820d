package dev.failover.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.utils.Time;

import dev.failover.testkit.config.ConfigTemplate;
import dev.failover.testkit.net.FreePorts;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) inside the current JVM, on free
 * loopback ports, with its storage in a temporary directory that is deleted on close.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The SCRAM user the secured broker and {@link #adminProperties()} authenticate as; a super user. */
    public static final String ADMIN_USER = "admin";
    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private final Path dataDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Optional<Security> security;

    /**
     * What clients of the secured broker need.
     *
     * @param caCertificate PEM of the CA that signed the broker's certificate
     * @param passwords     the SCRAM password of every user, the admin's included
     */
    record Security(Path caCertificate, Map<String, String> passwords) {
    }

    private EmbeddedKafkaBroker(Path dataDir, KafkaRaftServer server, String bootstrapServers,
            Optional<Security> security) {
        this.dataDir = dataDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
    }

    /** A broker with a PLAINTEXT client listener and no authorizer: what most tests run against. */
    public static EmbeddedKafkaBroker start() {
        return start(Optional.empty());
    }

    /**
     * A broker whose client listener is SASL_SSL with SCRAM-SHA-512 (a CA and broker certificate made now), with the
     * StandardAuthorizer denying whatever no ACL allows, and these SCRAM users (with random passwords) besides
     * {@link #ADMIN_USER}. config/kafka/broker-sasl-ssl.properties.template, as scripts/kafka.sh runs it.
     */
    public static EmbeddedKafkaBroker startSecured(Collection<String> users) {
        return start(Optional.of(users));
    }

    private static EmbeddedKafkaBroker start(Optional<Collection<String>> users) {
        try {
            Path dir = Files.createTempDirectory("failover-kafka-");
            int brokerPort = FreePorts.next();
            int controllerPort = FreePorts.next();
            String config = serverProperties(dir.resolve("data"), brokerPort, controllerPort);
            Optional<Security> security = Optional.empty();
            List<String> scram = new ArrayList<>();
            if (users.isPresent()) {
                KafkaTls tls = KafkaTls.create(dir.resolve("tls"));
                Map<String, String> passwords = new LinkedHashMap<>();
                passwords.put(ADMIN_USER, KafkaTls.randomSecret());
                users.get().forEach(user -> passwords.put(user, KafkaTls.randomSecret()));
                passwords.forEach((user, password) -> scram
                        .add(SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]"));
                config += securedServerProperties(brokerPort, controllerPort, tls, passwords.get(ADMIN_USER));
                security = Optional.of(new Security(tls.caCertificate(), Map.copyOf(passwords)));
            }
            Path propsFile = dir.resolve("server.properties");
            Files.writeString(propsFile, config);
            Properties props = new Properties();
            props.load(new StringReader(config));
            format(propsFile, scram);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, server, "127.0.0.1:" + brokerPort, security);
            awaitReady(broker.adminProperties(), Duration.ofSeconds(60));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the in-JVM Kafka broker", e);
        }
    }

    /** The broker configuration: config/kafka/broker.properties.template, as scripts/kafka.sh runs it. */
    static String serverProperties(Path logDir, int brokerPort, int controllerPort) {
        return ConfigTemplate.render("kafka/broker.properties.template",
                Map.of("BROKER_PORT", Integer.toString(brokerPort),
                        "CONTROLLER_PORT", Integer.toString(controllerPort), "LOG_DIR", logDir.toString()));
    }

    /** What the secured broker adds: config/kafka/broker-sasl-ssl.properties.template (its keys win, being later). */
    static String securedServerProperties(int brokerPort, int controllerPort, KafkaTls tls, String adminPassword) {
        return "\n" + ConfigTemplate.render("kafka/broker-sasl-ssl.properties.template", Map.of(
                "BROKER_PORT", Integer.toString(brokerPort), "CONTROLLER_PORT", Integer.toString(controllerPort),
                "KEYSTORE", tls.brokerKeystore().toString(), "KEYSTORE_PASSWORD", tls.keystorePassword(),
                "TRUSTSTORE", tls.caCertificate().toString(),
                "ADMIN_USER", ADMIN_USER, "ADMIN_PASSWORD", adminPassword));
    }

    /** Formats the storage; SCRAM users can only be added here, before the first start (KRaft, KIP-900). */
    private static void format(Path propsFile, List<String> scramCredentials) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", propsFile.toString(), "--ignore-formatted"));
        scramCredentials.forEach(credential -> args.addAll(List.of("--add-scram", credential)));
        int exit;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(args.toArray(String[]::new), out);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    "kafka-storage format failed (" + exit + "): " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static void awaitReady(Map<String, Object> adminProperties, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = new HashMap<>(adminProperties);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        String bootstrap = String.valueOf(adminProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        RuntimeException last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = new IllegalStateException(e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka broker at " + bootstrap + " not ready within " + timeout, last);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties of the admin: a super user on the secured broker; just the address on the plaintext one. */
    public Map<String, Object> adminProperties() {
        return security.isEmpty() ? Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)
                : Map.<String, Object>copyOf(clientProperties(ADMIN_USER));
    }

    /**
     * The client properties (without the {@code kafka.} prefix) of one SCRAM user of the secured broker: address,
     * SASL_SSL, SCRAM-SHA-512 with the user's password, and the CA to trust.
     *
     * @throws IllegalArgumentException for a user the broker was not started with, or on the plaintext broker
     */
    public Map<String, String> clientProperties(String user) {
        return clientProperties(user, passwordOf(user));
    }

    /** As {@link #clientProperties(String)}, with any password: for showing that a wrong one is refused. */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> properties = new LinkedHashMap<>(tlsClientProperties());
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        properties.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
        properties.put(SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
        return properties;
    }

    /** Address and CA trust, without any SASL settings: a client that brings no credentials. */
    public Map<String, String> tlsClientProperties() {
        Security secured = security
                .orElseThrow(() -> new IllegalArgumentException("this broker has no SASL_SSL listener"));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, secured.caCertificate().toString());
        return properties;
    }

    private String passwordOf(String user) {
        String password = security.map(s -> s.passwords().get(user)).orElse(null);
        if (password == null) {
            throw new IllegalArgumentException("no SCRAM user " + user + " on this broker");
        }
        return password;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        deleteRecursively(dataDir);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test run for
        }
    }
}
