package dev.failover.actuator.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.dns.DnsProvider.Routing;
import dev.failover.actuator.dns.RecordSet;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.TopologyLoader;

/** What each step of a desired state asks DNS for, how long it is held, and when a planned move takes more than one. */
class TrafficPlanTest {

    static FailoverGroup group(int ttl, boolean alias) {
        return TopologyLoader.parse(
                """
                version: 1
                locations: [loc-a]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test., ttl: %d, hostedZoneId: Z1}
                    targets:
                      - {id: primary, region: r1, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                      - {id: secondary, region: r2, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: %s}
                """.formatted(ttl,
                        alias ? "{alias: {dnsName: lb.example.test., hostedZoneId: Z2}}" : "{values: [192.0.2.2]}"),
                "test").groups().get(0);
    }

    static DesiredState desired(DecisionKind kind, int step) {
        return DesiredState.of(new Decision(1, "d-1", "api", 1L, kind, "primary", "secondary", "r", List.of(),
                Instant.EPOCH, DecisionMode.LIVE, "alice")).atStep(step);
    }

    /** What one step serves, for reading: "weights/values ttl". */
    static String serves(TrafficPlan plan, FailoverGroup group, DesiredState desired) {
        return plan.wanted(group, desired).stream().map(RecordSet::describe).reduce((a, b) -> a + "; " + b)
                .orElseThrow()
                + " | " + plan.writeStep(group, desired) + " | hold "
                + plan.holdAfter(group, desired, Duration.ofSeconds(60))
                + " | capacity " + plan.sendsTrafficToTarget(group, desired);
    }

    static Stream<Arguments> plans() {
        TrafficPlan single = new TrafficPlan(Routing.SINGLE, 100, List.of(), 5);
        TrafficPlan weighted = new TrafficPlan(Routing.WEIGHTED, 100, List.of(10, 100), 5);
        TrafficPlan switches = new TrafficPlan(Routing.SWITCHES, 1, List.of(), 5);
        FailoverGroup ttl300 = group(300, false);
        return Stream.of(
                Arguments.of("routing controls: a switchover is one switch, no TTL to lower", switches, ttl300,
                        DecisionKind.SWITCHOVER, 1),
                Arguments.of("routing controls: a failback at once", switches, ttl300, DecisionKind.FAILBACK, 1),
                Arguments.of("switchover, TTL 300 s above the floor: three steps", single, ttl300,
                        DecisionKind.SWITCHOVER, 3),
                Arguments.of("drill start: the same path", single, ttl300, DecisionKind.DRILL_START, 3),
                Arguments.of("drill end: the same path", single, ttl300, DecisionKind.DRILL_END, 3),
                Arguments.of("drill aborted, its target failed: at once, an emergency", single, ttl300,
                        DecisionKind.DRILL_ABORT, 1),
                Arguments.of("emergency failover: at once", single, ttl300, DecisionKind.FAILOVER, 1),
                Arguments.of("break-glass force: at once", single, ttl300, DecisionKind.FORCE, 1),
                Arguments.of("TTL at the floor: nothing to lower", single, group(5, false), DecisionKind.SWITCHOVER, 1),
                Arguments.of("an alias has no TTL to lower", weighted, group(300, true), DecisionKind.SWITCHOVER, 1),
                Arguments.of("weighted switchover: three steps", weighted, ttl300, DecisionKind.SWITCHOVER, 3),
                Arguments.of("weighted stepped failback keeps its steps", weighted, ttl300, DecisionKind.FAILBACK, 2));
    }

    @Test
    void routingControlsAreOneSwitchPerTargetOnlyTheActiveOneOn() {
        TrafficPlan switches = new TrafficPlan(Routing.SWITCHES, 1, List.of(), 5);
        assertThat(serves(switches, group(300, false), desired(DecisionKind.SWITCHOVER, 0)))
                .isEqualTo("[primary weight 0] ; [secondary weight 1]  | DNS_SWITCH | hold PT1M | capacity true");
        assertThat(switches.initial(group(300, true)))
                .extracting(RecordSet::setIdentifier, RecordSet::weight, RecordSet::ttl)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("primary", 1L, null),
                        org.assertj.core.groups.Tuple.tuple("secondary", 0L, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void stepsOfADesiredState(String name, TrafficPlan plan, FailoverGroup group, DecisionKind kind, int steps) {
        assertThat(plan.steps(group, desired(kind, 0))).isEqualTo(steps);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void aMoveInOneStepServesTheTargetAtItsTtlAtOnce(String name, TrafficPlan plan, FailoverGroup group,
            DecisionKind kind,
            int steps) {
        if (steps == 1) {
            assertThat(plan.writeStep(group, desired(kind, 0))).isEqualTo(ActuationStep.DNS_SWITCH);
            assertThat(plan.sendsTrafficToTarget(group, desired(kind, 0))).isTrue();
            assertThat(plan.describeStep(group, desired(kind, 0))).isEmpty();
        }
    }

    static RecordSet weighted(String id, long weight, int ttl, String value) {
        return new RecordSet(id, weight, ttl, Set.of(value), null);
    }

    static Stream<Arguments> servedBeforeAPlannedMove() {
        TrafficPlan single = new TrafficPlan(Routing.SINGLE, 100, List.of(), 5);
        TrafficPlan weighted = new TrafficPlan(Routing.WEIGHTED, 100, List.of(10, 100), 5);
        RecordSet primary = RecordSet.simple(300, Set.of("192.0.2.1"));
        return Stream.of(
                Arguments.of("the from-target served: its TTL is lowered first", single, DecisionKind.SWITCHOVER, 0,
                        List.of(primary), 0),
                Arguments.of("the from-target served at the floor (step 1 written): held there", single,
                        DecisionKind.SWITCHOVER, 0, List.of(RecordSet.simple(5, Set.of("192.0.2.1"))), 0),
                Arguments.of("the destination already served (a drill ended before it got there): to the switch",
                        single,
                        DecisionKind.DRILL_END, 0, List.of(RecordSet.simple(300, Set.of("192.0.2.2"))), 1),
                Arguments.of("a value set by hand: to the switch, the target's capacity gated", single,
                        DecisionKind.SWITCHOVER, 0, List.of(RecordSet.simple(300, Set.of("198.51.100.9"))), 1),
                Arguments.of("nothing served yet: to the switch", single, DecisionKind.SWITCHOVER, 0, List.of(), 1),
                Arguments.of("an emergency move is left as it is", single, DecisionKind.FAILOVER, 0, List.of(), 0),
                Arguments.of("a later step is left as it is", single, DecisionKind.SWITCHOVER, 2, List.of(primary), 2),
                Arguments.of("weighted, the whole weight on the from-target: lowered first", weighted,
                        DecisionKind.SWITCHOVER, 0, List.of(weighted("primary", 100, 300, "192.0.2.1"),
                                weighted("secondary", 0, 300, "192.0.2.2")),
                        0),
                Arguments.of("weighted, a stepped failback half way: to the switch", weighted, DecisionKind.SWITCHOVER,
                        0,
                        List.of(weighted("primary", 50, 300, "192.0.2.1"), weighted("secondary", 50, 300, "192.0.2.2")),
                        1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servedBeforeAPlannedMove")
    void aPlannedMoveLowersTheTtlOnlyOnARecordThatServesItsFromTarget(String name, TrafficPlan plan, DecisionKind kind,
            int step, List<RecordSet> served, int startsAt) {
        FailoverGroup group = group(300, false);
        assertThat(plan.fitToServed(group, desired(kind, step), served).step()).isEqualTo(startsAt);
    }

    @Test
    void aSwitchoverLowersTheTtlOnTheOldTargetSwitchesAtTheFloorAndRestoresIt() {
        TrafficPlan plan = new TrafficPlan(Routing.SINGLE, 100, List.of(), 5);
        FailoverGroup group = group(300, false);
        assertThat(Stream.of(0, 1, 2).map(step -> serves(plan, group, desired(DecisionKind.SWITCHOVER, step))))
                .containsExactly(
                        "5 192.0.2.1 | LOWER_TTL | hold PT5M | capacity false",
                        "5 192.0.2.2 | DNS_SWITCH | hold PT5S | capacity true",
                        "300 192.0.2.2 | RESTORE_TTL | hold PT5S | capacity true");
        assertThat(plan.describeStep(group, desired(DecisionKind.SWITCHOVER, 0)))
                .isEqualTo("switchover step 1 of 3: TTL 300 s lowered to 5 s, still on primary");
    }

    @Test
    void aWeightedSwitchoverMovesTheWholeWeightAtTheFloor() {
        TrafficPlan plan = new TrafficPlan(Routing.WEIGHTED, 100, List.of(10, 100), 5);
        FailoverGroup group = group(300, false);
        assertThat(Stream.of(0, 1, 2).map(step -> plan.wanted(group, desired(DecisionKind.SWITCHOVER, step)).stream()
                .map(s -> s.setIdentifier() + "=" + s.weight() + "@" + s.ttl()).toList()))
                .containsExactly(List.of("primary=100@5", "secondary=0@5"), List.of("primary=0@5", "secondary=100@5"),
                        List.of("primary=0@300", "secondary=100@300"));
    }
}
