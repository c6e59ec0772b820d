package dev.failover.kafka.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyDigest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * What every service of the plane says about itself, so that a plane of mixed versions or mixed topologies is visible:
 * {@code failover_build_info{service,version,revision}} and {@code failover_topology_info{service,version,digest}},
 * both 1. The revision is the commit the jars were built from ({@code build.properties}, filled in by the build), with
 * {@code -dirty} when the tree had changes, "unknown" without .git.
 * Alerts FailoverVersionsDiffer and FailoverTopologiesDiffer count the distinct values.
 */
public final class PlaneInfo {

    /** 1, with the service's name, version and revision as labels. */
    public static final String BUILD_INFO = "failover.build.info";
    /**
     * 1, with the digest of the topology the service runs ({@link TopologyDigest}) and the service's version (two releases
     * may digest one file differently); one series at a time.
     */
    public static final String TOPOLOGY_INFO = "failover.topology.info";

    /** The commit this build is of, {@code -dirty} when built from a changed tree; "unknown" when built without .git. */
    public static final String REVISION = revision();

    private final String service;
    private final String version;
    private final MultiGauge topology;

    public PlaneInfo(MeterRegistry registry, String service, String version) {
        this.service = service;
        this.version = version;
        Gauge.builder(BUILD_INFO, () -> 1).description("The service's name, version and revision (labels), always 1")
                .tags("service", service, "version", version, "revision", REVISION).register(registry);
        this.topology = MultiGauge.builder(TOPOLOGY_INFO)
                .description("The digest of the topology this instance runs (label), always 1").register(registry);
    }

    /** The topology now run: its digest replaces the one reported before. */
    public void runs(Topology running) {
        topology.register(List.of(MultiGauge.Row.of(Tags.of("service", service, "version", version, "digest",
                TopologyDigest.of(running)), 1)), true);
    }

    private static String revision() {
        Properties build = new Properties();
        try (InputStream in = PlaneInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String revision = build.getProperty("revision", "");
        if (revision.isBlank() || revision.startsWith("${")) {
            return "unknown";
        }
        return "true".equals(build.getProperty("dirty")) ? revision + "-dirty" : revision;
    }
}
