package dev.failover.contract.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TopologyLoaderTest {

    static final String VALID = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test., ttl: 30}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: http, url: "https://10.0.0.1/health", hostHeader: api.example.test, expectedStatus: ["200", "300-302"]}
                    dns: {values: [192.0.2.10]}
                    scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, pilotLightSize: 1}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 10.0.1.1, port: 443, intervalSeconds: 5, timeoutMillis: 1000}
                    dns: {values: [192.0.2.20]}
                  - id: maintenance
                    region: global
                    lastResort: true
                    probe: {type: http, url: "http://maint.example.test/"}
                    dns: {values: [192.0.2.99]}
                whenAllDown: last-resort
            """;

    @Test
    void twoGroupsMayScaleTheSameNamesInOtherRegions() {
        String otherRegion = twoGroups("api2.example.test.",
                "scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, "
                        + "region: eu-west-1}");
        assertThat(TopologyLoader.parse(otherRegion, "test").groups()).hasSize(2);
    }

    @Test
    void theSampleFileOfTheLocalStackIsValid() {
        Topology topology = TopologyLoader.load(Path.of("../config/failover.yaml"));
        assertThat(topology.locations()).containsExactly("loc-a", "loc-b", "loc-c");
        assertThat(topology.groups()).extracting(FailoverGroup::id).containsExactly("demo-api");
    }

    /** A dns probe with only its two required keys takes the defaults (A, port 53, udp, any address). */
    @Test
    void aDnsProbeTakesItsDefaults() {
        Topology topology = TopologyLoader.parse(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                "{type: dns, name: api.us-west-2.example.test, resolver: 10.0.0.2,"), "test");
        ProbeSpec probe = topology.group("api").orElseThrow().target("secondary").orElseThrow().probe();
        assertThat(probe).isEqualTo(new DnsProbe("api.us-west-2.example.test", DnsProbe.AddressType.A, "10.0.0.2", 53,
                DnsProbe.Transport.UDP, java.util.List.of(),
                5, 2000, 1000, null));
    }

    /** Each location's resolvers (ADR 0026), with their defaults; a location without any observes nothing. */
    @Test
    void observersArePerLocation() {
        Topology topology = TopologyLoader.parse(VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                "locations: [loc-a, loc-b, loc-c]\nobservers:\n  loc-b: [{name: vpc, address: 10.1.0.2}, "
                        + "{name: cache, address: \"::1\", port: 5353, transport: tcp}]\n  loc-a: [{name: vpc, address: 10.0.0.2}]\n"),
                "test");
        assertThat(topology.observersOf("loc-b")).containsExactly(
                new Observer("vpc", "10.1.0.2", 53, DnsProbe.Transport.UDP, null),
                new Observer("cache", "::1", 5353, DnsProbe.Transport.TCP, null));
        assertThat(topology.observersOf("loc-c")).isEmpty();
        assertThat(topology.observingLocations()).containsExactly("loc-a", "loc-b"); // the order of locations
        assertThat(TopologyLoader.parse(VALID, "test").observingLocations()).isEmpty();
    }

    @Test
    void appliesDefaultsWhereTheFileIsSilent() {
        Topology topology = TopologyLoader.parse(VALID, "test");
        FailoverGroup group = topology.group("api").orElseThrow();
        assertThat(group.thresholds().failuresToDown()).isEqualTo(3);
        assertThat(group.thresholds().successesToUp()).isEqualTo(3);
        assertThat(group.thresholds().quorumOf(3)).isEqualTo(2);
        assertThat(group.thresholds().minDwellSeconds()).isEqualTo(60);
        assertThat(group.failback().holdDownSeconds()).isEqualTo(300);
        assertThat(group.failback().mode()).isEqualTo(Failback.Mode.AUTOMATIC);
        assertThat(group.whenAllDown()).isEqualTo(AllDownPolicy.LAST_RESORT);
        assertThat(group.mode()).isEqualTo(GroupMode.LIVE);
        assertThat(group.drill().cron()).isEqualTo(Drill.DEFAULT_CRON);
        HttpProbe http = (HttpProbe) group.primary().probe();
        assertThat(http.intervalSeconds()).isEqualTo(10);
        assertThat(http.bodyLimitBytes()).isEqualTo(5120);
        assertThat(http.verifyTls()).isTrue();
        assertThat(http.followRedirects()).isFalse();
        assertThat(http.statusRanges().accepts(301)).isTrue();
        assertThat(http.statusRanges().accepts(303)).isFalse();
        HttpProbe maintenance = (HttpProbe) group.targets().get(2).probe();
        assertThat(HttpProbe.DEFAULT_EXPECTED_STATUS).isEqualTo(maintenance.expectedStatus());
        assertThat(maintenance.statusRanges().accepts(399)).isTrue();
        assertThat(maintenance.statusRanges().accepts(400)).isFalse();
        assertThat(group.targets().get(1).probe()).isEqualTo(new TcpProbe("10.0.1.1", 443, 5, null, 1000, null));
        assertThat(group.safety().correlatedFailureGuard()).isTrue();
        assertThat(group.safety().maxSwitchesPerDay()).isEqualTo(6);
        assertThat(group.safety().freshEvidenceIntervals()).isEqualTo(2);
        assertThat(group.safety().classOf(dev.failover.contract.event.FailureReason.TLS_ERROR))
                .isEqualTo(FailureClass.DOWN);
        assertThat(group.primary().dependencies()).isEmpty();
        assertThat(topology.safety().correlatedFailure())
                .isEqualTo(new TopologySafety.CorrelatedFailure(60, 1, 50, 30));
        assertThat(topology.safety().maxSwitchesPerDayOf(1)).isEqualTo(10);
        assertThat(topology.safety().maxSwitchesPerDayOf(30)).isEqualTo(60);
    }

    /** VALID with a PostgreSQL node for the primary and the secondary (ADR 0020). */
    static final String WITH_DATABASES = VALID.replace("dns: {values: [192.0.2.10]}", "dns: {values: [192.0.2.10]}\n"
            + "        database: {kind: postgres, url: \"jdbc:postgresql://db.us-east-1.example.test:5432/app\", credentials: app-east}")
            .replace("dns: {values: [192.0.2.20]}", "dns: {values: [192.0.2.20]}\n"
                    + "        database: {kind: postgres, url: \"jdbc:postgresql://db.us-west-2.example.test/app?sslmode=verify-full\", "
                    + "credentials: app-west}")
            + "    safety: {maxDataLossSeconds: 30}\n";

    @Test
    void readsTheTargetsDatabaseNodesAndTheDataLossBudget() {
        FailoverGroup group = TopologyLoader.parse(WITH_DATABASES, "test").group("api").orElseThrow();
        assertThat(group.targets().get(0).database()).isEqualTo(new DatabaseRef.Postgres(
                "jdbc:postgresql://db.us-east-1.example.test:5432/app", "app-east"));
        assertThat(group.targets().get(1).database().credentials()).isEqualTo("app-west");
        assertThat(group.targets().get(2).database()).as("the last resort has none").isNull();
        assertThat(group.safety().maxDataLossSeconds()).isEqualTo(30);
        assertThat(TopologyLoader.parse(VALID, "test").group("api").orElseThrow().safety().maxDataLossSeconds())
                .as("default").isZero();
    }

    /** VALID with an RDS instance per target: the primary's in its target's region, the replica's naming region and role. */
    static final String WITH_RDS = VALID.replace("dns: {values: [192.0.2.10]}", "dns: {values: [192.0.2.10]}\n"
            + "        database: {kind: rds, instance: orders-east}")
            .replace("dns: {values: [192.0.2.20]}", "dns: {values: [192.0.2.20]}\n"
                    + "        database: {kind: rds, instance: orders-west, region: us-west-2, "
                    + "roleArn: \"arn:aws:iam::222222222222:role/failover-actuator\"}")
            + "    safety: {maxDataLossSeconds: 30}\n";

    @Test
    void readsAnRdsInstancePlacedInItsTargetsRegionUnlessItNamesOne() {
        FailoverGroup group = TopologyLoader.parse(WITH_RDS, "test").group("api").orElseThrow();
        assertThat(group.targets().get(0).database()).isEqualTo(new DatabaseRef.Rds("orders-east",
                group.targets().get(0).region(), null));
        assertThat(group.targets().get(1).database()).isEqualTo(new DatabaseRef.Rds("orders-west", "us-west-2",
                "arn:aws:iam::222222222222:role/failover-actuator"));
        assertThat(group.targets().get(1).database().credentials()).as("AWS credentials, no login").isNull();
        assertThat(group.targets().get(1).database().node()).isEqualTo("rds:us-west-2:orders-west");
    }

    @Test
    void readsAnRdsInstancesFenceParameterGroup() {
        FailoverGroup group = TopologyLoader.parse(WITH_RDS.replace("instance: orders-east}", "instance: orders-east,"
                + " fenceParameterGroup: orders-east-fence}"), "test").group("api").orElseThrow();
        assertThat(group.targets().get(0).database()).isEqualTo(new DatabaseRef.Rds("orders-east",
                group.targets().get(0).region(), null, "orders-east-fence"));
        assertThat(((DatabaseRef.Rds) group.targets().get(1).database()).fenceParameterGroup()).as("absent: stopped")
                .isNull();
    }

    static final String EAST_CLUSTER = "arn:aws:rds:us-east-1:111111111111:cluster:orders-east";
    static final String WEST_CLUSTER = "arn:aws:rds:us-west-2:222222222222:cluster:orders-west";

    /** VALID with the two member clusters of an Aurora global database. */
    static final String WITH_AURORA = VALID.replace("dns: {values: [192.0.2.10]}", "dns: {values: [192.0.2.10]}\n"
            + "        database: {kind: aurora-global, globalCluster: orders, clusterArn: \"" + EAST_CLUSTER + "\"}")
            .replace("dns: {values: [192.0.2.20]}", "dns: {values: [192.0.2.20]}\n"
                    + "        database: {kind: aurora-global, globalCluster: orders, clusterArn: \"" + WEST_CLUSTER
                    + "\", "
                    + "roleArn: \"arn:aws:iam::222222222222:role/failover-actuator\"}");

    @Test
    void readsAuroraGlobalMemberClustersWithTheirRegionFromTheArn() {
        FailoverGroup group = TopologyLoader.parse(WITH_AURORA, "test").group("api").orElseThrow();
        DatabaseRef.AuroraGlobal west = (DatabaseRef.AuroraGlobal) group.targets().get(1).database();
        assertThat(west).isEqualTo(new DatabaseRef.AuroraGlobal("orders", WEST_CLUSTER,
                "arn:aws:iam::222222222222:role/failover-actuator"));
        assertThat(west.region()).isEqualTo("us-west-2");
        assertThat(west.clusterId()).isEqualTo("orders-west");
        assertThat(west.node()).isEqualTo(WEST_CLUSTER);
        assertThat(TopologyLoader.parse(WITH_AURORA + "    drill: {enabled: true}\n", "test").group("api").orElseThrow()
                .drill().enabled()).as("a global database switches back by itself: drills allowed").isTrue();
    }

    @Test
    void readsTheSafetyRulesAndDependencies() {
        Topology topology = TopologyLoader.parse(VALID.replace("dns: {values: [192.0.2.20]}",
                "dns: {values: [192.0.2.20]}\n"
                        + "        dependencies: [{id: db, probe: {type: tcp, host: 10.0.1.2, port: 5432}}]")
                + "    safety: {correlatedFailureGuard: false, maxSwitchesPerDay: 4, freshEvidenceIntervals: 3, "
                + "failureClasses: {TLS_ERROR: alert-only, TOO_SLOW: down}}\n"
                + "safety: {correlatedFailure: {windowSeconds: 30, maxRegions: 2, maxSharePercent: 40}, maxSwitchesPerDay: 12}\n",
                "test");
        FailoverGroup group = topology.group("api").orElseThrow();
        assertThat(group.safety()).isEqualTo(new Safety(false, 4, 3, java.util.Map.of(
                dev.failover.contract.event.FailureReason.TLS_ERROR, FailureClass.ALERT_ONLY,
                dev.failover.contract.event.FailureReason.TOO_SLOW, FailureClass.DOWN), null, null));
        assertThat(group.safety().classOf(dev.failover.contract.event.FailureReason.TLS_ERROR))
                .isEqualTo(FailureClass.ALERT_ONLY);
        assertThat(group.targets().get(1).dependency("db").orElseThrow().probe())
                .isEqualTo(new TcpProbe("10.0.1.2", 5432, null, null, null, null));
        assertThat(topology.safety())
                .isEqualTo(new TopologySafety(new TopologySafety.CorrelatedFailure(30, 2, 40, 30), 12));
        assertThat(topology.safety().maxSwitchesPerDayOf(100)).isEqualTo(12);
    }

    /** The second group's scaling ref when it must not clash with the first's: the same names in another region. */
    static final String OTHER_SCALING = "scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, region: eu-west-1}";

    /**
     * Two groups on one record would be actuated by different instances (by the partition of their id) and write the
     * record and its ownership mark {@code _failover-owner.<name>} against each other, each seeing the other's mark as
     * a newer owner. The mark is kept per name, whatever the type and the weighted set identifiers, so a record is its
     * name (any case, with or without the trailing dot) within one Route 53 hosted zone, or within the one server an
     * RFC 2136 deployment updates.
     */
    static Stream<Arguments> sharedRecords() {
        String sameRecord = "groups[1].dns.name: is the record of groups[0].dns.name too";
        String same = twoGroups("api.example.test.", OTHER_SCALING);
        return Stream.of(
                Arguments.of("the same name", same, sameRecord),
                Arguments.of("another case, no trailing dot", twoGroups("API.Example.TEST", OTHER_SCALING), sameRecord),
                Arguments.of("another type: the ownership mark is per name", inSecond(same, g -> g
                        .replace("ttl: 30}", "ttl: 30, type: AAAA}").replace("[192.0.2.", "[2001:db8::")), sameRecord),
                Arguments.of("other weighted set identifiers: the mark is still shared", inSecond(same, g -> g
                        .replace("{values: [192.0.2.20]}", "{values: [192.0.2.20], setIdentifier: api-2-secondary}")
                        .replace("{values: [192.0.2.10]}", "{values: [192.0.2.10], setIdentifier: api-2-primary}")),
                        sameRecord),
                Arguments.of("the same hosted zone",
                        same.replace("{zone: example.test.,", "{zone: example.test., hostedZoneId: ZA,"),
                        sameRecord),
                Arguments.of("a hosted zone on one side only", same.replaceFirst("\\{zone: example.test.,",
                        "{zone: example.test., hostedZoneId: ZA,"), sameRecord),
                Arguments.of("other names", twoGroups("api2.example.test.", OTHER_SCALING), null),
                Arguments.of("split horizon: the same name in two hosted zones", inSecond(same.replaceFirst(
                        "\\{zone: example.test.,", "{zone: example.test., hostedZoneId: ZA,"),
                        g -> g.replace(
                                "{zone: example.test.,", "{zone: example.test., hostedZoneId: ZB,")),
                        null));
    }

    /** {@code yaml} of {@link #twoGroups} with {@code edit} made to the second group only. */
    static String inSecond(String yaml, java.util.function.UnaryOperator<String> edit) {
        int second = yaml.indexOf("  - id: api-2\n");
        return yaml.substring(0, second) + edit.apply(yaml.substring(second));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedRecords")
    void noTwoGroupsShareARecord(String name, String yaml, String expected) {
        if (expected == null) {
            assertThat(TopologyLoader.parse(yaml, "test.yaml").groups()).hasSize(2);
        } else {
            assertThatThrownBy(() -> TopologyLoader.parse(yaml, "test.yaml"))
                    .isInstanceOf(InvalidTopologyException.class)
                    .hasMessageContaining(expected);
        }
    }

    /** VALID with a second group, {@code api-2}, whose record and scaling ref are set here. */
    static String twoGroups(String name, String scaling) {
        String second = VALID.substring(VALID.indexOf("  - id: api\n")).replace("- id: api\n", "- id: api-2\n")
                .replace("name: api.example.test.", "name: " + name)
                .replace("scaling: {kind: ecs, cluster: c, service: s, "
                        + "activeSize: 4, pilotLightSize: 1}", scaling);
        return VALID + second;
    }

    static final String PANEL = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc123";

    /** VALID switched with routing controls: {@code controls} is the group's arc key's value. */
    static String withArc(String yaml, String controls) {
        return yaml.replaceFirst("whenAllDown: last-resort\n", "whenAllDown: last-resort\n    arc: " + controls + "\n");
    }

    static final String ARC = "{routingControls: {primary: " + PANEL + "/routingcontrol/p1, secondary: " + PANEL
            + "/routingcontrol/s1, maintenance: " + PANEL + "/routingcontrol/m1}, breakGlassRules: [" + PANEL
            + "/safetyrule/gate1]}";

    @Test
    void aGroupSwitchedWithRoutingControlsNamesOneForEachTarget() {
        ArcRouting arc = TopologyLoader.parse(withArc(VALID, ARC), "test").groups().get(0).arc();
        assertThat(arc.routingControls()).containsEntry("primary", PANEL + "/routingcontrol/p1").hasSize(3);
        assertThat(arc.breakGlassRules()).containsExactly(PANEL + "/safetyrule/gate1");
        assertThat(TopologyLoader.parse(VALID, "test").groups().get(0).arc()).as("records, by default").isNull();
    }

    /** VALID with a Region switch plan: {@code plan} is the group's regionSwitch key's value. */
    static String withRegionSwitch(String yaml, String plan) {
        return yaml.replaceFirst("whenAllDown: last-resort\n",
                "whenAllDown: last-resort\n    regionSwitch: " + plan + "\n");
    }

    static final String PLAN_ARN = "arn:aws:arc-region-switch::111122223333:plan/api-plan:abc123";
    static final String REGION_SWITCH = "{planArn: \"" + PLAN_ARN + "\", regions: {maintenance: us-west-2}}";

    @Test
    void aGroupMayNameARegionSwitchPlanActivatingEachTargetsRegion() {
        FailoverGroup group = TopologyLoader.parse(withRegionSwitch(VALID, REGION_SWITCH), "test").groups().get(0);
        assertThat(group.regionSwitch().planArn()).isEqualTo(PLAN_ARN);
        assertThat(group.regionSwitch().regionOf(group.target("primary").orElseThrow())).isEqualTo("us-east-1");
        assertThat(group.regionSwitch().regionOf(group.target("maintenance").orElseThrow())).as("named")
                .isEqualTo("us-west-2");
        assertThat(TopologyLoader.parse(VALID, "test").groups().get(0).regionSwitch()).as("none, by default").isNull();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // a Region switch plan (ADR 0028)
                Arguments.of(withRegionSwitch(VALID, "{planArn: \"" + PLAN_ARN + "\"}"),
                        "groups[0].regionSwitch.regions."
                                + "maintenance: required: target maintenance's region 'global' is not an AWS region"),
                Arguments.of(
                        withRegionSwitch(VALID, REGION_SWITCH.replace(PLAN_ARN, "arn:aws:arc-region-switch::1:plan/x")),
                        "groups[0].regionSwitch.planArn: 'arn:aws:arc-region-switch::1:plan/x' is not a Region switch plan ARN"),
                Arguments.of(withRegionSwitch(VALID, "{regions: {maintenance: us-west-2}}"),
                        "groups[0].regionSwitch.planArn: required"),
                Arguments.of(
                        withRegionSwitch(VALID,
                                REGION_SWITCH.replace("{maintenance:", "{tertiary: eu-west-1, maintenance:")),
                        "groups[0].regionSwitch.regions.tertiary: 'tertiary' is not a target of this group"),
                Arguments.of(
                        withRegionSwitch(VALID, REGION_SWITCH.replace("maintenance: us-west-2", "maintenance: West")),
                        "groups[0].regionSwitch.regions.maintenance: 'West' is not an AWS region name"),
                Arguments.of(
                        withRegionSwitch(VALID, REGION_SWITCH.replace("}}", "}, roleArn: \"arn:aws:iam::1:user/x\"}")),
                        "groups[0].regionSwitch.roleArn: 'arn:aws:iam::1:user/x' is not an IAM role ARN"),
                Arguments.of(withRegionSwitch(VALID, REGION_SWITCH.replace("}}", "}, mode: ungraceful}")),
                        "groups[0].regionSwitch.mode: unknown key"),
                Arguments.of(
                        twoGroups("api2.example.test.", "scaling: {kind: ecs, cluster: c2, service: s, activeSize: 2}")
                                .replace("whenAllDown: last-resort\n",
                                        "whenAllDown: last-resort\n    regionSwitch: " + REGION_SWITCH + "\n"),
                        "groups[1].regionSwitch.planArn: is the plan of groups[0].regionSwitch.planArn too"),
                Arguments.of(withArc(VALID, ARC.replace(", maintenance: " + PANEL + "/routingcontrol/m1", "")),
                        "groups[0].arc.routingControls.maintenance: required: every target of the group needs its routing control ARN"),
                Arguments.of(
                        withArc(VALID, ARC.replace(PANEL + "/routingcontrol/s1", "arn:aws:route53:::healthcheck/s1")),
                        "groups[0].arc.routingControls.secondary: 'arn:aws:route53:::healthcheck/s1' is not a routing control ARN"),
                Arguments.of(
                        withArc(VALID,
                                ARC.replace("{primary:", "{tertiary: " + PANEL + "/routingcontrol/t1, primary:")),
                        "groups[0].arc.routingControls.tertiary: 'tertiary' is not a target of this group"),
                Arguments.of(withArc(VALID, ARC.replace("/routingcontrol/s1", "/routingcontrol/p1")),
                        "groups[0].arc.routingControls: two targets share a routing control"),
                Arguments.of(withArc(VALID, ARC.replace("/safetyrule/gate1", "/routingcontrol/gate1")),
                        "groups[0].arc.breakGlassRules[0]: '" + PANEL
                                + "/routingcontrol/gate1' is not a safety rule ARN"),
                Arguments.of(withArc(VALID, "{routingControls: {primary: x}, color: red}"),
                        "groups[0].arc.color: unknown key"),
                // a target without an id beside an arc key: named, not a NullPointerException (review finding)
                Arguments.of(withArc(
                        VALID.replace("  - id: secondary\n", "  - probe2: x\n").replace("probe2: x\n        region:",
                                "region:"),
                        ARC), "groups[0].targets[1].id"),
                Arguments.of(
                        twoGroups("api2.example.test.", "scaling: {kind: ecs, cluster: c2, service: s, activeSize: 2}")
                                .replace("whenAllDown: last-resort\n",
                                        "whenAllDown: last-resort\n    arc: " + ARC + "\n"),
                        "groups[1].arc.routingControls.primary: is the routing control of groups[0].arc.routingControls.primary too"),
                Arguments.of(
                        twoGroups("api2.example.test.", "scaling: {kind: ecs, cluster: c, service: s, activeSize: 2}"),
                        "groups[1].targets[0].scaling: scales the same ecs resource as groups[0].targets[0].scaling"),
                Arguments.of(VALID.replace("\"https://10.0.0.1/health\"", "\"ftp://x/\""),
                        "groups[0].targets[0].probe.url: not a valid URL"),
                Arguments.of(VALID.replace("\"https://10.0.0.1/health\"", "\"http://exa mple/\""),
                        "groups[0].targets[0].probe.url: not a valid URL"),
                Arguments.of(VALID.replace("port: 443", "port: 70000"),
                        "groups[0].targets[1].probe.port: must be between 1 and 65535"),
                Arguments.of(VALID.replace("port: 443", "port: many"),
                        "groups[0].targets[1].probe.port: 'many' is not a valid"),
                // each kind of probe takes only its own keys
                Arguments.of(
                        VALID.replace("{type: tcp, host: 10.0.1.1,",
                                "{type: tcp, url: \"http://10.0.1.1/\", host: 10.0.1.1,"),
                        "groups[0].targets[1].probe.url: unknown key"),
                Arguments.of(VALID.replace("port: 443,", "port: 443, bodyContains: ok,"),
                        "groups[0].targets[1].probe.bodyContains: unknown key"),
                Arguments.of(VALID.replace("hostHeader: api.example.test,", "host: 10.0.0.1,"),
                        "groups[0].targets[0].probe.host: unknown key"),
                Arguments.of(VALID.replace("{type: tcp, host", "{host"),
                        "groups[0].targets[1].probe.type: is required (http, tcp or dns)"),
                Arguments.of(VALID.replace("type: tcp", "type: udp"),
                        "groups[0].targets[1].probe.type: 'udp' is not one of: http, tcp, dns"),
                // a dns probe: a name, a resolver, addresses of the record type
                Arguments.of(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,", "{type: dns, resolver: 10.0.0.2,"),
                        "groups[0].targets[1].probe.name: is required for a dns probe"),
                Arguments.of(
                        VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                                "{type: dns, name: api.us-west-2.example.test,"),
                        "groups[0].targets[1].probe.resolver: is required for a dns probe"),
                Arguments.of(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                        "{type: dns, name: api.us-west-2.example.test, resolver: \"10.0.0.2 \","),
                        "groups[0].targets[1].probe.resolver: '10.0.0.2 ' is not a host name or IP address"),
                Arguments.of(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                        "{type: dns, name: api.us-west-2.example.test, resolver: 10.0.0.2, transport: quic,"),
                        "groups[0].targets[1].probe.transport: 'quic' is not one of: udp, tcp"),
                Arguments.of(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                        "{type: dns, name: api.us-west-2.example.test, resolver: 10.0.0.2, expect: [\"2001:db8::1\"],"),
                        "groups[0].targets[1].probe.expect[0]: '2001:db8::1' is not an IPv4 address (recordType A)"),
                Arguments.of(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                        "{type: dns, name: api.us-west-2.example.test, resolver: 10.0.0.2, recordType: CNAME,"),
                        "groups[0].targets[1].probe.recordType: 'CNAME' is not one of: A, AAAA"),
                Arguments.of(VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                        "{type: dns, name: api.us-west-2.example.test, resolver: 10.0.0.2, url: \"http://x/\","),
                        "groups[0].targets[1].probe.url: unknown key"),
                Arguments.of(
                        VALID.replace("{type: tcp, host: 10.0.1.1, port: 443,",
                                "{type: dns, name: API.example.test., resolver: 10.0.0.2,"),
                        "groups[0].targets[1].probe.name: 'API.example.test.' is the record group api fails over"),
                Arguments.of(VALID.replace("intervalSeconds: 5", "intervalSeconds: 0"),
                        "groups[0].targets[1].probe.intervalSeconds: must be at least 1"),
                Arguments.of(VALID.replace("timeoutMillis: 1000", "timeoutMillis: 6000"),
                        "groups[0].targets[1].probe.timeoutMillis: (6000) must not exceed the interval"),
                Arguments.of(VALID.replace("\"300-302\"", "\"302-300\""),
                        "groups[0].targets[0].probe.expectedStatus[1]: '302-300'"),
                Arguments.of(VALID.replace("192.0.2.20", "192.0.2.300"),
                        "groups[0].targets[1].dns.values[0]: '192.0.2.300' is not an IPv4"),
                Arguments.of(VALID.replace("name: api.example.test.", "name: api.other.test."),
                        "groups[0].dns.name: 'api.other.test.' is not inside zone"),
                Arguments.of(VALID.replace("ttl: 30", "ttl: 0"), "groups[0].dns.ttl: must be between 1 and 86400"),
                Arguments.of(VALID.replace("id: secondary", "id: primary"),
                        "groups[0].targets[1].id: duplicate target id 'primary'"),
                Arguments.of(VALID.replace("id: secondary", "id: Secondary!"),
                        "groups[0].targets[1].id: 'Secondary!' must be lower-case"),
                Arguments.of(VALID.replace("    whenAllDown: last-resort", "    whenAllDown: fail-open"),
                        "groups[0].whenAllDown: 'fail-open' is not one of: hold, last-resort"),
                Arguments.of(VALID.replaceAll("(?m)^\\s*lastResort: true\n", ""),
                        "groups[0].whenAllDown: is last-resort but no target has lastResort"),
                Arguments.of(VALID.replace("region: us-west-2", "regoin: us-west-2"),
                        "groups[0].targets[1].regoin: unknown key"),
                Arguments.of(VALID.replace("activeSize: 4, ", ""),
                        "groups[0].targets[0].scaling.activeSize: is required"),
                Arguments.of(VALID.replace("kind: ecs, cluster: c, ", "kind: ecs, "),
                        "groups[0].targets[0].scaling.cluster: is required"),
                Arguments.of(VALID.replace("locations: [loc-a, loc-b, loc-c]", "locations: [loc-a, loc-a]"),
                        "locations[1]: duplicate location 'loc-a'"),
                Arguments.of(VALID.replace("version: 1", "version: 2"), "version: unsupported version 2"),
                Arguments.of(VALID + "    thresholds: {quorum: 4}\n",
                        "groups[0].thresholds.quorum: must be between 1 and the number of locations (3)"),
                Arguments.of(VALID + "    drill: {cron: \"every monday\"}\n",
                        "groups[0].drill.cron: 'every monday' is not a Quartz cron"),
                Arguments.of(VALID + "    safety: {maxSwitchesPerDay: 0}\n",
                        "groups[0].safety.maxSwitchesPerDay: must be at least 1"),
                Arguments.of(VALID + "    safety: {freshEvidenceIntervals: 0}\n",
                        "groups[0].safety.freshEvidenceIntervals: must be between 1 and 10 probe intervals, was 0"),
                Arguments.of(VALID + "    safety: {failureClasses: {TLS_ERROR: ignore}}\n",
                        "groups[0].safety.failureClasses.TLS_ERROR: 'ignore' is not one of: down, alert-only"),
                Arguments.of(VALID + "    safety: {failureClasses: {TLS_EROR: alert-only}}\n",
                        "groups[0].safety.failureClasses"),
                Arguments.of(VALID + "    safety: {failureClasses: {TLS_ERROR: }}\n",
                        "groups[0].safety.failureClasses.TLS_ERROR: must be down or alert-only"),
                Arguments.of(VALID + "    safety: {correlatedFailureGuard: maybe}\n",
                        "groups[0].safety.correlatedFailureGuard"),
                Arguments.of(VALID + "safety: {correlatedFailure: {maxRegions: 0}}\n",
                        "safety.correlatedFailure.maxRegions: must be at least 1 (a single-region outage must fail over)"),
                Arguments.of(VALID + "safety: {correlatedFailure: {windowSeconds: 0}}\n",
                        "safety.correlatedFailure.windowSeconds: must be between 1 and 3600, was 0"),
                Arguments.of(VALID + "safety: {correlatedFailure: {maxSharePercent: 101}}\n",
                        "safety.correlatedFailure.maxSharePercent: must be between 1 and 100, was 101"),
                Arguments.of(VALID + "safety: {correlatedFailure: {lastResortAfterSeconds: -1}}\n",
                        "safety.correlatedFailure.lastResortAfterSeconds: must be between 0 and 600, was -1"),
                Arguments.of(VALID + "safety: {maxSwitchesPerDay: -1}\n",
                        "safety.maxSwitchesPerDay: must be at least 1, was -1"),
                Arguments.of(
                        VALID.replace("dns: {values: [192.0.2.20]}",
                                "dns: {values: [192.0.2.20]}\n        dependencies: "
                                        + "[{id: db, probe: {type: tcp, host: 10.0.1.2, port: 0}}]"),
                        "groups[0].targets[1].dependencies[0].probe.port: must be between 1 and 65535"),
                Arguments.of(VALID.replace("dns: {values: [192.0.2.20]}",
                        "dns: {values: [192.0.2.20]}\n        dependencies: "
                                + "[{id: db, probe: {type: tcp, host: 10.0.1.2, port: 5432}}, {id: db, probe: {type: tcp, host: 10.0.1.3, port: 5432}}]"),
                        "groups[0].targets[1].dependencies[1].id: duplicate dependency id 'db' in this target"),
                Arguments.of(
                        VALID.replace("dns: {values: [192.0.2.20]}",
                                "dns: {values: [192.0.2.20]}\n        dependencies: [{id: db}]"),
                        "groups[0].targets[1].dependencies[0].probe"),
                Arguments.of(
                        WITH_DATABASES.replace("db.us-west-2.example.test/app?sslmode=verify-full",
                                "db.us-east-1.example.test:5432/app"),
                        "groups[0].targets[1].database: is the database node of groups[0].targets[0].database too"),
                Arguments.of(WITH_DATABASES.replace("credentials: app-west", "credentials: App_West"),
                        "groups[0].targets[1].database.credentials: 'App_West' must be lower-case letters"),
                Arguments.of(WITH_DATABASES.replace("db.us-west-2.example.test/app?sslmode=verify-full",
                        "db.us-west-2.example.test/app?sslmode=verify-full&password=hunter2"),
                        "groups[0].targets[1].database.url: carries a password parameter: a secret in the topology ends up"
                                + " in results, logs and the operator page. Give it in the actuator's"
                                + " failover.database.credentials.<name>.password-file"),
                Arguments.of(
                        WITH_DATABASES.replace("jdbc:postgresql://db.us-east-1.example.test:5432/app",
                                "jdbc:mysql://db/app"),
                        "groups[0].targets[0].database.url: 'jdbc:mysql://db/app' is not a PostgreSQL JDBC URL"),
                Arguments.of(WITH_RDS.replace("instance: orders-east", "instance: orders--east"),
                        "groups[0].targets[0].database.instance: 'orders--east' is not a DB instance identifier"),
                Arguments.of(WITH_RDS.replace("instance: orders-east", "instance: 1orders"),
                        "groups[0].targets[0].database.instance: '1orders' is not a DB instance identifier"),
                Arguments.of(WITH_RDS.replace("region: us-west-2", "region: US_WEST"),
                        "groups[0].targets[1].database.region: 'US_WEST' is not a region name"),
                Arguments.of(WITH_RDS.replace("role/failover-actuator", "user/someone"),
                        "groups[0].targets[1].database.roleArn: 'arn:aws:iam::222222222222:user/someone' is not an IAM role ARN"),
                Arguments.of(
                        WITH_RDS.replace("instance: orders-west, region: us-west-2", "instance: orders-east, region: "
                                + "us-east-1"),
                        "groups[0].targets[1].database: is the database node of groups[0].targets[0].database too"),
                Arguments.of(WITH_RDS.replace("instance: orders-east}", "instance: orders-east, fenceParameterGroup:"
                        + " default.postgres16}"),
                        "groups[0].targets[0].database.fenceParameterGroup: 'default.postgres16'"
                                + " is not a DB parameter group name"),
                Arguments.of(WITH_RDS.replace("instance: orders-east}", "instance: orders-east, fenceParameterGroup:"
                        + " default-pg16}"),
                        "groups[0].targets[0].database.fenceParameterGroup: 'default-pg16' is a default"
                                + " parameter group"),
                Arguments.of(WITH_RDS
                        .replace("region: us-west-2, ", "region: us-west-2, fenceParameterGroup: orders-fence, ")
                        .replace("instance: orders-east}", "instance: orders-east, region: us-west-2,"
                                + " fenceParameterGroup: orders-fence}"),
                        "groups[0].targets[1].database"
                                + ".fenceParameterGroup: is groups[0].targets[0].database.fenceParameterGroup too: fencing one"
                                + " instance would make the other read-only with it"),
                Arguments.of(WITH_AURORA.replace(":cluster:orders-east", ":db:orders-east"),
                        "groups[0].targets[0].database.clusterArn: 'arn:aws:rds:us-east-1:111111111111:db:orders-east' is not"
                                + " a DB cluster ARN"),
                Arguments.of(
                        WITH_AURORA.replace("globalCluster: orders, clusterArn: \"" + EAST_CLUSTER,
                                "globalCluster: -orders,"
                                        + " clusterArn: \"" + EAST_CLUSTER),
                        "groups[0].targets[0].database.globalCluster: '-orders' is not a"
                                + " global cluster identifier"),
                Arguments.of(WITH_AURORA.replace(WEST_CLUSTER, EAST_CLUSTER),
                        "groups[0].targets[1].database: is the database node of groups[0].targets[0].database too"),
                Arguments.of(WITH_DATABASES + "    drill: {enabled: true}\n",
                        "groups[0].drill.enabled: a scheduled drill would move the database one way"),
                Arguments.of(WITH_DATABASES.replace("maxDataLossSeconds: 30", "maxDataLossSeconds: 86401"),
                        "groups[0].safety.maxDataLossSeconds: must be between 0 and 86400 seconds, was 86401"),
                // a drill's alert guards: Prometheus alert names
                Arguments.of(VALID.replace("whenAllDown: last-resort\n",
                        "whenAllDown: last-resort\n    drill: {blockingAlerts: [FailoverRegionDown, \"9lives\"]}\n"),
                        "groups[0].drill.blockingAlerts[1]: '9lives' is not an alert name"),
                Arguments.of(
                        VALID.replace("whenAllDown: last-resort\n",
                                "whenAllDown: last-resort\n    drill: {abortAlerts: [\"checkout-errors\"]}\n"),
                        "groups[0].drill.abortAlerts[0]: 'checkout-errors' is not an alert name"),
                // observers (ADR 0026): known locations, named resolvers with an address
                Arguments.of(VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                        "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-d: [{name: vpc, address: 10.0.0.2}]\n"),
                        "observers.loc-d: 'loc-d' is not one of the locations [loc-a, loc-b, loc-c]"),
                Arguments.of(
                        VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                                "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-a: []\n"),
                        "observers.loc-a: must name at least one resolver, or be left out"),
                Arguments.of(VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                        "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-a: [{name: vpc, address: 10.0.0.2}, {name: vpc, address: 10.0.0.3}]\n"),
                        "observers.loc-a[1].name: duplicate resolver name 'vpc' in location loc-a"),
                Arguments.of(
                        VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                                "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-a: [{name: vpc}]\n"),
                        "observers.loc-a[0].address: is required"),
                Arguments.of(VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                        "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-a: [{name: vpc, address: \"10.0.0.2 \"}]\n"),
                        "observers.loc-a[0].address: '10.0.0.2 ' is not a host name or IP address"),
                Arguments.of(VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                        "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-a: [{name: vpc, address: 10.0.0.2, port: 0}]\n"),
                        "observers.loc-a[0].port: must be between 1 and 65535, was 0"),
                Arguments.of(VALID.replace("locations: [loc-a, loc-b, loc-c]\n",
                        "locations: [loc-a, loc-b, loc-c]\nobservers:\n   loc-a: [{name: vpc, address: 10.0.0.2, ttl: 5}]\n"),
                        "observers.loc-a[0].ttl: unknown key"),
                Arguments.of("groups: [", "(file): not valid YAML"),
                Arguments.of("", "(file): is empty"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void everyErrorNamesThePathOfTheBadKey(String yaml, String expected) {
        assertThatThrownBy(() -> TopologyLoader.parse(yaml, "test.yaml"))
                .isInstanceOf(InvalidTopologyException.class)
                .hasMessageStartingWith("invalid topology test.yaml")
                .hasMessageContaining(expected);
    }

    @Test
    void reportsAllErrorsAtOnce() {
        String yaml = VALID.replace("port: 443", "port: 0").replace("ttl: 30", "ttl: 0");
        InvalidTopologyException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidTopologyException.class,
                () -> TopologyLoader.parse(yaml, "test.yaml"));
        assertThat(e.errors()).extracting(TopologyError::path)
                .containsExactlyInAnyOrder("groups[0].dns.ttl", "groups[0].targets[1].probe.port");
    }

    @Test
    void aMissingFileIsReportedNotThrownRaw() {
        assertThatThrownBy(() -> TopologyLoader.load(Path.of("/nonexistent/failover.yaml")))
                .isInstanceOf(InvalidTopologyException.class)
                .hasMessageContaining("cannot read");
    }
}
