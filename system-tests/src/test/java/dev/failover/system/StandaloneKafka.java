package dev.failover.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.failover.testkit.cpu.ClassCpu;
import dev.failover.testkit.net.FreePorts;

/** The broker as the local stack runs it: scripts/kafka.sh, a separate process, on free ports. */
final class StandaloneKafka implements AutoCloseable {

    /** scripts/kafka.sh's KAFKA_SECURITY. */
    enum Security {
        PLAINTEXT, SASL_SSL
    }

    /**
     * The Kafka jars every stack of the system tests runs from (scripts/kafka.sh's KAFKA_LIB_DIR): resolved once, by the
     * first stack to start, instead of one Maven run per test class.
     */
    static final Path KAFKA_LIB = Path.of("target/kafka-lib").toAbsolutePath();

    private final Path stackDir;
    private final int port;
    private final int controllerPort;
    private final Security security;

    private StandaloneKafka(Path stackDir, int port, int controllerPort, Security security) {
        this.stackDir = stackDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.security = security;
    }

    static StandaloneKafka start(Path stackDir) throws IOException, InterruptedException {
        return start(stackDir, Security.PLAINTEXT);
    }

    static StandaloneKafka start(Path stackDir, Security security) throws IOException, InterruptedException {
        StandaloneKafka kafka = new StandaloneKafka(stackDir.toAbsolutePath(), FreePorts.next(), FreePorts.next(),
                security);
        kafka.run("start");
        return kafka;
    }

    /**
     * The KAFKA_* env variables scripts/kafka.sh wrote for a user of the secured broker (its clients/USER.env), with the
     * address: what a service needs to run as that Kafka principal.
     */
    Map<String, String> clientEnv(String user) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        for (String line : Files.readAllLines(stackDir.resolve("kafka/clients/" + user + ".env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String value = line.substring(eq + 1);
                // single quotes keep the JAAS config's spaces and double quotes together for `source`
                env.put(line.substring(0, eq),
                        value.startsWith("'") && value.endsWith("'") ? value.substring(1, value.length() - 1) : value);
            }
        }
        return env;
    }

    /** The same settings as Kafka client properties (KAFKA_SASL_JAAS_CONFIG is sasl.jaas.config), for test clients. */
    Map<String, Object> clientProperties(String user) throws IOException {
        Map<String, Object> properties = new HashMap<>();
        clientEnv(user).forEach((key, value) -> properties.put(key.substring("KAFKA_".length()).toLowerCase(Locale.ROOT)
                .replace('_', '.'), value));
        return properties;
    }

    Security security() {
        return security;
    }

    /** The broker's process id, from scripts/kafka.sh's pid file: for a real fault (kill -STOP, -CONT, -9 by PID). */
    long pid() throws IOException {
        return Long.parseLong(Files.readString(stackDir.resolve("kafka/kafka.pid")).trim());
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void run(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", ServiceProcess.ROOT.resolve("scripts/kafka.sh").toString(),
                command)
                .inheritIO();
        builder.environment().put("STACK_DIR", stackDir.toString());
        builder.environment().put("KAFKA_LIB_DIR", KAFKA_LIB.toString());
        builder.environment().put("KAFKA_PORT", String.valueOf(port));
        builder.environment().put("KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
        builder.environment().put("KAFKA_SECURITY", security.name().toLowerCase(Locale.ROOT));
        // a broker that lives for one test class: C1 only, as the services run (ServiceProcess), less CPU on compiling
        builder.environment().put("KAFKA_JVM_OPTS", "-XX:TieredStopAtLevel=1");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("scripts/kafka.sh " + command + " failed");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // scripts/kafka.sh runs the broker in the background, outside this JVM's tree: its CPU is counted here, up to
        // its stop. Only an account: whatever fails in it, the broker is stopped.
        try {
            ClassCpu.detached(pid());
        } catch (IOException | RuntimeException e) {
            System.err.println("the broker's CPU time is not counted: " + e);
        }
        run("stop");
    }
}
