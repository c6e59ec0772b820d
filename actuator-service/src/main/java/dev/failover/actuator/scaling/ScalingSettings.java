package dev.failover.actuator.scaling;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.failover.contract.topology.ScalingRef;

/**
 * The capacity backends the topology needs, checked by the config resolver: one scaler for each place a target's
 * capacity lives in (ADR 0005: the actuator that owns a group may run in any region, and scales the target's).
 *
 * @param scalers                      every (kind, place) the topology's targets use: a scaler is made for these only
 * @param aws                          how the ECS and Auto Scaling APIs of each region are reached
 * @param clusters                     how each Kubernetes cluster the topology names is reached; only those it names
 * @param pollInterval                 how often readiness is polled while a target scales up
 * @param pilotLightOnDemandPercentage Auto Scaling groups with a mixed instances policy return to this on-demand share
 *                                     above base at pilot-light size, 0 to 100
 * @param scaleDownAfter               after a failback, the target traffic left returns to pilot light after this; empty:
 *                                     never
 * @param callTimeout                  the longest one call of an AWS or Kubernetes client may take: a write made under
 *                                     the lease (a read, then the write) must land within its margin (ADR 0006)
 */
public record ScalingSettings(Set<Placed> scalers, Aws aws, Map<String, Cluster> clusters, Duration pollInterval,
        int pilotLightOnDemandPercentage, Optional<Duration> scaleDownAfter, Duration callTimeout) {

    public ScalingSettings {
        scalers = Set.copyOf(scalers);
        clusters = Map.copyOf(clusters);
    }

    /** A scaler's identity: the kind of target it scales and where those targets are. */
    public record Placed(ScalingRef.Kind kind, ScalingRef.Place place) {

        public static Placed of(ScalingRef ref) {
            return new Placed(ref.kind(), ref.place());
        }

        @Override
        public String toString() {
            return kind.label() + " in " + place;
        }
    }

    /**
     * @param endpointOverrides    per region, another endpoint for its ECS and Auto Scaling APIs (a proxy, a VPC
     *                             endpoint, a test fixture)
     * @param endpointOverride     another endpoint for every region that has none of its own
     * @param stsEndpointOverride  another endpoint for STS, where roles are assumed
     */
    public record Aws(Map<String, URI> endpointOverrides, Optional<URI> endpointOverride,
            Optional<URI> stsEndpointOverride) {

        public Aws {
            endpointOverrides = Map.copyOf(endpointOverrides);
        }

        public static Aws direct() {
            return new Aws(Map.of(), Optional.empty(), Optional.empty());
        }

        /** Where this region's ECS and Auto Scaling APIs are called; empty: AWS's own endpoint for the region. */
        public Optional<URI> endpointFor(String region) {
            return Optional.ofNullable(endpointOverrides.get(region)).or(this::endpointOverride);
        }
    }

    /** How a Kubernetes cluster's API is reached, and with which credentials. */
    public sealed interface Cluster {

        /** The cluster the actuator runs in, with its pod's service account. */
        record InCluster() implements Cluster {
        }

        /** A context of the kubeconfig file (KUBECONFIG, or ~/.kube/config). */
        record KubeconfigContext(String context) implements Cluster {
        }

        /**
         * An API server URL with a bearer token read from a file (e.g. a mounted Secret; read again on every request, so
         * a rotated token is used without a restart) and optionally the CA that signed the server's certificate.
         */
        record ApiServer(URI url, Path tokenFile, Optional<Path> caFile) implements Cluster {
        }
    }
}
