package dev.failover.actuator.config;

import java.time.Duration;
import java.util.Map;

import dev.failover.actuator.database.Databases;
import dev.failover.actuator.dns.DnsInstances;
import dev.failover.actuator.domain.model.ReconcileSettings;
import dev.failover.actuator.scaling.ScalingSettings;
import dev.failover.actuator.state.DesiredStateSigning;
import dev.failover.contract.signing.TrustedKeys;
import dev.failover.contract.topology.Topology;

/**
 * Everything the actuator runs on, checked together once at start by {@link ActuatorConfigResolver}.
 *
 * @param topology       the topology file's content
 * @param dns            every DNS provider instance with its settings: the one of {@code failover.dns.provider}, the
 *                       ARC cluster of the groups with an {@code arc} key, the named ones (ADR 0036)
 * @param reconcile      the reconcile loop's periods and its one retry policy, DNS and scaling alike
 * @param scaling        the capacity backends the topology needs
 * @param parallelGroups threads that run reconcile passes
 * @param trustedKeys    the keys a decision must be signed by (ADR 0009)
 * @param ttlFloorSeconds the TTL a planned move lowers the record to before it switches
 * @param stateSigning   the key desired states are stored with, and the actuator keys they are restored by (ADR 0009)
 * @param databases      the logins to the targets' database nodes by credentials name, and the call timeout (ADR 0020)
 * @param topicReplication the replication factor the actuator's topics are created with and must have at least; empty:
 *                         the broker's default
 */
public record ActuatorSettings(Topology topology, DnsInstances dns, ReconcileSettings reconcile,
        ScalingSettings scaling,
        int parallelGroups, TrustedKeys trustedKeys, int ttlFloorSeconds, DesiredStateSigning stateSigning,
        DatabaseSettings databases, java.util.Optional<Short> topicReplication) {

    /**
     * @param logins      by the credentials name the topology gives
     * @param callTimeout connect and statement timeout of each call
     */
    /**
     * @param sslMode     PgJDBC's sslmode for every PostgreSQL connection (a node's URL may set its own)
     * @param sslRootCert the CA certificates a server's certificate is checked against; null: PgJDBC's default
     * @param maintenance the database the actuator logs in to on every PostgreSQL node, which a fence leaves open
     */
    public record DatabaseSettings(Map<String, Databases.Login> logins, Duration callTimeout, String sslMode,
            java.nio.file.Path sslRootCert, String maintenance) {
        public static DatabaseSettings none() {
            return new DatabaseSettings(Map.of(), Duration.ofSeconds(2), "verify-full", null, "postgres");
        }
    }

    /** With no database nodes, and the broker's replication factor. */
    public ActuatorSettings(Topology topology, DnsInstances dns, ReconcileSettings reconcile, ScalingSettings scaling,
            int parallelGroups, TrustedKeys trustedKeys, int ttlFloorSeconds, DesiredStateSigning stateSigning) {
        this(topology, dns, reconcile, scaling, parallelGroups, trustedKeys, ttlFloorSeconds, stateSigning,
                DatabaseSettings.none(), java.util.Optional.empty());
    }
}
