package dev.failover.probe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The probe-service's configuration as plain, valid values, made once at start by {@link ProbeConfigResolver}; see
 * {@link ProbeServiceConfig} for what each one means.
 *
 * @param instanceId       this instance's name on its results ({@code prober}); checked
 * @param selfCheckUrls    http(s) URLs with a host; empty: no self-check
 * @param maxStartDelay    positive when present; empty: a quarter of each target's interval
 * @param maxLoopLag       positive
 * @param perTargetMetrics {@code failover.metrics.per-target-detail}
 * @param observeInterval  {@code failover.probe.observe-interval}, positive
 */
public record ProbeSettings(String location, String instanceId, Path topologyFile, Duration reloadInterval,
        int bufferSize, int maxConnections,
        List<String> selfCheckUrls, Duration selfCheckInterval, Duration selfCheckTimeout,
        Optional<Duration> maxStartDelay,
        Duration maxLoopLag, boolean perTargetMetrics, Duration observeInterval) {

    public ProbeSettings {
        selfCheckUrls = List.copyOf(selfCheckUrls);
    }
}
