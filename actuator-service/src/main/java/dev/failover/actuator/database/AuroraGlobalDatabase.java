package dev.failover.actuator.database;

import java.time.Clock;
import java.util.function.Function;

import dev.failover.actuator.aws.AwsFailure;
import dev.failover.contract.topology.DatabaseRef;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.FailoverState;
import software.amazon.awssdk.services.rds.model.GlobalCluster;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;
import software.amazon.awssdk.services.rds.model.GlobalClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.InvalidGlobalClusterStateException;

/**
 * Aurora global databases (ADR 0020): each target names its member cluster, called in the cluster's region with the
 * credentials of its place.
 * <ul>
 * <li>Observe: {@code DescribeGlobalClusters}. The writer member is WRITABLE; a secondary is a REPLICA whose lag is
 * CloudWatch's {@code AuroraGlobalDBReplicationLag} of its cluster (milliseconds; none in five minutes is unknown). While
 * a switchover or failover of the global cluster is under way ({@code FailoverState}), every member is Unavailable:
 * looked at again.</li>
 * <li>Promote: {@link Move#PLANNED} is {@code SwitchoverGlobalCluster} (Aurora waits until the secondary has everything
 * and demotes the old writer: no loss), asked for every kind of move while the old writer answers;
 * {@link Move#UNPLANNED} is {@code FailoverGlobalCluster} with {@code AllowDataLoss}, only for a writer that does not
 * answer and once the step's data-loss budget allowed it.</li>
 * <li>Fence: refused. A global cluster has one writer, and only its switchover or failover demotes it (Aurora rejoins
 * it as a secondary when its region is back).</li>
 * </ul>
 */
public final class AuroraGlobalDatabase implements Database<DatabaseRef.AuroraGlobal> {

    private final Function<DatabaseRef.AuroraGlobal, RdsClient> rds;
    private final Function<DatabaseRef.AuroraGlobal, CloudWatchClient> cloudWatch;
    private final Clock clock;

    /** @param rds, cloudWatch the client of a ref's place (its cluster's region and credentials) */
    public AuroraGlobalDatabase(Function<DatabaseRef.AuroraGlobal, RdsClient> rds,
            Function<DatabaseRef.AuroraGlobal, CloudWatchClient> cloudWatch, Clock clock) {
        this.rds = rds;
        this.cloudWatch = cloudWatch;
        this.clock = clock;
    }

    @Override
    public boolean switchesOverItself() {
        return true;
    }

    @Override
    public Observation observe(DatabaseRef.AuroraGlobal ref) {
        GlobalCluster global;
        try {
            global = rds.apply(ref).describeGlobalClusters(r -> r.globalClusterIdentifier(ref.globalCluster()))
                    .globalClusters()
                    .stream().findFirst().orElse(null);
        } catch (GlobalClusterNotFoundException e) {
            return new Observation.Rejected(
                    what(ref) + ": no such global cluster (" + e.awsErrorDetails().errorMessage() + ")");
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": DescribeGlobalClusters failed", e).as(Observation.Unavailable::new,
                    Observation.Rejected::new);
        }
        if (global == null) {
            return new Observation.Rejected(what(ref) + ": no such global cluster");
        }
        FailoverState moving = global.failoverState();
        if (moving != null && moving.status() != null) {
            return new Observation.Unavailable(what(ref) + ": a " + (Boolean.TRUE.equals(moving.isDataLossAllowed())
                    ? "failover" : "switchover") + " from " + moving.fromDbClusterArn() + " to "
                    + moving.toDbClusterArn()
                    + " is " + moving.statusAsString());
        }
        GlobalClusterMember member = global.globalClusterMembers().stream()
                .filter(m -> ref.clusterArn().equals(m.dbClusterArn()))
                .findFirst().orElse(null);
        if (member == null) {
            return new Observation.Rejected(
                    what(ref) + ": the cluster is not a member of global cluster " + ref.globalCluster());
        }
        if (Boolean.TRUE.equals(member.isWriter())) {
            return Observation.Observed.writable();
        }
        try {
            double millis = LatestDatapoint.maximum(cloudWatch.apply(ref), "AWS/RDS", "AuroraGlobalDBReplicationLag",
                    "DBClusterIdentifier", ref.clusterId(), clock.instant(), 1000);
            return Observation.Observed.replicaByLag(millis / 1000.0, null);
        } catch (SdkException e) {
            return AwsFailure.of(what(ref) + ": its AuroraGlobalDBReplicationLag could not be read from CloudWatch", e)
                    .as(Observation.Unavailable::new, Observation.Rejected::new);
        }
    }

    @Override
    public WriteOutcome promote(DatabaseRef.AuroraGlobal ref, Move move) {
        try {
            if (move == Move.PLANNED) {
                rds.apply(ref).switchoverGlobalCluster(r -> r.globalClusterIdentifier(ref.globalCluster())
                        .targetDbClusterIdentifier(ref.clusterArn()));
                return new WriteOutcome.Requested(
                        "SwitchoverGlobalCluster of " + ref.globalCluster() + " to " + ref.clusterArn()
                                + " requested (no data loss: Aurora demotes the old writer)");
            }
            rds.apply(ref).failoverGlobalCluster(r -> r.globalClusterIdentifier(ref.globalCluster())
                    .targetDbClusterIdentifier(ref.clusterArn()).allowDataLoss(true));
            return new WriteOutcome.Requested(
                    "FailoverGlobalCluster of " + ref.globalCluster() + " to " + ref.clusterArn()
                            + " with AllowDataLoss requested");
        } catch (InvalidGlobalClusterStateException | InvalidDbClusterStateException e) {
            // a move of the global cluster already under way: looked at again
            return new WriteOutcome.Unavailable(what(ref) + ": not in a state to be promoted now ("
                    + e.awsErrorDetails().errorMessage() + ")");
        } catch (SdkException e) {
            return AwsFailure
                    .of(what(ref) + ": " + (move == Move.PLANNED ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster")
                            + " failed", e)
                    .as(WriteOutcome.Unavailable::new, WriteOutcome.Rejected::new);
        }
    }

    /**
     * Refused: a global cluster's writer cannot be made to refuse writes from outside (ADR 0020, "Aurora global
     * databases"). Reporting a fence that did nothing as done would let a move wait for ever for a writer that keeps
     * writing; the reconciler takes the switchover instead while the writer answers.
     */
    @Override
    public WriteOutcome fence(DatabaseRef.AuroraGlobal ref) {
        return new WriteOutcome.Rejected(what(ref) + ": an Aurora global cluster's writer cannot be fenced; its"
                + " switchover (or a failover) demotes it");
    }

    private static String what(DatabaseRef.AuroraGlobal ref) {
        return "Aurora cluster " + ref.clusterArn() + " of global cluster " + ref.globalCluster()
                + (ref.roleArn() == null ? "" : " as " + ref.roleArn());
    }
}
