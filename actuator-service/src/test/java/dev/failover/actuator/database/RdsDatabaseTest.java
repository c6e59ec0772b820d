package dev.failover.actuator.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.database.Database.Observation;
import dev.failover.actuator.database.Database.Role;
import dev.failover.actuator.database.Database.WriteOutcome;
import dev.failover.actuator.scaling.AwsScalersTest;
import dev.failover.contract.topology.DatabaseRef;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;

/**
 * The RDS backend with the real SDK (RDS and CloudWatch, both the query protocol) against a local fixture that checks
 * the form bodies sent and answers in the XML AWS documents: a read replica's role from DescribeDBInstances and its lag
 * from CloudWatch's ReplicaLag, PromoteReadReplica, StopDBInstance as the fence, and the errors classified as passing
 * (tried again) or refused (BLOCKED).
 */
class RdsDatabaseTest {

    static final String RDS_XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String CW_XMLNS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    static final Instant NOW = Instant.parse("2026-11-25T03:00:00Z");
    static final DatabaseRef.Rds WEST = new DatabaseRef.Rds("orders-west", "us-west-2", null);

    static QueryApi aws;
    static RdsClient rds;
    static CloudWatchClient cloudWatch;
    static RdsDatabase database;

    @BeforeAll
    static void start() {
        aws = new QueryApi();
        URI endpoint = aws.endpoint();
        rds = AwsScalersTest.client(RdsClient.builder(), endpoint).build();
        cloudWatch = AwsScalersTest.client(CloudWatchClient.builder(), endpoint).build();
        database = new RdsDatabase(ref -> rds, ref -> cloudWatch, Clock.fixed(NOW, ZoneOffset.UTC));
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

    static String instance(String status, String source) {
        return "<DBInstance><DBInstanceIdentifier>orders-west</DBInstanceIdentifier><DBInstanceClass>db.r6g.large"
                + "</DBInstanceClass><Engine>postgres</Engine><DBInstanceStatus>" + status + "</DBInstanceStatus>"
                + (source == null ? "" : "<ReadReplicaSourceDBInstanceIdentifier>" + source
                        + "</ReadReplicaSourceDBInstanceIdentifier>")
                + "<DBInstanceArn>arn:aws:rds:us-west-2:222222222222:db:orders-west</DBInstanceArn></DBInstance>";
    }

    static String described(String status, String source) {
        return "<DescribeDBInstancesResponse xmlns=\"" + RDS_XMLNS + "\"><DescribeDBInstancesResult><DBInstances>"
                + instance(status, source) + "</DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r"
                + "</RequestId></ResponseMetadata></DescribeDBInstancesResponse>";
    }

    static String error(String xmlns, String code, String message) {
        return "<ErrorResponse xmlns=\"" + xmlns + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                + message
                + "</Message></Error><RequestId>r</RequestId></ErrorResponse>";
    }

    /** @param points timestamp=maximum, e.g. "2026-11-25T02:58:00Z=4.0" */
    static String replicaLag(String... points) {
        StringBuilder members = new StringBuilder();
        for (String point : points) {
            String[] p = point.split("=");
            members.append("<member><Timestamp>").append(p[0]).append("</Timestamp><Maximum>").append(p[1])
                    .append("</Maximum><Unit>Seconds</Unit></member>");
        }
        return "<GetMetricStatisticsResponse xmlns=\"" + CW_XMLNS
                + "\"><GetMetricStatisticsResult><Label>ReplicaLag</Label>"
                + "<Datapoints>" + members + "</Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>r"
                + "</RequestId></ResponseMetadata></GetMetricStatisticsResponse>";
    }

    static final String SOURCE = "arn:aws:rds:us-east-1:111111111111:db:orders-east";

    @Test
    void anAvailableReadReplicaIsAReplicaWhoseLagIsTheLatestReplicaLagDatapoint() {
        aws.answers("DescribeDBInstances", 200, described("available", SOURCE));
        aws.answers("GetMetricStatistics", 200, replicaLag("2026-11-25T02:57:00Z=40.0", "2026-11-25T02:59:00Z=3.5",
                "2026-11-25T02:58:00Z=12.0"));

        assertThat(database.observe(WEST)).as("3.5 s, sampled at a moment of the minute from 02:59")
                .isEqualTo(Observation.Observed.replicaByLag(63.5, "rds:us-east-1:orders-east"));

        assertThat(aws.requests("DescribeDBInstances")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("DBInstanceIdentifier", "orders-west").containsEntry("Version", "2014-10-31"));
        assertThat(aws.requests("GetMetricStatistics")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("Namespace", "AWS/RDS").containsEntry("MetricName", "ReplicaLag")
                .containsEntry("Dimensions.member.1.Name", "DBInstanceIdentifier")
                .containsEntry("Dimensions.member.1.Value", "orders-west")
                .containsEntry("Statistics.member.1", "Maximum")
                .containsEntry("Period", "60").containsEntry("StartTime", "2026-11-25T02:55:00Z")
                .containsEntry("EndTime", "2026-11-25T03:00:00Z"));
    }

    /**
     * A replica names its source as the topology names a node (ADR 0020, "Lineage of a backend without timelines"): RDS
     * gives a source in another region by its ARN, one in the replica's own region by its identifier.
     */
    @Test
    void aReplicaNamesItsSourceAsTheTopologyNamesANode() {
        aws.answers("DescribeDBInstances", 200, described("available", "orders-west-old"));
        aws.answers("GetMetricStatistics", 200, replicaLag("2026-11-25T02:59:00Z=1.0"));
        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Observed.class,
                o -> assertThat(o.source())
                        .isEqualTo(new DatabaseRef.Rds("orders-west-old", "us-west-2", null).node()));
        assertThat(RdsDatabase.source(WEST, SOURCE))
                .isEqualTo(new DatabaseRef.Rds("orders-east", "us-east-1", null).node());
    }

    /**
     * RDS reports -1 while replication is not active, and a datapoint may be minutes old. -1 is an unknown lag; a
     * datapoint's age since its minute began is added to it (the lag has grown by as much, for all we know); a
     * replication error in the instance's StatusInfos is an unknown lag, whatever CloudWatch says.
     */
    @Test
    void replicationNotActiveIsAnUnknownLagNotZero() {
        aws.answers("DescribeDBInstances", 200, described("available", SOURCE));
        aws.answers("GetMetricStatistics", 200, replicaLag("2026-11-25T02:58:00Z=2.0", "2026-11-25T02:59:00Z=-1.0"));

        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Observed.class, o -> assertThat(
                o.lagSeconds()).as("-1: replication not active").isInfinite());
    }

    @Test
    void anOldDatapointCountsItsAge() {
        aws.answers("DescribeDBInstances", 200, described("available", SOURCE));
        aws.answers("GetMetricStatistics", 200, replicaLag("2026-11-25T02:56:00Z=3.5"));

        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Observed.class, o -> assertThat(
                o.lagSeconds()).as("3.5 s, sampled at a moment of the minute from 02:56").isEqualTo(243.5));
    }

    @Test
    void aReplicationErrorInStatusInfosIsAnUnknownLag() {
        aws.answers("DescribeDBInstances", 200, described("available", SOURCE).replace("</DBInstanceStatus>",
                "</DBInstanceStatus><StatusInfos><DBInstanceStatusInfo><StatusType>read replication</StatusType>"
                        + "<Normal>false</Normal><Status>error</Status><Message>replication stopped</Message>"
                        + "</DBInstanceStatusInfo></StatusInfos>"));
        aws.answers("GetMetricStatistics", 200, replicaLag("2026-11-25T02:59:00Z=0.0"));

        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Observed.class, o -> assertThat(
                o.lagSeconds()).as("replication in error: unknown").isInfinite());
    }

    @Test
    void aReplicaWithoutARecentReplicaLagHasAnUnknownLagWhichNoBudgetAccepts() {
        aws.answers("DescribeDBInstances", 200, described("available", SOURCE));
        aws.answers("GetMetricStatistics", 200, replicaLag());

        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Observed.class, o -> {
            assertThat(o.role()).isEqualTo(Role.REPLICA);
            assertThat(o.lagSeconds()).as("unknown: beyond any budget").isInfinite();
        });
    }

    @Test
    void aPrimaryIsWritableAStoppedOneFencedAndOneBeingPromotedIsLookedAtAgain() {
        aws.answers("DescribeDBInstances", 200, described("backing-up", null));
        assertThat(database.observe(WEST)).isEqualTo(Observation.Observed.writable());
        assertThat(aws.requests("GetMetricStatistics")).as("no lag asked of a primary").isEmpty();

        aws.answers("DescribeDBInstances", 200, described("stopped", null));
        assertThat(database.observe(WEST)).isEqualTo(Observation.Observed.fenced());

        aws.answers("DescribeDBInstances", 200, described("modifying", SOURCE));
        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Unavailable.class,
                u -> assertThat(u.reason())
                        .contains("orders-west in us-west-2 is modifying (a read replica of " + SOURCE
                                + "): not writable yet"));
    }

    @Test
    void aMissingInstanceOrDeniedAccessIsRefusedAnOutageIsPassing() {
        aws.answers("DescribeDBInstances", 404,
                error(RDS_XMLNS, "DBInstanceNotFound", "DBInstance orders-west not found."));
        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Rejected.class,
                r -> assertThat(r.reason())
                        .contains("no such DB instance").contains("DBInstance orders-west not found."));

        aws.answers("DescribeDBInstances", 403, error(RDS_XMLNS, "AccessDenied", "User is not authorized to perform"
                + " rds:DescribeDBInstances"));
        assertThat(database.observe(WEST)).isInstanceOfSatisfying(Observation.Rejected.class,
                r -> assertThat(r.reason())
                        .contains("AccessDenied (HTTP 403)"));

        aws.answers("DescribeDBInstances", 503, error(RDS_XMLNS, "ServiceUnavailable", "Service is unavailable."));
        assertThat(database.observe(WEST)).isInstanceOf(Observation.Unavailable.class);

        aws.answers("DescribeDBInstances", 200, described("available", SOURCE));
        aws.answers("GetMetricStatistics", 400, error(CW_XMLNS, "Throttling", "Rate exceeded"));
        assertThat(database.observe(WEST)).as("throttled by CloudWatch: tried again").isInstanceOfSatisfying(
                Observation.Unavailable.class, u -> assertThat(u.reason()).contains("ReplicaLag could not be read"));
    }

    @Test
    void aPromotionIsPromoteReadReplicaAndOneAlreadyUnderWayIsLookedAtAgain() {
        aws.answers("PromoteReadReplica", 200,
                "<PromoteReadReplicaResponse xmlns=\"" + RDS_XMLNS + "\"><PromoteReadReplicaResult>"
                        + instance("modifying", SOURCE)
                        + "</PromoteReadReplicaResult><ResponseMetadata><RequestId>r</RequestId>"
                        + "</ResponseMetadata></PromoteReadReplicaResponse>");
        assertThat(database.promote(WEST, Database.Move.UNPLANNED)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(r.details())
                        .isEqualTo(
                                "PromoteReadReplica of RDS instance orders-west in us-west-2 requested (status modifying)"));
        assertThat(aws.requests("PromoteReadReplica")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("DBInstanceIdentifier", "orders-west"));

        aws.answers("PromoteReadReplica", 400,
                error(RDS_XMLNS, "InvalidDBInstanceState", "DB Instance is not a read replica."));
        assertThat(database.promote(WEST, Database.Move.UNPLANNED)).isInstanceOf(WriteOutcome.Unavailable.class);
    }

    @Test
    void theFenceIsStopDBInstanceAndAPrimaryThatStillHasAReplicaRefusesIt() {
        aws.answers("StopDBInstance", 200, "<StopDBInstanceResponse xmlns=\"" + RDS_XMLNS + "\"><StopDBInstanceResult>"
                + instance("stopping", null) + "</StopDBInstanceResult><ResponseMetadata><RequestId>r</RequestId>"
                + "</ResponseMetadata></StopDBInstanceResponse>");
        assertThat(database.fence(WEST)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(r.details())
                        .contains("fenced: StopDBInstance requested (status stopping)"));
        assertThat(aws.requests("StopDBInstance")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("DBInstanceIdentifier", "orders-west"));

        aws.answers("StopDBInstance", 400,
                error(RDS_XMLNS, "InvalidDBInstanceState", "Cannot stop instance orders-west because"
                        + " it has read replicas."));
        assertThat(database.fence(WEST)).isInstanceOfSatisfying(WriteOutcome.Rejected.class, r -> assertThat(r.reason())
                .contains("it has read replicas"));
    }

    static final DatabaseRef.Rds EAST_FENCED_BY_GROUP = new DatabaseRef.Rds("orders-west", "us-west-2", null,
            "orders-west-fence");

    /** A primary (no source) of {@code engine} with the parameter groups given as name=applyStatus. */
    static String primaryWith(String engine, String... groups) {
        StringBuilder members = new StringBuilder();
        for (String group : groups) {
            String[] g = group.split("=");
            members.append("<DBParameterGroup><DBParameterGroupName>").append(g[0]).append("</DBParameterGroupName>")
                    .append("<ParameterApplyStatus>").append(g[1]).append("</ParameterApplyStatus></DBParameterGroup>");
        }
        return described("available", null).replace("<Engine>postgres</Engine>", "<Engine>" + engine + "</Engine>")
                .replace("</DBInstanceStatus>",
                        "</DBInstanceStatus><DBParameterGroups>" + members + "</DBParameterGroups>");
    }

    static String parameters(String name, String value) {
        return "<DescribeDBParametersResponse xmlns=\"" + RDS_XMLNS
                + "\"><DescribeDBParametersResult><Parameters><Parameter>"
                + "<ParameterName>" + name + "</ParameterName><ParameterValue>" + value
                + "</ParameterValue><Source>user"
                + "</Source><ApplyType>dynamic</ApplyType></Parameter></Parameters></DescribeDBParametersResult>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBParametersResponse>";
    }

    static final String MODIFIED = "<ModifyDBParameterGroupResponse xmlns=\"" + RDS_XMLNS
            + "\"><ModifyDBParameterGroupResult>"
            + "<DBParameterGroupName>orders-west-fence</DBParameterGroupName></ModifyDBParameterGroupResult><ResponseMetadata>"
            + "<RequestId>r</RequestId></ResponseMetadata></ModifyDBParameterGroupResponse>";

    /**
     * StopDBInstance, the only fence, is refused while the old primary has a read replica, so a move whose old primary
     * answers could never fence it before the promotion. With a parameter group of its own, the fence sets the engine's
     * read-only parameter at once, which RDS accepts whatever replicas it has; nothing is stopped.
     */
    @Test
    void aPrimaryWithAReadReplicaIsFencedByItsOwnParameterGroup() {
        aws.answers("DescribeDBInstances", 200, primaryWith("postgres", "orders-west-fence=in-sync"));
        aws.answers("ModifyDBParameterGroup", 200, MODIFIED);

        assertThat(database.fence(EAST_FENCED_BY_GROUP)).isInstanceOfSatisfying(WriteOutcome.Requested.class,
                r -> assertThat(
                        r.details())
                        .contains("fenced: default_transaction_read_only=1 applied at once in its parameter group"
                                + " orders-west-fence"));

        assertThat(aws.requests("ModifyDBParameterGroup")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("DBParameterGroupName", "orders-west-fence")
                .containsEntry("Parameters.Parameter.1.ParameterName", "default_transaction_read_only")
                .containsEntry("Parameters.Parameter.1.ParameterValue", "1")
                .containsEntry("Parameters.Parameter.1.ApplyMethod", "immediate"));
        assertThat(aws.requests("StopDBInstance")).as("nothing stopped").isEmpty();

        aws.reset();
        aws.answers("DescribeDBInstances", 200, primaryWith("mysql", "orders-west-fence=in-sync"));
        aws.answers("ModifyDBParameterGroup", 200, MODIFIED);
        database.fence(EAST_FENCED_BY_GROUP);
        assertThat(aws.requests("ModifyDBParameterGroup")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("Parameters.Parameter.1.ParameterName", "read_only"));
    }

    @Test
    void aFenceGroupNotAttachedToTheInstanceIsNotWrittenAndTheRefusalNamesTheKey() {
        aws.answers("DescribeDBInstances", 200, primaryWith("postgres", "shared-params=in-sync"));

        assertThat(database.fence(EAST_FENCED_BY_GROUP)).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                r -> assertThat(
                        r.reason()).contains("is not attached to its database.fenceParameterGroup orders-west-fence")
                        .contains("[shared-params]"));
        assertThat(aws.requests("ModifyDBParameterGroup")).as("another group is not touched").isEmpty();

        aws.answers("DescribeDBInstances", 200, primaryWith("sqlserver-se", "orders-west-fence=in-sync"));
        assertThat(database.fence(EAST_FENCED_BY_GROUP)).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                r -> assertThat(
                        r.reason()).contains("engine sqlserver-se has no read-only parameter"));
        assertThat(aws.requests("ModifyDBParameterGroup")).isEmpty();

        {
            aws.answers("StopDBInstance", 400, error(RDS_XMLNS, "InvalidDBInstanceState", "Cannot stop instance"
                    + " orders-west because it has read replicas."));
            assertThat(database.fence(WEST)).isInstanceOfSatisfying(WriteOutcome.Rejected.class,
                    r -> assertThat(r.reason())
                            .contains("it has read replicas").contains("database.fenceParameterGroup"));
        }
    }

    @Test
    void aPrimaryIsFencedOnceItsFenceGroupIsAppliedAndHoldsTheParameterOn() {
        aws.answers("DescribeDBInstances", 200, primaryWith("postgres", "orders-west-fence=applying"));
        assertThat(database.observe(EAST_FENCED_BY_GROUP)).as("still applying: it takes writes")
                .isEqualTo(Observation.Observed.writable());
        assertThat(aws.requests("DescribeDBParameters")).as("not read while applying").isEmpty();

        aws.answers("DescribeDBInstances", 200, primaryWith("postgres", "orders-west-fence=in-sync"));
        aws.answers("DescribeDBParameters", 200, parameters("default_transaction_read_only", "0"));
        assertThat(database.observe(EAST_FENCED_BY_GROUP))
                .isEqualTo(Observation.Observed.writable());

        aws.answers("DescribeDBParameters", 200, parameters("default_transaction_read_only", "1"));
        assertThat(database.observe(EAST_FENCED_BY_GROUP))
                .isEqualTo(Observation.Observed.fenced());
        assertThat(aws.requests("DescribeDBParameters")).last().satisfies(form -> assertThat(form)
                .containsEntry("DBParameterGroupName", "orders-west-fence").containsEntry("Source", "user"));

        aws.answers("DescribeDBInstances", 200, primaryWith("mysql", "orders-west-fence=in-sync"));
        assertThat(database.observe(EAST_FENCED_BY_GROUP)).as("MySQL's parameter is read_only")
                .isEqualTo(Observation.Observed.writable());
        aws.answers("DescribeDBParameters", 200, parameters("read_only", "1"));
        assertThat(database.observe(EAST_FENCED_BY_GROUP))
                .isEqualTo(Observation.Observed.fenced());

        aws.answers("DescribeDBInstances", 200, primaryWith("postgres", "orders-west-fence=in-sync"));
        aws.answers("DescribeDBParameters", 403, error(RDS_XMLNS, "AccessDenied", "not authorized to perform"
                + " rds:DescribeDBParameters"));
        assertThat(database.observe(EAST_FENCED_BY_GROUP)).isInstanceOfSatisfying(Observation.Rejected.class,
                r -> assertThat(
                        r.reason()).contains("DescribeDBParameters of its fence group orders-west-fence failed"));
    }
}
