package dev.failover.actuator.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.failover.actuator.dns.ArcSettings;
import dev.failover.actuator.metrics.ActuatorMetrics;
import dev.failover.contract.topology.ScalingRef;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.aws.IamPolicySimulation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The permissions a topology needs, checked with the real AWS SDK against IAM's {@code SimulatePrincipalPolicy}
 * ({@link IamPolicySimulation}, which checks the requests as IAM reads them): which principal is asked about which
 * resource with which context, what a denial looks like in the report and the metrics, and that a simulator that cannot
 * answer leaves the place not known, never allowed.
 */
class PermissionCheckTest {

    static final String OWN_ROLE = "arn:aws:iam::111122223333:role/failover-actuator-us-east-1";
    static final String SCALER_ROLE = "arn:aws:iam::222233334444:role/failover-scaler";
    static final Topology TOPOLOGY = TopologyLoader.parse("""
            version: 1
            locations: [loc-a]
            groups:
              - id: api
                dns: {zone: example.com., name: API.example.com., ttl: 60, hostedZoneId: Z0123456789ABCDEFGHIJ}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 192.0.2.10, port: 443}
                    dns: {values: [192.0.2.10]}
                    database: {kind: rds, instance: orders-east}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 192.0.2.20, port: 443}
                    dns: {values: [192.0.2.20]}
                    scaling: {kind: ecs, cluster: prod, service: api, roleArn: %s, activeSize: 4, pilotLightSize: 1}
                    database: {kind: rds, instance: orders-west, fenceParameterGroup: orders-west-fence}
            """.formatted(SCALER_ROLE), "test");

    final IamPolicySimulation iam = IamPolicySimulation.start();
    final IamClient client = IamClient.builder().region(Region.of("us-east-1")).endpointOverride(iam.endpoint())
            .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPERMISSIONS", "not-a-secret")))
            .httpClient(UrlConnectionHttpClient.builder().build()).build();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ActuatorMetrics metrics = new ActuatorMetrics(registry);

    @AfterEach
    void close() {
        client.close();
        iam.close();
    }

    PermissionCheck check() {
        List<Needed> plan = PermissionPlan.of(TOPOLOGY, true, ArcSettings.none(), "us-east-1");
        return new PermissionCheck(plan, new IamPolicySimulator(place -> client, place -> {
            throw new AssertionError("STS is not asked when the own role is configured");
        }, Optional.of(OWN_ROLE)), Clock.fixed(Instant.parse("2026-11-28T03:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void eachPrincipalIsAskedAboutItsOwnResourcesWithTheContextItsCallsCarry() {
        PermissionCheck.Report report = check().run();

        assertThat(report.missing()).isEmpty();
        assertThat(report.unknown()).isEmpty();
        assertThat(report.answers())
                .hasSize(report.answers().stream().map(PermissionSimulator.Answer::needed).distinct()
                        .toList().size());
        IamPolicySimulation.Request change = iam.requests().stream()
                .filter(r -> r.actions().contains("route53:ChangeResourceRecordSets")).findFirst().orElseThrow();
        assertThat(change.principal()).isEqualTo(OWN_ROLE);
        assertThat(change.resources()).containsExactly("arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ");
        assertThat(change.context()).as("the names and types the switch writes, as Route 53's condition keys see them")
                .containsEntry("route53:ChangeResourceRecordSetsNormalizedRecordNames",
                        List.of("api.example.com", "_failover-owner.api.example.com"))
                .containsEntry("route53:ChangeResourceRecordSetsRecordTypes", List.of("A", "TXT"))
                .containsEntry("route53:ChangeResourceRecordSetsActions", List.of("CREATE", "DELETE", "UPSERT"));
        IamPolicySimulation.Request ecs = iam.requests().stream().filter(r -> r.actions().contains("ecs:UpdateService"))
                .findFirst().orElseThrow();
        assertThat(ecs.principal()).as("the target account's role, not the actuator's").isEqualTo(SCALER_ROLE);
        assertThat(ecs.resources()).as("in the role's account")
                .containsExactly("arn:aws:ecs:us-west-2:222233334444:service/prod/api");
        assertThat(ecs.actions()).containsExactlyInAnyOrder("ecs:DescribeServices", "ecs:UpdateService");
        assertThat(iam.requests().stream().filter(r -> r.actions().contains("rds:PromoteReadReplica"))
                .flatMap(r -> r.resources()
                        .stream()))
                .containsExactlyInAnyOrder("arn:aws:rds:us-east-1:111122223333:db:orders-east",
                        "arn:aws:rds:us-west-2:111122223333:db:orders-west");
        assertThat(iam.requests().stream().filter(r -> r.actions().contains("rds:ModifyDBParameterGroup"))
                .flatMap(r -> r
                        .resources().stream()))
                .as("the fence of a node with a fence parameter group")
                .containsExactly("arn:aws:rds:us-west-2:111122223333:pg:orders-west-fence");
        assertThat(iam.requests().stream().filter(r -> r.actions().contains("rds:StopDBInstance"))
                .flatMap(r -> r.resources()
                        .stream()))
                .as("the fence of a node without one")
                .containsExactly("arn:aws:rds:us-east-1:111122223333:db:orders-east");
    }

    @Test
    void aDeniedPermissionIsReportedAndExportedNamingTheActionAndResource() {
        iam.deny(SCALER_ROLE, "ecs:UpdateService", "arn:aws:ecs:us-west-2:222233334444:service/prod/api");
        PermissionCheck.Report report = check().run();

        assertThat(report.missing()).singleElement().satisfies(a -> {
            assertThat(a.needed().action()).isEqualTo("ecs:UpdateService");
            assertThat(a.needed().place()).isEqualTo(new ScalingRef.Place.Aws("us-west-2", SCALER_ROLE));
            assertThat(a.needed().why()).contains("group api, target secondary");
            assertThat(a.detail()).contains(SCALER_ROLE).contains("implicitDeny");
        });
        check().exportTo(metrics, report);
        assertThat(registry.get(ActuatorMetrics.PERMISSION_MISSING).tag("action", "ecs:UpdateService").gauge().value())
                .isEqualTo(1.0);
        assertThat(
                registry.get(ActuatorMetrics.PERMISSION_MISSING).tag("action", "ecs:DescribeServices").gauge().value())
                .isEqualTo(0.0);
        assertThat(registry.get(ActuatorMetrics.PERMISSION_MISSING).tag("action", "rds:PromoteReadReplica").gauges())
                .allSatisfy(g -> assertThat(g.value()).isEqualTo(0.0));

        iam.allowAll(); // the grant is fixed: the next run no longer reports it
        PermissionCheck again = check();
        again.exportTo(metrics, again.run());
        assertThat(registry.get(ActuatorMetrics.PERMISSION_MISSING).tag("action", "ecs:UpdateService").gauge().value())
                .isEqualTo(0.0);
    }

    @Test
    void aSimulatorThatCannotAnswerLeavesThePlaceNotKnownNeverAllowed() {
        iam.failWith(503);
        PermissionCheck.Report report = check().run();

        assertThat(report.answers()).isEmpty();
        assertThat(report.missing()).isEmpty();
        assertThat(report.unknown()).containsOnlyKeys(new ScalingRef.Place.Aws("us-east-1", null),
                new ScalingRef.Place.Aws("us-west-2", SCALER_ROLE), new ScalingRef.Place.Aws("us-west-2", null));
        check().exportTo(metrics, report);
        assertThat(registry.get(ActuatorMetrics.PERMISSION_UNKNOWN).gauges()).hasSize(3)
                .allSatisfy(g -> assertThat(g.value()).isEqualTo(1.0));
    }

    @Test
    void aDenialFoundStaysReportedWhileThePlaceCannotBeAsked() {
        iam.deny(SCALER_ROLE, "ecs:UpdateService", "arn:aws:ecs:us-west-2:222233334444:service/prod/api");
        PermissionCheck check = check();
        check.run();
        iam.failWith(503);
        PermissionCheck.Report report = check.run();

        assertThat(report.unknown()).hasSize(3);
        assertThat(report.missing()).as("the last run's finding, not forgotten because IAM did not answer")
                .singleElement()
                .satisfies(a -> assertThat(a.needed().action()).isEqualTo("ecs:UpdateService"));
        check.exportTo(metrics, report);
        assertThat(registry.get(ActuatorMetrics.PERMISSION_MISSING).tag("action", "ecs:UpdateService").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void theRoleOfAssumedRoleCredentials() {
        assertThat(IamPolicySimulator.roleOf("arn:aws:sts::111122223333:assumed-role/failover-actuator/eks-pod-1"))
                .isEqualTo("arn:aws:iam::111122223333:role/failover-actuator");
        assertThat(IamPolicySimulator.roleOf("arn:aws-us-gov:sts::111122223333:assumed-role/x/s"))
                .isEqualTo("arn:aws-us-gov:iam::111122223333:role/x");
        assertThat(IamPolicySimulator.roleOf("arn:aws:iam::111122223333:user/ci"))
                .isEqualTo("arn:aws:iam::111122223333:user/ci");
    }
}
