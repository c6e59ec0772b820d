package dev.failover.contract.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A target's node of the data tier (ADR 0020): the database the target's application writes to while the
 * target is active, and which the actuator makes writable before it moves traffic there. One variant per backend, chosen
 * in the file by {@code kind}: PostgreSQL streaming replication, an Amazon RDS read replica, a member cluster of an Aurora
 * global database.
 * <p>
 * No secret is written here: {@code credentials} names a login that the actuator's configuration gives
 * ({@code failover.database.credentials.<name>.*}), so each region's actuator can hold its own; an RDS instance is
 * called with the actuator's own AWS credentials or a role of the target's account it assumes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = DatabaseRef.Postgres.class, name = "postgres"),
        @JsonSubTypes.Type(value = DatabaseRef.Rds.class, name = "rds"),
        @JsonSubTypes.Type(value = DatabaseRef.AuroraGlobal.class, name = "aurora-global") })
public sealed interface DatabaseRef permits DatabaseRef.Postgres, DatabaseRef.Rds, DatabaseRef.AuroraGlobal {

    /** The login's name in the actuator's configuration; null for a kind the actuator reaches with AWS credentials. */
    String credentials();

    /** For people and for the duplicate check: which node, without any secret. */
    String node();

    /** The kind as the topology file names it ({@code postgres}, {@code rds}, {@code aurora-global}): for reports and views. */
    static String kindOf(DatabaseRef ref) {
        if (ref instanceof Postgres) {
            return "postgres";
        }
        if (ref instanceof Rds) {
            return "rds";
        }
        if (ref instanceof AuroraGlobal) {
            return "aurora-global";
        }
        throw new IllegalArgumentException("unknown database kind " + ref);
    }

    /** This ref with its place defaulted from the target's region where the file names none. */
    default DatabaseRef placedIn(String targetRegion) {
        return this;
    }

    /**
     * A PostgreSQL server of a streaming-replication pair.
     *
     * @param url              {@code jdbc:postgresql://host:port/database}
     * @param credentials      the login's name in the actuator's configuration
     * @param selfFenceSeconds the lease of the fence agent installed beside this server
     *                         ({@code deploy/postgres/failover-fence-agent}): it stops the server once no actuator that
     *                         drives the group has said for this long that the node may write. An unplanned failover
     *                         whose old primary is this node and cannot be reached promotes beside it only once this
     *                         long has passed (ADR 0020); null: no agent
     */
    record Postgres(String url, String credentials, Integer selfFenceSeconds) implements DatabaseRef {

        /** Without a fence agent. */
        public Postgres(String url, String credentials) {
            this(url, credentials, null);
        }

        @Override
        public String node() {
            return url;
        }
    }

    /**
     * An Amazon RDS DB instance: the primary of the target that is active, a read replica of it in the others. Promoted
     * with {@code PromoteReadReplica}; an old primary is fenced by making its own parameter group read-only where one is
     * named (which works while it still has read replicas), else by {@code StopDBInstance} (which RDS refuses
     * while it has one). Called in its region, with the actuator's own credentials or the role given (ADR 0005:
     * whichever region the actuator runs in).
     *
     * @param instance            the DB instance identifier
     * @param region              its region; absent: the target's
     * @param roleArn             an IAM role of the instance's account to assume for the calls; absent: the actuator's
     *                            own credentials
     * @param fenceParameterGroup the DB parameter group attached to this instance alone, in which the fence sets the
     *                            engine's read-only parameter ({@code default_transaction_read_only} for PostgreSQL,
     *                            {@code read_only} for MySQL and MariaDB) at once; absent: the fence stops the instance
     */
    record Rds(String instance, String region, String roleArn, String fenceParameterGroup) implements DatabaseRef {

        /** Fenced by {@code StopDBInstance}. */
        public Rds(String instance, String region, String roleArn) {
            this(instance, region, roleArn, null);
        }

        @Override
        public String credentials() {
            return null;
        }

        @Override
        public String node() {
            return "rds:" + region + ":" + instance;
        }

        @Override
        public Rds placedIn(String targetRegion) {
            return region != null ? this : new Rds(instance, targetRegion, roleArn, fenceParameterGroup);
        }
    }

    /**
     * A member cluster of an Aurora global database: the writer in the active target's region, a secondary in the others.
     * A planned move is {@code SwitchoverGlobalCluster} (no data loss: Aurora demotes the old writer itself), an
     * unplanned one {@code FailoverGlobalCluster} with {@code AllowDataLoss}, within the group's data-loss budget.
     *
     * @param globalCluster the global cluster identifier
     * @param clusterArn    this target's member cluster, {@code arn:aws:rds:<region>:<account>:cluster:<id>}; the calls go
     *                      to its region
     * @param roleArn       an IAM role of its account to assume for the calls; absent: the actuator's own credentials
     */
    record AuroraGlobal(String globalCluster, String clusterArn, String roleArn) implements DatabaseRef {

        @Override
        public String credentials() {
            return null;
        }

        @Override
        public String node() {
            return clusterArn;
        }

        /** The member cluster's region, from its ARN; null when the ARN is not one. */
        public String region() {
            String[] parts = clusterArn == null ? new String[0] : clusterArn.split(":", 7);
            return parts.length == 7 ? parts[3] : null;
        }

        /** The member cluster's identifier, from its ARN; null when the ARN is not one. */
        public String clusterId() {
            String[] parts = clusterArn == null ? new String[0] : clusterArn.split(":", 7);
            return parts.length == 7 ? parts[6] : null;
        }
    }
}
