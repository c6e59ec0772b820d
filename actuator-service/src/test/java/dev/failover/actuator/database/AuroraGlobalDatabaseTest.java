package dev.failover.actuator.database;

import static dev.failover.actuator.database.RdsDatabaseTest.CW_XMLNS;
import static dev.failover.actuator.database.RdsDatabaseTest.RDS_XMLNS;
import static dev.failover.actuator.database.RdsDatabaseTest.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database.Move;
import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.scaling.AwsScalersTest;
import dev.failover.contract.topology.DatabaseRef;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The Aurora global database backend with the real SDK against the same kind of fixture as the RDS backend's: a member
 * cluster's role from DescribeGlobalClusters and a secondary's lag from CloudWatch (milliseconds), a planned move as
 * SwitchoverGlobalCluster and an unplanned one as FailoverGlobalCluster with AllowDataLoss, a move under way looked at
 * again.
 */
class AuroraGlobalDatabaseTest {

    static final String EAST = "arn:aws:rds:us-east-1:111111111111:cluster:orders-east";
    static final String WEST = "arn:aws:rds:us-west-2:222222222222:cluster:orders-west";
    static final DatabaseRef.AuroraGlobal WEST_MEMBER = new DatabaseRef.AuroraGlobal("orders", WEST, null);

    static QueryApi aws;
    static RdsClient rds;
    static CloudWatchClient cloudWatch;
    static AuroraGlobalDatabase database;

    @BeforeAll
    static void start() {
        aws = new QueryApi();
        URI endpoint = aws.endpoint();
        rds = AwsScalersTest.client(RdsClient.builder(), endpoint).build();
        cloudWatch = AwsScalersTest.client(CloudWatchClient.builder(), endpoint).build();
        database = new AuroraGlobalDatabase(ref -> rds, ref -> cloudWatch,
                Clock.fixed(RdsDatabaseTest.NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        rds.close();
        cloudWatch.close();
        aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
    }

    static String global(String writer, String failoverState) {
        String members = member(EAST, EAST.equals(writer)) + member(WEST, WEST.equals(writer));
        return "<DescribeGlobalClustersResponse xmlns=\"" + RDS_XMLNS
                + "\"><DescribeGlobalClustersResult><GlobalClusters>"
                + "<GlobalClusterMember><GlobalClusterIdentifier>orders</GlobalClusterIdentifier><Status>available</Status>"
                + "<Engine>aurora-postgresql</Engine><GlobalClusterMembers>" + members + "</GlobalClusterMembers>"
                + (failoverState == null ? "" : failoverState) + "</GlobalClusterMember></GlobalClusters>"
                + "</DescribeGlobalClustersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                + "</DescribeGlobalClustersResponse>";
    }

    static String member(String arn, boolean writer) {
        return "<GlobalClusterMember><DBClusterArn>" + arn + "</DBClusterArn><IsWriter>" + writer + "</IsWriter>"
                + "<SynchronizationStatus>connected</SynchronizationStatus></GlobalClusterMember>";
    }

    static String lag(double millis) {
        return "<GetMetricStatisticsResponse xmlns=\"" + CW_XMLNS + "\"><GetMetricStatisticsResult>"
                + "<Label>AuroraGlobalDBReplicationLag</Label><Datapoints><member><Timestamp>2026-11-25T02:59:00Z</Timestamp>"
                + "<Maximum>" + millis
                + "</Maximum><Unit>Milliseconds</Unit></member></Datapoints></GetMetricStatisticsResult>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetMetricStatisticsResponse>";
    }

    @Test
    void theWriterIsWritableASecondaryIsAReplicaLaggingByItsReplicationLagInSeconds() {
        aws.answers("DescribeGlobalClusters", 200, global(EAST, null));
        aws.answers("GetMetricStatistics", 200, lag(850));

        assertThat(database.observe(WEST_MEMBER)).as("850 ms, sampled at a moment of the minute from 02:59")
                .isEqualTo(Observation.Observed.replicaByLag(60.85, null));
        assertThat(aws.requests("DescribeGlobalClusters")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("GlobalClusterIdentifier", "orders"));
        assertThat(aws.requests("GetMetricStatistics")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("MetricName", "AuroraGlobalDBReplicationLag")
                .containsEntry("Dimensions.member.1.Name", "DBClusterIdentifier")
                .containsEntry("Dimensions.member.1.Value", "orders-west"));

        aws.answers("DescribeGlobalClusters", 200, global(WEST, null));
        assertThat(database.observe(WEST_MEMBER)).isEqualTo(Observation.Observed.writable());
    }

    @Test
    void aMoveUnderWayIsLookedAtAgainAndAClusterOutsideTheGlobalOneIsRefused() {
        aws.answers("DescribeGlobalClusters", 200, global(EAST, "<FailoverState><Status>failing-over</Status>"
                + "<FromDbClusterArn>" + EAST + "</FromDbClusterArn><ToDbClusterArn>" + WEST + "</ToDbClusterArn>"
                + "<IsDataLossAllowed>false</IsDataLossAllowed></FailoverState>"));
        assertThat(database.observe(WEST_MEMBER)).isInstanceOfSatisfying(Observation.Unavailable.class, u -> assertThat(
                u.reason()).contains("a switchover from " + EAST + " to " + WEST + " is failing-over"));

        aws.answers("DescribeGlobalClusters", 200, global(EAST, null));
        assertThat(
                database.observe(new DatabaseRef.AuroraGlobal("orders", "arn:aws:rds:eu-west-1:333333333333:cluster:x",
                        null)))
                .isInstanceOfSatisfying(Observation.Rejected.class, r -> assertThat(r.reason())
                        .contains("not a member of global cluster orders"));

        aws.answers("DescribeGlobalClusters", 404, error(RDS_XMLNS, "GlobalClusterNotFoundFault",
                "Global cluster orders not found"));
        assertThat(database.observe(WEST_MEMBER)).isInstanceOf(Observation.Rejected.class);
    }

    @Test
    void aPlannedMoveIsASwitchoverAnUnplannedOneAFailoverThatMayLoseData() {
        aws.answers("SwitchoverGlobalCluster", 200, "<SwitchoverGlobalClusterResponse xmlns=\"" + RDS_XMLNS
                + "\"><SwitchoverGlobalClusterResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                + "</SwitchoverGlobalClusterResponse>");
        aws.answers("FailoverGlobalCluster", 200, "<FailoverGlobalClusterResponse xmlns=\"" + RDS_XMLNS
                + "\"><FailoverGlobalClusterResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                + "</FailoverGlobalClusterResponse>");

        assertThat(database.promote(WEST_MEMBER, Move.PLANNED)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(r.details()).startsWith("SwitchoverGlobalCluster of orders to " + WEST));
        assertThat(aws.requests("SwitchoverGlobalCluster")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("GlobalClusterIdentifier", "orders").containsEntry("TargetDbClusterIdentifier", WEST));
        assertThat(aws.requests("FailoverGlobalCluster")).isEmpty();

        assertThat(database.promote(WEST_MEMBER, Move.UNPLANNED)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(r.details()).contains("with AllowDataLoss"));
        assertThat(aws.requests("FailoverGlobalCluster")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("GlobalClusterIdentifier", "orders").containsEntry("TargetDbClusterIdentifier", WEST)
                .containsEntry("AllowDataLoss", "true"));

        aws.answers("FailoverGlobalCluster", 400, error(RDS_XMLNS, "InvalidGlobalClusterStateFault",
                "The global cluster is already failing over"));
        assertThat(database.promote(WEST_MEMBER, Move.UNPLANNED)).isInstanceOf(WriteOutcome.Unavailable.class);
        assertThat(database.switchesOverItself()).isTrue();
        assertThat(database.fence(WEST_MEMBER)).as("a writer Aurora cannot fence is never reported fenced")
                .isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                        r -> assertThat(r.reason()).contains("cannot be fenced"));
        assertThat(aws.requests("StopDBInstance")).isEmpty();
    }
}
