package dev.failover.decision.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupView;

/**
 * The safety rules of ADR 0010, table-driven: the correlated-failure guard, fresh and clean evidence before a flip,
 * dependency gates, failure classes and the switch budgets. A timeline of probe results in; the switches, and the first
 * hold of each reason per group, out.
 */
class SafetyRulesTest {

    static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");
    static final String[] ALL = { "loc-a", "loc-b", "loc-c" };
    static final ProbeOutcome UP = ProbeOutcome.UP;
    static final ProbeOutcome DOWN = ProbeOutcome.DOWN;

    /**
     * Three regions ra, rb, rc, one service in each (target ids a, b, c), and three groups over them, as in ADR 0010's
     * context: ab (a then b), bc (b then c), ac (a then c). %s: the topology's safety block.
     */
    static final String THREE_REGIONS = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: ab
                dns: {zone: example.test., name: ab.example.test.}
                targets:
                  - {id: a, region: ra, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: b, region: rb, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
                failback: {mode: manual}
              - id: bc
                dns: {zone: example.test., name: bc.example.test.}
                targets:
                  - {id: b, region: rb, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
                  - {id: c, region: rc, probe: {type: tcp, host: 192.0.2.3, port: 443}, dns: {values: [192.0.2.3]}}
                failback: {mode: manual}
              - id: ac
                dns: {zone: example.test., name: ac.example.test.}
                targets:
                  - {id: a, region: ra, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: c, region: rc, probe: {type: tcp, host: 192.0.2.3, port: 443}, dns: {values: [192.0.2.3]}}
                failback: {mode: manual}
            %s""";

    /** One group api: primary (ra), secondary (rb, with a dependency db), tertiary (rc). %s: more keys of the group. */
    static final String CHAIN = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test.}
                targets:
                  - id: primary
                    region: ra
                    probe: {type: tcp, host: 192.0.2.1, port: 443}
                    dns: {values: [192.0.2.1]}
                    dependencies: [{id: db, probe: {type: tcp, host: 192.0.2.11, port: 5432}}]
                  - id: secondary
                    region: rb
                    probe: {type: tcp, host: 192.0.2.2, port: 443}
                    dns: {values: [192.0.2.2]}
                    dependencies: [{id: db, probe: {type: tcp, host: 192.0.2.12, port: 5432}}]
                  - {id: tertiary, region: rc, probe: {type: tcp, host: 192.0.2.3, port: 443}, dns: {values: [192.0.2.3]}}
            %s""";

    /** One result at second {@code at}; {@code dependency} null for the target itself. */
    record Probe(int at, String group, String target, String dependency, String location, ProbeOutcome outcome,
            FailureReason reason) {
    }

    /** Results of {@code target} in {@code groups} from every location, every 10 s from {@code from} to {@code to}. */
    static List<Probe> rounds(int from, int to, String target, ProbeOutcome outcome, String... groups) {
        return rounds(from, to, target, null, outcome, outcome == DOWN ? FailureReason.CONNECTION_REFUSED : null,
                groups);
    }

    static List<Probe> rounds(int from, int to, String target, String dependency, ProbeOutcome outcome,
            FailureReason reason,
            String... groups) {
        List<Probe> probes = new ArrayList<>();
        for (int at = from; at <= to; at += 10) {
            for (String group : groups) {
                for (String location : ALL) {
                    probes.add(new Probe(at, group, target, dependency, location, outcome, reason));
                }
            }
        }
        return probes;
    }

    /** Region {@code r}'s service ({@code a}, {@code b} or {@code c}) in each of the three groups it is in. */
    static List<Probe> region(String r, int from, int to, ProbeOutcome outcome) {
        String[] groups = switch (r) {
            case "a" -> new String[] { "ab", "ac" };
            case "b" -> new String[] { "ab", "bc" };
            default -> new String[] { "bc", "ac" };
        };
        return rounds(from, to, r, outcome, groups);
    }

    /** Parts in order; within one second, results of an earlier part come first. */
    @SafeVarargs
    static List<Probe> timeline(List<Probe>... parts) {
        return Stream.of(parts).flatMap(List::stream).sorted(Comparator.comparingInt(Probe::at)).toList();
    }

    static DecisionEngine engine(String topology, ManualClock clock) {
        Topology parsed = TopologyLoader.parse(topology, "test");
        AtomicInteger ids = new AtomicInteger();
        return Engines.minimal(parsed, clock, () -> "d-" + ids.incrementAndGet());
    }

    /** Switches as "t=50 ab FAILOVER a->b", and the first hold of each reason per group as "t=50 ac held REASON". */
    static List<String> run(DecisionEngine engine, ManualClock clock, List<Probe> timeline) {
        List<String> seen = new ArrayList<>();
        List<String> holds = new ArrayList<>();
        for (Probe p : timeline) {
            clock.set(T0.plusSeconds(p.at()));
            ProbeResult result = ProbeResult.of(p.group(), p.target(), "r", p.location(), T0.plusSeconds(p.at()),
                    p.outcome()).durationMillis(5L).failureReason(p.reason()).dependency(p.dependency()).build();
            Outcome outcome = engine.onProbeResult(result);
            if (outcome instanceof Outcome.Switched s) {
                Decision d = s.decision();
                seen.add("t=" + p.at() + " " + d.group() + " " + d.kind() + " " + d.fromTarget() + "->" + d.toTarget());
            } else if (outcome instanceof Outcome.Held h && h.reason() != Outcome.HoldReason.QUORUM_LOST
                    && !holds.contains(h.group() + h.reason())) {
                holds.add(h.group() + h.reason());
                seen.add("t=" + p.at() + " " + h.group() + " held " + h.reason());
            }
        }
        return seen;
    }

    // ---- the correlated-failure guard ----

    static Stream<Arguments> correlatedFailures() {
        return Stream.of(
                Arguments.of("a single-region outage fails every affected group over; the third group is untouched", "",
                        timeline(region("b", 0, 300, UP), region("c", 0, 300, UP), region("a", 0, 20, UP),
                                region("a", 30, 300, DOWN)),
                        List.of("t=50 ab FAILOVER a->b", "t=50 ac FAILOVER a->c")),
                Arguments.of("targets in two regions failing within the window hold: no group moves", "",
                        timeline(region("c", 0, 300, UP), region("a", 0, 20, UP), region("b", 0, 30, UP),
                                region("b", 40, 300, DOWN), region("a", 30, 300, DOWN)),
                        List.of("t=50 ab held NO_ELIGIBLE_TARGET", "t=50 ac held CORRELATED_FAILURE",
                                "t=60 bc held CORRELATED_FAILURE", "t=60 ab held NO_HEALTHY_TARGET")),
                Arguments.of("two regions failing further apart than the window (60 s): each outage fails over", "",
                        timeline(region("c", 0, 400, UP), region("a", 0, 20, UP), region("a", 30, 400, DOWN),
                                region("b", 0, 190, UP), region("b", 200, 400, DOWN)),
                        List.of("t=50 ab FAILOVER a->b", "t=50 ac FAILOVER a->c", "t=220 ab held NO_HEALTHY_TARGET",
                                "t=220 bc FAILOVER b->c")),
                Arguments.of("the evidence separates (b recovers): the groups held on a fail over", "",
                        timeline(region("c", 0, 300, UP), region("a", 0, 20, UP), region("b", 0, 30, UP),
                                region("b", 40, 100, DOWN), region("b", 110, 300, UP), region("a", 30, 300, DOWN)),
                        // at 130 s ab sees b HEALTHY first, while the guard still has bc's view of b failing: one
                        // more hold, until bc's results of that round come in
                        List.of("t=50 ab held NO_ELIGIBLE_TARGET", "t=50 ac held CORRELATED_FAILURE",
                                "t=60 bc held CORRELATED_FAILURE", "t=60 ab held NO_HEALTHY_TARGET",
                                "t=130 ab held CORRELATED_FAILURE", "t=130 ab FAILOVER a->b",
                                "t=130 ac FAILOVER a->c")),
                Arguments.of("maxRegions 2: two regions failing together are believed", """
                        safety: {correlatedFailure: {maxRegions: 2, maxSharePercent: 100}}
                        """,
                        timeline(region("c", 0, 300, UP), region("a", 0, 20, UP), region("b", 0, 30, UP),
                                region("b", 40, 300, DOWN), region("a", 30, 300, DOWN)),
                        List.of("t=50 ab held NO_ELIGIBLE_TARGET", "t=50 ac FAILOVER a->c",
                                "t=60 ab held NO_HEALTHY_TARGET",
                                "t=60 bc FAILOVER b->c")),
                Arguments.of("maxRegions 2 but more than 50 % of all targets (4 of 6) failing together: held", """
                        safety: {correlatedFailure: {maxRegions: 2, maxSharePercent: 50}}
                        """,
                        timeline(region("c", 0, 300, UP), region("a", 0, 20, UP), region("b", 0, 30, UP),
                                region("b", 40, 300, DOWN), region("a", 30, 300, DOWN)),
                        List.of("t=50 ab held NO_ELIGIBLE_TARGET", "t=50 ac held CORRELATED_FAILURE",
                                "t=60 bc held CORRELATED_FAILURE", "t=60 ab held NO_HEALTHY_TARGET")));
    }

    /** Three groups in six regions: g1 p1 (r1) then s1 (r2), g2 p2 (r3) then s2 (r4), g3 p3 (r5) then s3 (r6). */
    static final String SIX_REGIONS = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: g1
                dns: {zone: example.test., name: g1.example.test.}
                targets:
                  - {id: p1, region: r1, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: s1, region: r2, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
              - id: g2
                dns: {zone: example.test., name: g2.example.test.}
                targets:
                  - {id: p2, region: r3, probe: {type: tcp, host: 192.0.2.3, port: 443}, dns: {values: [192.0.2.3]}}
                  - {id: s2, region: r4, probe: {type: tcp, host: 192.0.2.4, port: 443}, dns: {values: [192.0.2.4]}}
              - id: g3
                dns: {zone: example.test., name: g3.example.test.}
                targets:
                  - {id: p3, region: r5, probe: {type: tcp, host: 192.0.2.5, port: 443}, dns: {values: [192.0.2.5]}}
                  - {id: s3, region: r6, probe: {type: tcp, host: 192.0.2.6, port: 443}, dns: {values: [192.0.2.6]}}
            """;

    /**
     * Two unrelated standbys in two regions fail 75 s apart (more than the 60 s window: no suspicion),
     * then the decision-service restarts, as a rollout does; later a primary in a third region fails. Its group must fail
     * over. Before, the restarted instance saw both old failures begin "now", together: a suspicion that held every
     * group for as long as the old failures lasted, g3 included (CORRELATED_FAILURE).
     */
    @Test
    void failuresSeenBeforeARestartKeepTheirStartAndDoNotLookCorrelated() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine before = engine(SIX_REGIONS, clock);
        List<String> first = run(before, clock, timeline(rounds(0, 190, "p1", UP, "g1"), rounds(0, 190, "p2", UP, "g2"),
                rounds(0, 190, "p3", UP, "g3"), rounds(0, 190, "s3", UP, "g3"), rounds(0, 20, "s1", UP, "g1"),
                rounds(30, 190, "s1", DOWN, "g1"), rounds(0, 100, "s2", UP, "g2"), rounds(110, 190, "s2", DOWN, "g2")));
        assertThat(first).as("two standbys down 80 s apart: nothing to hold, nothing to move").isEmpty();

        DecisionEngine after = engine(SIX_REGIONS, clock); // the restart: state from the snapshots, evidence from nothing
        for (String g : List.of("g1", "g2", "g3")) {
            after.handover().beginRestore(g);
            after.handover().restore(before.snapshot(g).orElseThrow());
            after.handover().acquire(g);
        }
        List<String> later = run(after, clock,
                timeline(rounds(200, 400, "p1", UP, "g1"), rounds(200, 400, "p2", UP, "g2"),
                        rounds(200, 400, "s3", UP, "g3"), rounds(200, 400, "s1", DOWN, "g1"),
                        rounds(200, 400, "s2", DOWN, "g2"),
                        rounds(200, 280, "p3", UP, "g3"), rounds(290, 400, "p3", DOWN, "g3")));

        assertThat(later).as("after the restart").contains("t=310 g3 FAILOVER p3->s3")
                .noneMatch(line -> line.contains("CORRELATED_FAILURE"));
    }

    /**
     * A failing target whose results stop for a while (a stalled probe location, a lagging consumer: its health UNKNOWN)
     * and then fail again has failed once, not twice: its failure keeps its start. Before, the guard forgot it while its
     * health was UNKNOWN and saw it begin again when the results came back, together with a standby in another region
     * that had begun failing 80 s after it: a suspicion that held g3's failover (GuardMemoryIT failed so in CI).
     */
    @Test
    void aFailureWhoseResultsPauseKeepsItsStart() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(SIX_REGIONS, clock);
        List<String> seen = run(engine, clock, timeline(rounds(0, 400, "p1", UP, "g1"), rounds(0, 400, "p2", UP, "g2"),
                rounds(0, 400, "s3", UP, "g3"), rounds(0, 20, "s1", UP, "g1"), rounds(30, 40, "s1", DOWN, "g1"),
                rounds(150, 400, "s1", DOWN, "g1"), rounds(0, 100, "s2", UP, "g2"), rounds(110, 400, "s2", DOWN, "g2"),
                rounds(0, 280, "p3", UP, "g3"), rounds(290, 400, "p3", DOWN, "g3")));

        assertThat(seen).contains("t=310 g3 FAILOVER p3->s3").noneMatch(line -> line.contains("CORRELATED_FAILURE"));
    }

    /** An operator's resume of a suspicion is kept in the group's state: a restart does not hold the group again. */
    @Test
    void anOperatorsResumeSurvivesARestart() {
        ManualClock clock = new ManualClock(T0.plusSeconds(500));
        DecisionEngine before = engine(SIX_REGIONS, clock);
        before.apply(new Command.Resume("g3", "the suspicion is wrong: r1 and r3 really are down", "alice"));
        Instant acknowledged = before.view("g3").orElseThrow().safety().guardAcknowledgedAt();
        assertThat(acknowledged).isNotNull();

        DecisionEngine after = engine(SIX_REGIONS, clock);
        after.handover().beginRestore("g3");
        after.handover().restore(before.snapshot("g3").orElseThrow());
        after.handover().acquire("g3");
        assertThat(after.view("g3").orElseThrow().safety().guardAcknowledgedAt()).isEqualTo(acknowledged);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("correlatedFailures")
    void theCorrelatedFailureGuard(String scenario, String topologySafety, List<Probe> timeline,
            List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(THREE_REGIONS.formatted(topologySafety), clock);
        assertThat(run(engine, clock, timeline)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void anOperatorResumingAGroupLetsItActWhileTheOthersStayHeld() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(THREE_REGIONS.formatted(""), clock);
        List<Probe> before = timeline(region("c", 0, 300, UP), region("a", 0, 20, UP), region("b", 0, 30, UP),
                region("b", 40, 300, DOWN), region("a", 30, 300, DOWN));
        assertThat(run(engine, clock, before.stream().filter(p -> p.at() <= 100).toList())).doesNotContain("FAILOVER");
        GroupView ac = engine.view("ac").orElseThrow();
        assertThat(ac.safety().correlatedFailure()).isNotNull();
        assertThat(ac.safety().correlatedFailure().regions()).containsExactly("ra", "rb");
        assertThat(ac.audit()).extracting(GroupSnapshot.AuditEntry::action)
                .contains("held by correlated-failure guard");

        CommandOutcome resumed = engine
                .apply(new Command.Resume("ac", "both regions are down, confirmed by phone", "carol"));

        assertThat(resumed).isInstanceOfSatisfying(CommandOutcome.Accepted.class, a -> assertThat(a.decisions())
                .extracting(Decision::toTarget).containsExactly("c"));
        assertThat(run(engine, clock, before.stream().filter(p -> p.at() > 100).toList()))
                .noneMatch(s -> s.contains("FAILOVER"));
        assertThat(engine.view("bc").orElseThrow().activeTarget()).isEqualTo("b");
    }

    @Test
    void aGroupThatDoesNotObeyTheGuardFailsOverRegardless() {
        ManualClock clock = new ManualClock(T0);
        String topology = THREE_REGIONS.formatted("").replace("  - id: ac\n",
                "  - id: ac\n    safety: {correlatedFailureGuard: false}\n");
        assertThat(topology).contains("correlatedFailureGuard: false");
        DecisionEngine engine = engine(topology, clock);
        assertThat(run(engine, clock, timeline(region("c", 0, 300, UP), region("a", 0, 20, UP), region("b", 0, 30, UP),
                region("b", 40, 300, DOWN), region("a", 30, 300, DOWN))))
                .contains("t=50 ac FAILOVER a->c", "t=60 bc held CORRELATED_FAILURE");
    }

    /**
     * One instance of several decides only the groups it owns; the guard's share is of the targets it
     * sees, not of the whole topology's. Group api (a, b, c in three regions) is this instance's; o1 and o2 (four more
     * targets) belong to another instance, so no result of theirs ever reaches this engine.
     */
    @Test
    void theGuardsShareIsOfTheTargetsThisInstanceDecides() {
        String topology = """
                version: 1
                locations: [loc-a, loc-b, loc-c]
                groups:
                  - id: api
                    dns: {zone: example.test., name: api.example.test.}
                    targets:
                      - {id: a, region: ra, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                      - {id: b, region: rb, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
                      - {id: c, region: rc, probe: {type: tcp, host: 192.0.2.3, port: 443}, dns: {values: [192.0.2.3]}}
                  - id: o1
                    dns: {zone: example.test., name: o1.example.test.}
                    targets:
                      - {id: d, region: rd, probe: {type: tcp, host: 192.0.2.4, port: 443}, dns: {values: [192.0.2.4]}}
                      - {id: e, region: re, probe: {type: tcp, host: 192.0.2.5, port: 443}, dns: {values: [192.0.2.5]}}
                  - id: o2
                    dns: {zone: example.test., name: o2.example.test.}
                    targets:
                      - {id: f, region: rf, probe: {type: tcp, host: 192.0.2.6, port: 443}, dns: {values: [192.0.2.6]}}
                      - {id: g, region: rg, probe: {type: tcp, host: 192.0.2.7, port: 443}, dns: {values: [192.0.2.7]}}
                safety: {correlatedFailure: {maxRegions: 2, maxSharePercent: 50}}
                """;
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(topology, clock);
        // a and b (two of the three targets this instance sees: 67 %) begin failing 10 s apart
        assertThat(run(engine, clock, timeline(rounds(0, 200, "c", UP, "api"), rounds(0, 20, "a", UP, "api"),
                rounds(0, 30, "b", UP, "api"), rounds(30, 200, "a", DOWN, "api"), rounds(40, 200, "b", DOWN, "api"))))
                .containsExactly("t=50 api held CORRELATED_FAILURE");
        assertThat(engine.view("api").orElseThrow().safety().correlatedFailure().allTargets()).as("targets seen")
                .isEqualTo(3);
    }

    // ---- the last resort when every regional target fails together (ADR 0010) ----

    /** One group api: primary (ra), secondary (rb), a last-resort maintenance page (rm). %s: the correlatedFailure block. */
    static final String LAST_RESORT = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test.}
                whenAllDown: last-resort
                targets:
                  - {id: primary, region: ra, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: rb, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
                  - id: maintenance
                    region: rm
                    lastResort: true
                    probe: {type: tcp, host: 192.0.2.9, port: 443}
                    dns: {values: [192.0.2.9]}
            safety: {correlatedFailure: {%s}}
            """;

    static Stream<Arguments> lastResorts() {
        String together = "primary fails from 30 s, secondary from 40 s: the guard's suspicion forms at 50 s, when the "
                + "first switch is proposed";
        return Stream.of(
                Arguments.of(together + "; the last resort HEALTHY: held for lastResortAfterSeconds (default 30), then "
                        + "the all-down policy", "", UP,
                        List.of("t=50 api held CORRELATED_FAILURE", "t=80 api LAST_RESORT primary->maintenance")),
                Arguments.of(together + "; lastResortAfterSeconds 0: the last resort at once",
                        "lastResortAfterSeconds: 0",
                        UP, List.of("t=50 api LAST_RESORT primary->maintenance")),
                Arguments.of(together + "; the last resort down too: nothing moves, whatever the guard", "", DOWN,
                        List.of("t=50 api held NO_ELIGIBLE_TARGET", "t=60 api held NO_HEALTHY_TARGET")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lastResorts")
    void everyRegionalTargetDownReachesAHealthyLastResortDespiteTheGuard(String scenario, String correlatedFailure,
            ProbeOutcome lastResort, List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(LAST_RESORT.formatted(correlatedFailure), clock);
        assertThat(run(engine, clock, timeline(rounds(0, 200, "maintenance", lastResort, "api"),
                rounds(0, 20, "primary", UP, "api"), rounds(0, 30, "secondary", UP, "api"),
                rounds(30, 200, "primary", DOWN, "api"), rounds(40, 200, "secondary", DOWN, "api"))))
                .containsExactlyElementsOf(expected);
        if (lastResort == UP) {
            GroupView view = engine.view("api").orElseThrow();
            assertThat(view.safety().correlatedFailure()).as("the suspicion stays, and its alert with it").isNotNull();
            assertThat(view.safety().lastResortFrom()).as("the view says from when the last resort is taken")
                    .isEqualTo(view.safety().correlatedFailure().since().plus(Duration.ofSeconds(
                            correlatedFailure.isEmpty() ? 30 : 0)));
            assertThat(view.activeTarget()).isEqualTo("maintenance");
        }
    }

    // ---- fresh, clean evidence and dependency gates ----

    static Stream<Arguments> destinations() {
        String primaryDown = "primary fails from 30 s (UNHEALTHY at 50 s)";
        return Stream.of(
                Arguments.of(primaryDown + "; the secondary fine: fails over to it", "",
                        timeline(rounds(0, 200, "secondary", UP, "api"), rounds(0, 200, "tertiary", UP, "api"),
                                rounds(0, 200, "secondary", "db", UP, null, "api")),
                        List.of("t=50 api FAILOVER primary->secondary")),
                Arguments.of(primaryDown + "; the secondary's latest probe failed (one failure, below the threshold of "
                        + "three): it is not chosen, the tertiary is", "",
                        timeline(rounds(0, 40, "secondary", UP, "api"), rounds(50, 50, "secondary", DOWN, "api"),
                                rounds(60, 200, "secondary", UP, "api"), rounds(0, 200, "tertiary", UP, "api"),
                                rounds(0, 200, "secondary", "db", UP, null, "api")),
                        List.of("t=50 api FAILOVER primary->tertiary")),
                Arguments.of(primaryDown + "; the secondary failing below its threshold and nothing else: hold, "
                        + "NO_ELIGIBLE_TARGET, then the secondary once it succeeds again", "",
                        timeline(rounds(0, 40, "secondary", UP, "api"), rounds(50, 50, "secondary", DOWN, "api"),
                                rounds(60, 200, "secondary", UP, "api"), rounds(0, 200, "tertiary", DOWN, "api"),
                                rounds(0, 200, "secondary", "db", UP, null, "api")),
                        List.of("t=50 api held NO_ELIGIBLE_TARGET", "t=60 api FAILOVER primary->secondary")),
                Arguments.of(primaryDown + "; the secondary's last results are 30 s old (bound 20 s): waited for, not "
                        + "chosen on old evidence, and the tertiary once they are stale", "",
                        timeline(rounds(0, 20, "secondary", UP, "api"), rounds(0, 200, "tertiary", UP, "api"),
                                rounds(0, 200, "secondary", "db", UP, null, "api")),
                        List.of("t=50 api held AWAITING_EVIDENCE", "t=60 api FAILOVER primary->tertiary")),
                Arguments.of(
                        primaryDown + "; the secondary's database is down: never moved there, the tertiary is chosen",
                        "", timeline(rounds(0, 200, "secondary", UP, "api"), rounds(0, 200, "tertiary", UP, "api"),
                                rounds(0, 200, "secondary", "db", DOWN, FailureReason.CONNECTION_REFUSED, "api")),
                        List.of("t=50 api FAILOVER primary->tertiary")),
                Arguments.of(primaryDown + "; the secondary's database is not known yet (no results): not chosen", "",
                        timeline(rounds(0, 200, "secondary", UP, "api"), rounds(0, 200, "tertiary", UP, "api")),
                        List.of("t=50 api FAILOVER primary->tertiary")),
                Arguments.of(primaryDown + "; the secondary's database down and the tertiary down: hold", "",
                        timeline(rounds(0, 200, "secondary", UP, "api"), rounds(0, 200, "tertiary", DOWN, "api"),
                                rounds(0, 200, "secondary", "db", DOWN, FailureReason.CONNECTION_REFUSED, "api")),
                        List.of("t=50 api held NO_ELIGIBLE_TARGET")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("destinations")
    void onlyAnEligibleDestinationReceivesTraffic(String scenario, String extra, List<Probe> rest,
            List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(CHAIN.formatted("    safety: {correlatedFailureGuard: false}\n" + extra), clock);
        List<Probe> all = new ArrayList<>(rest);
        all.addAll(rounds(0, 20, "primary", UP, "api"));
        all.addAll(rounds(30, 200, "primary", DOWN, "api"));
        all.addAll(rounds(0, 200, "primary", "db", UP, null, "api"));
        assertThat(run(engine, clock, timeline(all))).containsExactlyElementsOf(expected);
    }

    @Test
    void noFailbackWhileTheHigherPriorityTargetsDependencyIsDown() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(CHAIN.formatted("    failback: {holdDownSeconds: 30}\n"
                + "    thresholds: {minDwellSeconds: 0}\n"), clock);
        List<String> seen = run(engine, clock, timeline(rounds(0, 400, "secondary", UP, "api"),
                rounds(0, 400, "secondary", "db", UP, null, "api"), rounds(0, 400, "tertiary", UP, "api"),
                rounds(0, 20, "primary", UP, "api"), rounds(30, 60, "primary", DOWN, "api"),
                rounds(70, 400, "primary", UP, "api"), rounds(0, 60, "primary", "db", UP, null, "api"),
                rounds(70, 200, "primary", "db", DOWN, FailureReason.TIMEOUT, "api"),
                rounds(210, 400, "primary", "db", UP, null, "api")));
        // the primary is HEALTHY again at 90 s and past the hold-down at 120 s, but its database is down until 230 s
        assertThat(seen).containsExactly("t=50 api FAILOVER primary->secondary",
                "t=230 api FAILBACK secondary->primary");
        assertThat(engine.view("api").orElseThrow().targets().get(0).dependencies()).singleElement()
                .satisfies(d -> assertThat(d.health()).hasToString("HEALTHY"));
    }

    @Test
    void aResultOfADependencyTheTargetDoesNotHaveIsIgnored() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(CHAIN.formatted(""), clock);
        Outcome outcome = engine
                .onProbeResult(ProbeResult.of("api", "tertiary", "rc", "loc-a", T0, UP).durationMillis(5L)
                        .dependency("db").build());
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Ignored.class,
                i -> assertThat(i.reason()).isEqualTo(Outcome.IgnoreReason.UNKNOWN_DEPENDENCY));
    }

    // ---- failure classes ----

    static Stream<Arguments> failureClasses() {
        return Stream.of(
                Arguments.of("default: a TLS error counts towards DOWN, as in Route 53", "", FailureReason.TLS_ERROR,
                        List.of("t=50 api FAILOVER primary->secondary")),
                Arguments.of("TLS_ERROR alert-only: the primary stays",
                        "    safety: {failureClasses: {TLS_ERROR: alert-only}}\n",
                        FailureReason.TLS_ERROR, List.of()),
                Arguments.of("TLS_ERROR and TOO_SLOW alert-only: a refused connection still counts",
                        "    safety: {failureClasses: {TLS_ERROR: alert-only, TOO_SLOW: alert-only}}\n",
                        FailureReason.CONNECTION_REFUSED, List.of("t=50 api FAILOVER primary->secondary")),
                Arguments.of("TOO_SLOW alert-only: the primary stays",
                        "    safety: {failureClasses: {TOO_SLOW: alert-only, TLS_ERROR: down}}\n",
                        FailureReason.TOO_SLOW,
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failureClasses")
    void failureClassesDecideWhatCountsTowardsDown(String scenario, String extra, FailureReason reason,
            List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(CHAIN.formatted(extra), clock);
        List<String> seen = run(engine, clock, timeline(rounds(0, 200, "secondary", UP, "api"),
                rounds(0, 200, "secondary", "db", UP, null, "api"), rounds(0, 200, "tertiary", UP, "api"),
                rounds(0, 20, "primary", UP, "api"), rounds(30, 200, "primary", null, DOWN, reason, "api")));
        assertThat(seen).containsExactlyElementsOf(expected);
        if (expected.isEmpty()) {
            GroupView.TargetView primary = engine.view("api").orElseThrow().targets().get(0);
            assertThat(primary.health()).hasToString("HEALTHY");
            assertThat(primary.locations()).extracting(GroupView.LocationView::alertOnlyFailure).containsOnly(reason);
        }
    }

    // ---- switch budgets ----

    @Test
    void theGroupsDailyBudgetHoldsTheNextSwitchUntilAnOperatorResumes() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(CHAIN.formatted("""
                    thresholds: {minDwellSeconds: 0, maxSwitchesPerHour: 20}
                    safety: {maxSwitchesPerDay: 2, correlatedFailureGuard: false}
                """), clock);
        List<Probe> flapping = new ArrayList<>(rounds(0, 20, "primary", UP, "api"));
        flapping.addAll(rounds(0, 370, "primary", "db", UP, null, "api"));
        flapping.addAll(rounds(0, 370, "secondary", "db", UP, null, "api"));
        flapping.addAll(rounds(0, 370, "tertiary", DOWN, "api"));
        flapping.addAll(rounds(0, 20, "secondary", UP, "api"));
        for (int phase = 0; phase < 3; phase++) { // primary, secondary, primary fail in turn, every 120 s
            int from = 30 + phase * 120;
            flapping.addAll(rounds(from, from + 110, phase % 2 == 0 ? "primary" : "secondary", DOWN, "api"));
            flapping.addAll(rounds(from, from + 110, phase % 2 == 0 ? "secondary" : "primary", UP, "api"));
        }
        List<String> seen = run(engine, clock, timeline(flapping));
        assertThat(seen).filteredOn(s -> s.contains("FAILOVER")).hasSize(2);
        assertThat(seen).contains("t=290 api held SWITCH_BUDGET");
        assertThat(engine.view("api").orElseThrow().safety().switchesLast24h()).isEqualTo(2);

        CommandOutcome resumed = engine.apply(new Command.Resume("api", "reviewed the switches", "dave"));

        // the primary has been failing since 270 s: the held failover to the secondary happens now
        assertThat(resumed).isInstanceOfSatisfying(CommandOutcome.Accepted.class,
                a -> assertThat(a.decisions()).extracting(Decision::toTarget).containsExactly("secondary"));
    }

    /** Three regions' groups and a global budget of one automatic switch a day. */
    static final String ONE_SWITCH_A_DAY = THREE_REGIONS.formatted("safety: {maxSwitchesPerDay: 1}\n");

    /** Region a fails at 30 s: ab and ac would both switch. */
    static List<String> regionAFails(DecisionEngine engine, ManualClock clock) {
        return run(engine, clock, timeline(region("b", 0, 300, UP), region("c", 0, 300, UP), region("a", 0, 20, UP),
                region("a", 30, 300, DOWN)));
    }

    @Test
    void theGlobalDailyBudgetHoldsEveryGroupOnceSpent() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(ONE_SWITCH_A_DAY, clock);
        List<String> seen = regionAFails(engine, clock);
        assertThat(seen).filteredOn(s -> s.contains("FAILOVER")).hasSize(1);
        assertThat(seen).filteredOn(s -> s.contains("held SWITCH_BUDGET")).hasSize(1);
        assertThat(engine.view("ab").orElseThrow().safety().allMaxSwitchesPerDay()).isEqualTo(1);
        // every group's view shows the fleet's one switch (counted once a second for all views, not once a view)
        assertThat(engine.groupIds())
                .allSatisfy(g -> assertThat(engine.view(g).orElseThrow().safety().allSwitchesLast24h())
                        .as("the fleet's switches in the view of %s", g).isEqualTo(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.view("ab").orElseThrow().safety().allSwitchesLast24h()).isEqualTo(1);
    }

    /**
     * The switches FleetGuards counts are a bound, not the count: a resume resets the group's switches without touching
     * it, and the next switch goes through on the exact count.
     */
    @Test
    void aResumeAfterTheGlobalBudgetWasSpentLetsTheNextSwitchThrough() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(ONE_SWITCH_A_DAY, clock);
        List<String> seen = regionAFails(engine, clock);
        String switched = seen.stream().filter(line -> line.contains(" FAILOVER")).map(line -> line.split(" ")[1])
                .findFirst().orElseThrow();
        String held = switched.equals("ab") ? "ac" : "ab";
        assertThat(seen).anyMatch(line -> line.endsWith(held + " held SWITCH_BUDGET"));

        assertThat(engine.apply(new Command.Resume(switched, "reviewed the switch", "dave")))
                .isInstanceOf(CommandOutcome.Accepted.class);
        List<String> after = run(engine, clock, timeline(region("b", 310, 400, UP), region("c", 310, 400, UP),
                region("a", 310, 400, DOWN)));
        assertThat(after).as("the held group once the fleet's count is below the budget again")
                .anyMatch(line -> line.contains(held + " FAILOVER"));
    }

    /**
     * The global budget is asked without summing every group (FleetGuards counts the switches it made and restored): a
     * switch that a new owner restores with a group's state spends it as one made here does.
     */
    @Test
    void aRestoredSwitchSpendsTheGlobalBudgetToo() {
        ManualClock before = new ManualClock(T0);
        DecisionEngine previousOwner = engine(ONE_SWITCH_A_DAY, before);
        List<String> first = regionAFails(previousOwner, before);
        String switched = previousOwner.groupIds().stream()
                .filter(g -> first.stream().anyMatch(line -> line.contains(g + " FAILOVER"))).findFirst().orElseThrow();

        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(ONE_SWITCH_A_DAY, clock);
        engine.handover().restore(previousOwner.snapshot(switched).orElseThrow());
        List<String> seen = regionAFails(engine, clock);
        assertThat(seen).as("switches after the restored one spent the budget")
                .noneMatch(line -> line.contains("FAILOVER"));
        assertThat(seen).anyMatch(line -> line.contains("held SWITCH_BUDGET"));
    }
}
