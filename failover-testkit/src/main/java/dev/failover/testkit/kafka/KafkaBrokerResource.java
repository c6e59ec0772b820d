package dev.failover.testkit.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} a real Kafka broker running in the test JVM. One broker serves every test class of the
 * JVM (starting one takes seconds); it stops when the JVM exits.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /** The broker's own loggers; at INFO they drown the test output. */
    static final String[] BROKER_LOGGERS = { "kafka", "org.apache.kafka", "state.change.logger",
            "org.apache.zookeeper" };

    private static EmbeddedKafkaBroker broker;

    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            quietBrokerLogs();
            broker = EmbeddedKafkaBroker.start();
            EmbeddedKafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "kafka-test-broker-shutdown"));
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(quietLogConfig());
        config.put("kafka.bootstrap.servers", broker().bootstrapServers());
        return config;
    }

    /** The broker's loggers at WARN in the application under test too. */
    static Map<String, String> quietLogConfig() {
        return Map.of(
                "quarkus.log.category.\"kafka\".level", "WARN",
                "quarkus.log.category.\"org.apache.kafka\".level", "WARN",
                "quarkus.log.category.\"state.change.logger\".level", "WARN");
    }

    @Override
    public void stop() {
        // shared by every test class of this JVM; closed by the shutdown hook
    }

    static void quietBrokerLogs() {
        for (String name : BROKER_LOGGERS) {
            Logger.getLogger(name).setLevel(Level.WARNING);
        }
    }
}
