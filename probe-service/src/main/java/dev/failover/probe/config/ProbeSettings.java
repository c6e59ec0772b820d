package dev.failover.probe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The probe-service's configuration as plain, valid values, made once at start by {@link ProbeConfigResolver}; see
 * {@link ProbeServiceConfig} for what each one means.
 *
 * @param selfCheckUrls    http(s) URLs with a host; empty: no self-check
 * @param perTargetMetrics {@code failover.metrics.per-target-detail}
 */
public record ProbeSettings(String location, Path topologyFile, Duration reloadInterval, int bufferSize, int maxConnections,
        List<String> selfCheckUrls, Duration selfCheckInterval, Duration selfCheckTimeout, boolean perTargetMetrics) {

    public ProbeSettings {
        selfCheckUrls = List.copyOf(selfCheckUrls);
    }
}
