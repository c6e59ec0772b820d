package dev.failover.contract.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A target's scaling ref is read as the variant its kind names, with that variant's keys only. */
class ScalingRefTest {

    static final String ECS = "scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, pilotLightSize: 1}";

    static String withScaling(String scaling) {
        assertThat(TopologyLoaderTest.VALID).as("the sample topology has the ECS scaling ref this test replaces")
                .contains(ECS);
        return TopologyLoaderTest.VALID.replace(ECS, scaling);
    }

    static ScalingRef primaryScaling(String yaml) {
        return TopologyLoader.parse(yaml, "test").group("api").orElseThrow().primary().scaling();
    }

    static String minimal(ScalingRef.Kind kind) {
        return switch (kind) {
            case ECS -> "scaling: {kind: ecs, cluster: c, service: s, activeSize: 4}";
            case AUTO_SCALING_GROUP -> "scaling: {kind: asg, autoScalingGroup: g, activeSize: 4}";
            case KUBERNETES -> "scaling: {kind: kubernetes, namespace: n, deployment: d, activeSize: 4}";
        };
    }

    @ParameterizedTest
    @EnumSource(ScalingRef.Kind.class)
    void eachKindIsReadUnderItsLabelAsItsVariant(ScalingRef.Kind kind) {
        String yaml = withScaling(minimal(kind));
        assertThat(yaml).as("the test writes the kind's label").contains("kind: " + kind.label() + ",");
        ScalingRef ref = primaryScaling(yaml);
        assertThat(ref.kind()).as("the variant read for kind: " + kind.label()).isEqualTo(kind);
        assertThat(ref.activeSize()).isEqualTo(4);
        assertThat(ref.pilotLightSize()).as("absent: no scale-down").isNull();
        assertThat(ref.readyTimeoutSeconds()).as("the default ready timeout")
                .isEqualTo(ScalingRef.DEFAULT_READY_TIMEOUT_SECONDS);
        assertThat(ref.capacity()).as("capacity required by default").isEqualTo(CapacityPolicy.REQUIRED);
        assertThat(primaryScaling(withScaling(minimal(kind).replace("}", ", capacity: best-effort}"))).capacity())
                .as("each kind takes capacity").isEqualTo(CapacityPolicy.BEST_EFFORT);
        assertThat(primaryScaling(withScaling(minimal(kind).replace("}", ", capacity: best-effort}")))
                .placedIn("eu-west-1")
                .capacity()).as("kept when placed").isEqualTo(CapacityPolicy.BEST_EFFORT);
    }

    @Test
    void eachVariantHoldsItsOwnKeys() {
        assertThat(primaryScaling(TopologyLoaderTest.VALID)).isEqualTo(new ScalingRef.EcsService("c", "s", 4, 1, 600,
                "us-east-1", null, null));
        assertThat(primaryScaling(withScaling("scaling: {kind: asg, autoScalingGroup: api-asg, activeSize: 2, "
                + "readyTimeoutSeconds: 90}")))
                .isEqualTo(new ScalingRef.AutoScalingGroup("api-asg", 2, null, 90, "us-east-1", null, null));
        assertThat(primaryScaling(
                withScaling("scaling: {activeSize: 3, namespace: prod, deployment: api, kind: kubernetes}")))
                .as("kind need not come first")
                .isEqualTo(new ScalingRef.KubernetesDeployment("prod", "api", 3, null, 600,
                        "us-east-1", null));
    }

    /** The actuator owning a group may run in any region: a ref is placed in its target's region unless it names its own. */
    @Test
    void aRefLivesInItsTargetsRegionUnlessItNamesItsOwn() {
        assertThat(primaryScaling(TopologyLoaderTest.VALID).place()).as("the primary's region, us-east-1")
                .isEqualTo(new ScalingRef.Place.Aws("us-east-1", null));
        assertThat(primaryScaling(
                withScaling("scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, region: eu-west-1, "
                        + "roleArn: 'arn:aws:iam::123456789012:role/failover-scaler'}"))
                .place()).as("its own region and role")
                .isEqualTo(new ScalingRef.Place.Aws("eu-west-1", "arn:aws:iam::123456789012:role/failover-scaler"));
        assertThat(
                primaryScaling(withScaling("scaling: {kind: kubernetes, namespace: n, deployment: d, activeSize: 4}"))
                        .place())
                .as("the cluster named like the target's region").isEqualTo(new ScalingRef.Place.Cluster("us-east-1"));
        assertThat(primaryScaling(withScaling("scaling: {kind: kubernetes, namespace: n, deployment: d, activeSize: 4, "
                + "cluster: dr-eks}")).place()).isEqualTo(new ScalingRef.Place.Cluster("dr-eks"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("scaling: {cluster: c, service: s, activeSize: 4}",
                        "groups[0].targets[0].scaling.kind: is required (ecs, asg or kubernetes)"),
                Arguments.of("scaling: {kind: lambda, activeSize: 4}",
                        "groups[0].targets[0].scaling.kind: 'lambda' is not one of: ecs, asg, kubernetes"),
                Arguments.of("scaling: {kind: asg, autoScalingGroup: g, cluster: c, activeSize: 4}",
                        "groups[0].targets[0].scaling.cluster: unknown key (known keys: activeSize, autoScalingGroup, "
                                + "capacity, pilotLightSize, readyTimeoutSeconds, region, roleArn)"),
                Arguments.of("scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, capacity: maybe}",
                        "groups[0].targets[0].scaling.capacity: 'maybe' is not one of: required, best-effort"),
                Arguments.of("scaling: {kind: ecs, cluster: c, service: s, activeSize: 4, region: US East}",
                        "groups[0].targets[0].scaling.region: 'US East' is not a region name"),
                Arguments.of(
                        "scaling: {kind: asg, autoScalingGroup: g, activeSize: 4, roleArn: 'arn:aws:iam::12:role/x'}",
                        "groups[0].targets[0].scaling.roleArn: 'arn:aws:iam::12:role/x' is not an IAM role ARN"),
                Arguments.of("scaling: {kind: kubernetes, namespace: n, deployment: d, activeSize: 4, cluster: ' '}",
                        "groups[0].targets[0].scaling.cluster: must not be blank"),
                Arguments.of("scaling: {kind: kubernetes, namespace: n, deployment: d, service: s, activeSize: 4}",
                        "groups[0].targets[0].scaling.service: unknown key"),
                Arguments.of("scaling: {kind: asg, activeSize: 4}",
                        "groups[0].targets[0].scaling.autoScalingGroup: is required"),
                Arguments.of("scaling: {kind: kubernetes, namespace: n, activeSize: 4}",
                        "groups[0].targets[0].scaling.deployment: is required"),
                Arguments.of("scaling: {kind: ecs, cluster: c, service: s, activeSize: 2, pilotLightSize: 3}",
                        "groups[0].targets[0].scaling.pilotLightSize: must be between 0 and activeSize, was 3"),
                Arguments.of("scaling: {kind: ecs, cluster: c, service: s, activeSize: 2, readyTimeoutSeconds: 0}",
                        "groups[0].targets[0].scaling.readyTimeoutSeconds: must be at least 1, was 0"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void aBadScalingRefIsReportedOnItsKey(String scaling, String expected) {
        assertThatThrownBy(() -> TopologyLoader.parse(withScaling(scaling), "test.yaml"))
                .isInstanceOf(InvalidTopologyException.class)
                .hasMessageContaining("\n  " + expected);
    }
}
