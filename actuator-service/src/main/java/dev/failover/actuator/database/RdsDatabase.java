package dev.failover.actuator.database;

import java.time.Clock;
import java.util.Set;
import java.util.function.Function;

import dev.failover.actuator.aws.AwsFailure;
import dev.failover.contract.topology.DatabaseRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbInstanceStateException;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * Amazon RDS read replicas (ADR 0020), each instance called in its own region with the credentials of its place (the
 * actuator's own, or the role its ref names), whichever region this actuator runs in.
 * <ul>
 * <li>Observe: {@code DescribeDBInstances}. An instance with a source ({@code ReadReplicaSourceDBInstanceIdentifier})
 * that is {@code available} is a REPLICA, whose lag is the latest {@code ReplicaLag} datapoint of CloudWatch plus its
 * age (RDS does not report it itself; without a datapoint of the last five minutes, with RDS's -1 for replication not
 * active, or with a read replication {@code StatusInfos} entry that is not normal, the lag is unknown, which holds an
 * unplanned failover beyond any budget); one without a source that is available (or backing up) is WRITABLE; a stopped or
 * stopping one is FENCED. Any other status (modifying while it is promoted, rebooting, starting) is Unavailable: looked
 * at again. A replica names its source, as {@link DatabaseRef.Rds#node()} names a node: a replica of another node than
 * the old primary is never promoted on its lag (ADR 0020, "Lineage of a backend without timelines").</li>
 * <li>Promote: {@code PromoteReadReplica}; the instance modifies and reboots, and is WRITABLE minutes later.</li>
 * <li>Fence, where the ref names a {@code fenceParameterGroup}: {@code ModifyDBParameterGroup} sets the
 * engine's read-only parameter in that group, applied at once ({@code default_transaction_read_only} for PostgreSQL,
 * a dynamic parameter each session's next transaction takes; {@code read_only} for MySQL and MariaDB). It works while
 * the instance still has its read replicas, which keep replicating, so the fence comes before the promotion as it does
 * for PostgreSQL. The fence first reads the instance: the group must be attached to it, else nothing is written. An
 * instance without a source whose fence group is {@code in-sync} and holds the parameter on is FENCED
 * ({@code DescribeDBParameters}, user-set parameters). What it does not stop: a transaction already open, and a session
 * that turned the setting off for itself (RDS offers no API to end sessions).</li>
 * <li>Fence otherwise: {@code StopDBInstance}: an old primary takes no writes while stopped (RDS starts a stopped
 * instance again after seven days: rebuild it as a replica before then). RDS refuses to stop an instance that still
 * has a read replica, so such an old primary is fenced after the promotion (an unplanned failover, or the guard that
 * fences a second writable node), and a move that must fence it first is refused: BLOCKED with RDS's message and the
 * key that avoids it.</li>
 * </ul>
 */
public final class RdsDatabase implements Database<DatabaseRef.Rds> {

    /** Statuses in which an instance without a source takes writes. */
    private static final Set<String> WRITABLE = Set.of("available", "backing-up", "storage-optimization",
            "configuring-enhanced-monitoring", "configuring-log-exports", "configuring-iam-database-auth");
    private static final Set<String> STOPPED = Set.of("stopped", "stopping");

    private final Function<DatabaseRef.Rds, RdsClient> rds;
    private final Function<DatabaseRef.Rds, CloudWatchClient> cloudWatch;
    private final Clock clock;

    /** @param rds, cloudWatch the client of a ref's place (its region and credentials) */
    public RdsDatabase(Function<DatabaseRef.Rds, RdsClient> rds, Function<DatabaseRef.Rds, CloudWatchClient> cloudWatch,
            Clock clock) {
        this.rds = rds;
        this.cloudWatch = cloudWatch;
        this.clock = clock;
    }

    @Override
    public Observation observe(DatabaseRef.Rds ref) {
        DBInstance instance;
        try {
            instance = describe(ref);
        } catch (SdkException e) {
            return failed(ref, "DescribeDBInstances failed", e, Observation.Unavailable::new,
                    Observation.Rejected::new);
        }
        if (instance == null) {
            return new Observation.Rejected(what(ref) + ": no such DB instance");
        }
        String status = instance.dbInstanceStatus();
        boolean replica = instance.readReplicaSourceDBInstanceIdentifier() != null;
        if (STOPPED.contains(status)) {
            return Observation.Observed.fenced();
        }
        if (!replica && WRITABLE.contains(status)) {
            if (ref.fenceParameterGroup() != null && inSync(instance, ref.fenceParameterGroup())) {
                try {
                    if (readOnly(ref, instance.engine())) {
                        return Observation.Observed.fenced();
                    }
                } catch (SdkException e) {
                    return AwsFailure.of(what(ref) + ": DescribeDBParameters of its fence group "
                            + ref.fenceParameterGroup() + " failed", e)
                            .as(Observation.Unavailable::new, Observation.Rejected::new);
                }
            }
            return Observation.Observed.writable();
        }
        if (!replica || !"available".equals(status)) {
            return new Observation.Unavailable(what(ref) + " is " + status + (replica ? " (a read replica of "
                    + instance.readReplicaSourceDBInstanceIdentifier() + ")" : "") + ": not writable yet");
        }
        boolean replicating = instance.statusInfos().stream().filter(i -> "read replication".equals(i.statusType()))
                .allMatch(i -> Boolean.TRUE.equals(i.normal()) && "replicating".equals(i.status()));
        String source = source(ref, instance.readReplicaSourceDBInstanceIdentifier());
        if (!replicating) {
            // replication in error, stopped or terminated: whatever CloudWatch last said, what it lacks is unknown
            return Observation.Observed.replicaByLag(Double.POSITIVE_INFINITY, source);
        }
        try {
            return Observation.Observed.replicaByLag(replicaLag(ref), source);
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": its ReplicaLag could not be read from CloudWatch", e)
                    .as(Observation.Unavailable::new, Observation.Rejected::new);
        }
    }

    /**
     * A replica's source as {@link DatabaseRef.Rds#node()} names a node: RDS gives the identifier of a source in the
     * replica's region and the ARN ({@code arn:aws:rds:REGION:ACCOUNT:db:ID}) of one in another region.
     */
    static String source(DatabaseRef.Rds ref, String identifier) {
        String[] arn = identifier.split(":", 7);
        if (arn.length == 7 && "arn".equals(arn[0]) && "db".equals(arn[5])) {
            return new DatabaseRef.Rds(arn[6], arn[3], null).node();
        }
        return new DatabaseRef.Rds(identifier, ref.region(), null).node();
    }

    /** The latest ReplicaLag of the last five minutes, in seconds; infinite (unknown) without one. */
    private double replicaLag(DatabaseRef.Rds ref) {
        return LatestDatapoint.maximum(cloudWatch.apply(ref), "AWS/RDS", "ReplicaLag", "DBInstanceIdentifier",
                ref.instance(),
                clock.instant(), 1);
    }

    @Override
    public WriteOutcome promote(DatabaseRef.Rds ref, Move move) {
        try {
            DBInstance promoted = rds.apply(ref).promoteReadReplica(r -> r.dbInstanceIdentifier(ref.instance()))
                    .dbInstance();
            return new WriteOutcome.Requested("PromoteReadReplica of " + what(ref) + " requested (status "
                    + (promoted == null ? "unknown" : promoted.dbInstanceStatus()) + ")");
        } catch (InvalidDbInstanceStateException e) {
            // a promotion already under way (the instance not yet modifying when it was observed): looked at again
            return new WriteOutcome.Unavailable(what(ref) + ": not in a state to be promoted now ("
                    + e.awsErrorDetails().errorMessage() + ")");
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": PromoteReadReplica failed", e).as(WriteOutcome.Unavailable::new,
                    WriteOutcome.Rejected::new);
        }
    }

    /** Whether {@code group} is attached to the instance and applied ({@code in-sync}, not applying or pending a reboot). */
    private static boolean inSync(DBInstance instance, String group) {
        return instance.dbParameterGroups().stream().anyMatch(g -> group.equals(g.dbParameterGroupName())
                && "in-sync".equals(g.parameterApplyStatus()));
    }

    /** The parameter that makes an engine's instance refuse writes; null for an engine without one. */
    static String readOnlyParameter(String engine) {
        if (engine == null) {
            return null;
        }
        if (engine.startsWith("postgres")) {
            return "default_transaction_read_only";
        }
        return engine.startsWith("mysql") || engine.startsWith("mariadb") ? "read_only" : null;
    }

    /** Whether the fence group sets the engine's read-only parameter on. */
    private boolean readOnly(DatabaseRef.Rds ref, String engine) {
        String parameter = readOnlyParameter(engine);
        return parameter != null && rds.apply(ref).describeDBParametersPaginator(r -> r.dbParameterGroupName(
                ref.fenceParameterGroup()).source("user")).parameters().stream()
                .anyMatch(p -> parameter.equals(p.parameterName()) && p.parameterValue() != null
                        && Set.of("1", "on", "true").contains(p.parameterValue().toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public WriteOutcome fence(DatabaseRef.Rds ref) {
        if (ref.fenceParameterGroup() != null) {
            return fenceByParameterGroup(ref);
        }
        try {
            DBInstance stopping = rds.apply(ref).stopDBInstance(r -> r.dbInstanceIdentifier(ref.instance()))
                    .dbInstance();
            return new WriteOutcome.Requested(what(ref) + " fenced: StopDBInstance requested (status "
                    + (stopping == null ? "unknown" : stopping.dbInstanceStatus()) + ")");
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": StopDBInstance failed", e).as(WriteOutcome.Unavailable::new,
                    reason -> new WriteOutcome.Rejected(reason + " (an instance with read replicas is fenced while they"
                            + " replicate by a parameter group of its own: name it in the target's"
                            + " database.fenceParameterGroup)"));
        }
    }

    /**
     * Reads the instance (its engine, and that the group is its own), then sets the engine's read-only parameter in the
     * group, applied at once.
     */
    private WriteOutcome fenceByParameterGroup(DatabaseRef.Rds ref) {
        String group = ref.fenceParameterGroup();
        DBInstance instance;
        try {
            instance = describe(ref);
        } catch (SdkException e) {
            return failed(ref, "DescribeDBInstances before its fence failed", e, WriteOutcome.Unavailable::new,
                    WriteOutcome.Rejected::new);
        }
        if (instance == null) {
            return new WriteOutcome.Rejected(what(ref) + ": no such DB instance");
        }
        if (instance.dbParameterGroups().stream().noneMatch(g -> group.equals(g.dbParameterGroupName()))) {
            return new WriteOutcome.Rejected(what(ref) + " is not attached to its database.fenceParameterGroup " + group
                    + " (it has " + instance.dbParameterGroups().stream().map(g -> g.dbParameterGroupName()).toList()
                    + "): nothing written. Attach that group, which no other instance may share, to it");
        }
        String parameter = readOnlyParameter(instance.engine());
        if (parameter == null) {
            return new WriteOutcome.Rejected(
                    what(ref) + ": engine " + instance.engine() + " has no read-only parameter the"
                            + " fence knows; remove database.fenceParameterGroup to fence it by StopDBInstance");
        }
        try {
            rds.apply(ref).modifyDBParameterGroup(r -> r.dbParameterGroupName(group).parameters(Parameter.builder()
                    .parameterName(parameter).parameterValue("1").applyMethod(ApplyMethod.IMMEDIATE).build()));
            return new WriteOutcome.Requested(
                    what(ref) + " fenced: " + parameter + "=1 applied at once in its parameter"
                            + " group " + group + " (ModifyDBParameterGroup)");
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": ModifyDBParameterGroup of its fence group " + group + " failed", e)
                    .as(WriteOutcome.Unavailable::new, WriteOutcome.Rejected::new);
        }
    }

    /** The instance as DescribeDBInstances has it; null when it lists none. */
    private DBInstance describe(DatabaseRef.Rds ref) {
        return rds.apply(ref).describeDBInstances(r -> r.dbInstanceIdentifier(ref.instance())).dbInstances().stream()
                .findFirst().orElse(null);
    }

    /** A failed call as an outcome: no such instance is refused, anything else as {@link AwsFailure} classifies it. */
    private static <T> T failed(DatabaseRef.Rds ref, String doing, SdkException e,
            java.util.function.Function<String, T> passing, java.util.function.Function<String, T> refused) {
        if (e instanceof DbInstanceNotFoundException notFound) {
            return refused
                    .apply(what(ref) + ": no such DB instance (" + notFound.awsErrorDetails().errorMessage() + ")");
        }
        return AwsFailure.of(what(ref) + ": " + doing, e).as(passing, refused);
    }

    private static String what(DatabaseRef.Rds ref) {
        return "RDS instance " + ref.instance() + " in " + ref.region()
                + (ref.roleArn() == null ? "" : " as " + ref.roleArn());
    }
}
