package dev.failover.probe.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.failover.contract.topology.TopologyValidator;
import dev.failover.kafka.security.KafkaSecurityCheck;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.common.annotation.Identifier;

/**
 * The one place the probe-service's configuration is checked: {@link ProbeServiceConfig} in, {@link ProbeSettings} out,
 * at start (before the topology is read), or the start fails naming every bad key. Adapters take the plain settings.
 */
@Singleton
public class ProbeConfigResolver {

    private static final Logger LOG = Logger.getLogger(ProbeConfigResolver.class);
    /** As the other services' {@code failover.instance-id}, Kafka's rule for a {@code group.instance.id}. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    @Produces
    @Singleton
    ProbeSettings settings(ProbeServiceConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        KafkaSecurityCheck kafkaSecurity = KafkaSecurityCheck.of(kafka);
        ProbeSettings settings = resolve(config, kafkaSecurity);
        kafkaSecurity.warning().ifPresent(LOG::warn);
        return settings;
    }

    /** Resolving the settings is what checks them: done first at start, so a bad key stops the service at once. */
    void checkAtStart(@Observes @Priority(0) StartupEvent event, ProbeSettings settings) {
        // nothing more to do: the settings exist, so they are valid
    }

    /**
     * Self-check URLs must be fit for an http probe, as the topology's are.
     *
     * @param kafkaSecurity the check of the {@code kafka.*} settings every Kafka client of the service gets
     *
     * @throws ConfigurationException naming every bad key with what is wrong with it
     */
    public static ProbeSettings resolve(ProbeServiceConfig config, KafkaSecurityCheck kafkaSecurity) {
        Problems problems = new Problems();
        kafkaSecurity.problems().forEach(p -> problems.add(p.key(), p.message()));
        if (config.location().isBlank()) {
            problems.add("failover.location", "is required: the probing location this instance runs as");
        }
        if (!INSTANCE_ID.matcher(config.instanceId()).matches()) {
            problems.add("failover.instance-id",
                    "'" + config.instanceId() + "' must be 1 to 249 ASCII letters, digits, '.', '_' "
                            + "and '-' (it names this instance on its results)");
        }
        problems.positive("failover.reload-interval", config.reloadInterval());
        problems.atLeastOne("failover.buffer-size", config.bufferSize());
        problems.atLeastOne("failover.max-connections", config.maxConnections());
        List<String> urls = config.selfCheck().urls().orElse(List.of());
        for (int i = 0; i < urls.size(); i++) {
            String key = "failover.self-check.urls[" + i + "]";
            String url = urls.get(i);
            TopologyValidator.httpUrlProblem(url)
                    .ifPresent(problem -> problems.add(key, "'" + url + "' is not a valid URL: " + problem));
        }
        problems.positive("failover.self-check.interval", config.selfCheck().interval());
        problems.positive("failover.self-check.timeout", config.selfCheck().timeout());
        config.probe().maxStartDelay().ifPresent(delay -> problems.positive("failover.probe.max-start-delay", delay));
        problems.positive("failover.probe.max-loop-lag", config.probe().maxLoopLag());
        problems.positive("failover.probe.observe-interval", config.probe().observeInterval());
        problems.throwIfAny();
        return new ProbeSettings(config.location(), config.instanceId(), config.topologyFile(), config.reloadInterval(),
                config.bufferSize(),
                config.maxConnections(), urls, config.selfCheck().interval(), config.selfCheck().timeout(),
                config.probe().maxStartDelay(), config.probe().maxLoopLag(), config.metrics().perTargetDetail(),
                config.probe().observeInterval());
    }

    /** Every bad key found, reported together. */
    private static final class Problems {
        private final List<String> messages = new ArrayList<>();
        private final Set<String> keys = new LinkedHashSet<>();

        void add(String key, String message) {
            messages.add(key + ": " + message);
            keys.add(key);
        }

        void positive(String key, Duration value) {
            if (value.isNegative() || value.isZero()) {
                add(key, "must be positive, was " + value);
            }
        }

        void atLeastOne(String key, int value) {
            if (value < 1) {
                add(key, "must be at least 1, was " + value);
            }
        }

        void throwIfAny() {
            if (!messages.isEmpty()) {
                throw new ConfigurationException(
                        "invalid configuration of the probe-service: " + String.join("; ", messages), keys);
            }
        }
    }
}
