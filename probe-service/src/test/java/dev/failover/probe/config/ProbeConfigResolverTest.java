package dev.failover.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.failover.kafka.security.KafkaSecurityCheck;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The configuration is checked once, every bad key named; what comes out are plain values. */
class ProbeConfigResolverTest {

    /** A configuration as SmallRye would map it, with the given self-check URLs and durations. */
    static ProbeServiceConfig config(String location, List<String> urls, Duration interval, Duration timeout,
            int bufferSize) {
        return config(location, urls, interval, timeout, bufferSize, Optional.empty(), Duration.ofMillis(200));
    }

    static ProbeServiceConfig config(String location, List<String> urls, Duration interval, Duration timeout,
            int bufferSize,
            Optional<Duration> maxStartDelay, Duration maxLoopLag) {
        return config(location, "probe-loc-a-0", urls, interval, timeout, bufferSize, maxStartDelay, maxLoopLag);
    }

    static ProbeServiceConfig config(String location, String instanceId, List<String> urls, Duration interval,
            Duration timeout,
            int bufferSize, Optional<Duration> maxStartDelay, Duration maxLoopLag) {
        ProbeServiceConfig.Probe probe = new ProbeServiceConfig.Probe() {
            @Override
            public Optional<Duration> maxStartDelay() {
                return maxStartDelay;
            }

            @Override
            public Duration maxLoopLag() {
                return maxLoopLag;
            }

            @Override
            public Duration observeInterval() {
                return Duration.ofSeconds(1);
            }
        };
        ProbeServiceConfig.SelfCheck selfCheck = new ProbeServiceConfig.SelfCheck() {
            @Override
            public Optional<List<String>> urls() {
                return Optional.ofNullable(urls);
            }

            @Override
            public Duration interval() {
                return interval;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }
        };
        return new ProbeServiceConfig() {
            @Override
            public String location() {
                return location;
            }

            @Override
            public String instanceId() {
                return instanceId;
            }

            @Override
            public Path topologyFile() {
                return Path.of("config/failover.yaml");
            }

            @Override
            public Duration reloadInterval() {
                return Duration.ofSeconds(5);
            }

            @Override
            public int bufferSize() {
                return bufferSize;
            }

            @Override
            public int maxConnections() {
                return 512;
            }

            @Override
            public Metrics metrics() {
                return () -> false;
            }

            @Override
            public SelfCheck selfCheck() {
                return selfCheck;
            }

            @Override
            public Probe probe() {
                return probe;
            }
        };
    }

    @Test
    void aValidConfigurationBecomesPlainSettings() {
        ProbeSettings settings = resolve(config("loc-a", List.of("https://example.com/", "http://10.0.0.1:8080/x"),
                Duration.ofSeconds(10), Duration.ofSeconds(3), 100));
        assertThat(settings).isEqualTo(new ProbeSettings("loc-a", "probe-loc-a-0", Path.of("config/failover.yaml"),
                Duration.ofSeconds(5), 100, 512,
                List.of("https://example.com/", "http://10.0.0.1:8080/x"), Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                Optional.empty(), Duration.ofMillis(200), false, Duration.ofSeconds(1)));
    }

    @Test
    void anInstanceIdThatCannotNameItsResultsIsNamedByItsKey() {
        for (String bad : List.of("", "probe a", "x".repeat(250))) {
            ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                    () -> resolve(config("loc-a", bad, null, Duration.ofSeconds(10), Duration.ofSeconds(3), 100,
                            Optional.empty(), Duration.ofMillis(200))));
            assertThat(e.getConfigKeys()).as(bad).containsExactly("failover.instance-id");
            assertThat(e.getMessage()).contains("failover.instance-id: '" + bad + "' must be 1 to 249 ASCII letters");
        }
    }

    @Test
    void noSelfCheckUrlsMeansAnEmptyList() {
        assertThat(resolve(config("loc-a", null, Duration.ofSeconds(10), Duration.ofSeconds(3), 100))
                .selfCheckUrls()).isEmpty();
    }

    @Test
    void aBadSelfCheckUrlIsNamedByItsKey() {
        assertThatThrownBy(() -> resolve(config("loc-a", List.of("https://example.com/", "ftp://example.com/"),
                Duration.ofSeconds(10), Duration.ofSeconds(3), 100)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(
                        "invalid configuration of the probe-service: failover.self-check.urls[1]: 'ftp://example.com/' is not a "
                                + "valid URL: scheme must be http or https");
    }

    @Test
    void everyBadKeyIsReportedAtOnce() {
        ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> resolve(config(" ", List.of("http://"), Duration.ZERO, Duration.ofSeconds(-1), 0)));
        assertThat(e.getConfigKeys()).containsExactly("failover.location", "failover.buffer-size",
                "failover.self-check.urls[0]",
                "failover.self-check.interval", "failover.self-check.timeout");
        assertThat(e.getMessage()).contains("failover.self-check.urls[0]: 'http://' is not a valid URL: ")
                .contains("failover.buffer-size: must be at least 1, was 0")
                .contains("failover.self-check.interval: must be positive, was PT0S");
    }

    @Test
    void theImpairmentBoundsMustBePositiveAndAreNamedByTheirKeys() {
        ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                () -> resolve(config("loc-a", null, Duration.ofSeconds(10), Duration.ofSeconds(3), 100,
                        Optional.of(Duration.ZERO), Duration.ofMillis(-1))));
        assertThat(e.getConfigKeys()).containsExactly("failover.probe.max-start-delay", "failover.probe.max-loop-lag");
        assertThat(e.getMessage()).contains("failover.probe.max-start-delay: must be positive, was PT0S");
        assertThat(resolve(config("loc-a", null, Duration.ofSeconds(10), Duration.ofSeconds(3), 100,
                Optional.of(Duration.ofMillis(100)), Duration.ofMillis(50))).maxStartDelay())
                .contains(Duration.ofMillis(100));
    }

    private static ProbeSettings resolve(ProbeServiceConfig config) {
        return ProbeConfigResolver.resolve(config, KafkaSecurityCheck.of(Map.of()));
    }
}
