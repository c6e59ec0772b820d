package dev.failover.decision.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationImpairment;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.model.Outcome;

/** The decision core, table-driven: a timeline of probe results in, the switches it makes out. */
class DecisionEngineTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final String[] ALL = { "loc-a", "loc-b", "loc-c" };

    static final String TOPOLOGY = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test.}
                targets:
                  - id: primary
                    region: us-east-1
                    probe: {type: tcp, host: 192.0.2.1, port: 443}
                    dns: {values: [192.0.2.1]}
                  - id: secondary
                    region: us-west-2
                    probe: {type: tcp, host: 192.0.2.2, port: 443}
                    dns: {values: [192.0.2.2]}
                  - id: maintenance
                    region: global
                    lastResort: true
                    probe: {type: tcp, host: 192.0.2.3, port: 443}
                    dns: {values: [192.0.2.3]}
                whenAllDown: %s
                mode: %s
            %s""";

    /** One probe result: at second {@code at} after T0, from {@code location}, about {@code target}. */
    record Probe(int at, String target, String location, ProbeOutcome outcome, boolean impaired) {
    }

    /** A step of a timeline: one round of results at second {@code at}. */
    static List<Probe> round(int at, String target, ProbeOutcome outcome, String... locations) {
        return Stream.of(locations).map(l -> new Probe(at, target, l, outcome, false)).toList();
    }

    /** Rounds every 10 s from {@code from} to {@code to} inclusive. */
    static List<Probe> rounds(int from, int to, String target, ProbeOutcome outcome, String... locations) {
        List<Probe> probes = new ArrayList<>();
        for (int at = from; at <= to; at += 10) {
            probes.addAll(round(at, target, outcome, locations));
        }
        return probes;
    }

    @SafeVarargs
    static List<Probe> timeline(List<Probe>... parts) {
        return Stream.of(parts).flatMap(List::stream).sorted(java.util.Comparator.comparingInt(Probe::at)).toList();
    }

    static final ProbeOutcome UP = ProbeOutcome.UP;
    static final ProbeOutcome DOWN = ProbeOutcome.DOWN;
    static final ProbeOutcome UNKNOWN = ProbeOutcome.UNKNOWN;

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("primary DOWN at every location: fail over once a quorum agrees", "hold",
                        timeline(rounds(0, 100, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 100, "primary", DOWN, ALL)),
                        List.of("t=50 FAILOVER primary->secondary epoch=1")),
                Arguments.of("one location partitioned (all its results DOWN): no switch", "hold",
                        timeline(rounds(0, 300, "secondary", UP, ALL), rounds(0, 300, "primary", UP, "loc-b", "loc-c"),
                                rounds(0, 300, "primary", DOWN, "loc-a")),
                        List.of()),
                Arguments.of("two failures then a success never reach the threshold of three", "hold",
                        timeline(rounds(0, 300, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 40, "primary", DOWN, ALL), rounds(50, 50, "primary", UP, ALL),
                                rounds(60, 70, "primary", DOWN, ALL), rounds(80, 300, "primary", UP, ALL)),
                        List.of()),
                Arguments.of("secondary not HEALTHY: hold on the broken primary rather than switch to it", "hold",
                        timeline(rounds(0, 200, "secondary", DOWN, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 200, "primary", DOWN, ALL), rounds(0, 200, "maintenance", UP, ALL)),
                        List.of()),
                Arguments.of("all down with policy last-resort: switch to the maintenance target", "last-resort",
                        timeline(rounds(0, 200, "secondary", DOWN, ALL), rounds(0, 90, "primary", UP, ALL),
                                rounds(100, 200, "primary", DOWN, ALL), rounds(0, 200, "maintenance", UP, ALL)),
                        List.of("t=120 LAST_RESORT primary->maintenance epoch=1")),
                Arguments.of("primary and secondary (two regions) begin failing together, policy last-resort: the "
                        + "correlated-failure guard holds for lastResortAfterSeconds (30 s from its suspicion at 50 s), "
                        + "then the HEALTHY last resort (it held for ever before)", "last-resort",
                        timeline(rounds(0, 200, "secondary", DOWN, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 200, "primary", DOWN, ALL), rounds(0, 200, "maintenance", UP, ALL)),
                        List.of("t=80 LAST_RESORT primary->maintenance epoch=1")),
                Arguments.of("quorum lost (only one location reports): hold", "hold",
                        timeline(rounds(0, 200, "secondary", UP, ALL), rounds(0, 200, "primary", DOWN, "loc-a")),
                        List.of()),
                Arguments.of("locations that report themselves impaired are left out of the quorum", "hold",
                        timeline(rounds(0, 200, "secondary", UP, ALL), rounds(0, 200, "primary", UP, "loc-c"),
                                impaired(rounds(0, 200, "primary", DOWN, "loc-a", "loc-b"))),
                        List.of()),
                Arguments.of(
                        "locations that cannot probe on time (UNKNOWN) are left out of the quorum, never counted as failing",
                        "hold",
                        timeline(rounds(0, 200, "secondary", UP, ALL), rounds(0, 200, "primary", UP, "loc-c"),
                                rounds(0, 200, "primary", UNKNOWN, "loc-a", "loc-b")),
                        List.of()),
                Arguments.of(
                        "an UNKNOWN round is neither a failure nor a success: the failure count carries on past it",
                        "hold",
                        timeline(rounds(0, 100, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 30, "primary", DOWN, ALL), rounds(40, 40, "primary", UNKNOWN, ALL),
                                rounds(50, 100, "primary", DOWN, ALL)),
                        List.of("t=60 FAILOVER primary->secondary epoch=1")));
    }

    static List<Probe> impaired(List<Probe> probes) {
        return probes.stream().map(p -> new Probe(p.at(), p.target(), p.location(), p.outcome(), true)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void switchesExactlyAsTheRulesSay(String name, String whenAllDown, List<Probe> timeline, List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        assertThat(run(engine(whenAllDown, "live", clock), clock, timeline)).isEqualTo(expected);
    }

    @Test
    void dwellTimeHoldsTheSwitchBackUntilItHasPassed() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        List<Probe> timeline = timeline(
                rounds(0, 20, "primary", UP, ALL), rounds(30, 60, "primary", DOWN, ALL),
                rounds(70, 300, "primary", UP, ALL),
                rounds(0, 70, "secondary", UP, ALL), rounds(80, 300, "secondary", DOWN, ALL));
        // secondary fails at 100 s (third failure), only 50 s after the failover at 50 s: held until 110 s
        assertThat(run(engine, clock, timeline)).containsExactly(
                "t=50 FAILOVER primary->secondary epoch=1",
                "t=110 FAILOVER secondary->primary epoch=2");
    }

    @Test
    void shadowGroupsPublishShadowDecisions() {
        ManualClock clock = new ManualClock(T0);
        List<Decision> decisions = new ArrayList<>();
        DecisionEngine engine = engine("hold", "shadow", clock);
        for (Probe p : timeline(rounds(0, 100, "secondary", UP, ALL), rounds(0, 100, "primary", DOWN, ALL))) {
            clock.set(T0.plusSeconds(p.at()));
            if (engine.onProbeResult(result(p)) instanceof Outcome.Switched s) {
                decisions.add(s.decision());
            }
        }
        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0).mode()).isEqualTo(DecisionMode.SHADOW);
        assertThat(decisions.get(0).evidence()).isNotEmpty();
    }

    @Test
    void resultsFromTheFutureOrTooOldAreIgnored() {
        ManualClock clock = new ManualClock(T0.plusSeconds(1000));
        DecisionEngine engine = engine("hold", "live", clock);
        Outcome future = engine.onProbeResult(result(new Probe(1010, "primary", "loc-a", DOWN, false)));
        assertThat(future).isInstanceOfSatisfying(Outcome.Ignored.class,
                i -> assertThat(i.reason()).isEqualTo(Outcome.IgnoreReason.FROM_THE_FUTURE));
        Outcome withinSkew = engine.onProbeResult(result(new Probe(1004, "primary", "loc-a", DOWN, false)));
        assertThat(withinSkew).isNotInstanceOf(Outcome.Ignored.class);
        Outcome stale = engine.onProbeResult(result(new Probe(960, "primary", "loc-a", DOWN, false)));
        assertThat(stale).isInstanceOfSatisfying(Outcome.Ignored.class,
                i -> assertThat(i.reason()).isEqualTo(Outcome.IgnoreReason.STALE));
    }

    @Test
    void unknownGroupsTargetsAndLocationsAreIgnored() {
        DecisionEngine engine = engine("hold", "live", new ManualClock(T0));
        ProbeResult good = result(new Probe(0, "primary", "loc-a", UP, false));
        assertThat(((Outcome.Ignored) engine.onProbeResult(copy(good, "nope", "primary", "loc-a"))).reason())
                .isEqualTo(Outcome.IgnoreReason.UNKNOWN_GROUP);
        assertThat(((Outcome.Ignored) engine.onProbeResult(copy(good, "api", "nope", "loc-a"))).reason())
                .isEqualTo(Outcome.IgnoreReason.UNKNOWN_TARGET);
        assertThat(((Outcome.Ignored) engine.onProbeResult(copy(good, "api", "primary", "loc-z"))).reason())
                .isEqualTo(Outcome.IgnoreReason.UNKNOWN_LOCATION);
    }

    @Test
    void quorumLostIsReportedAsAHoldNotSilence() {
        DecisionEngine engine = engine("hold", "live", new ManualClock(T0));
        Outcome outcome = engine.onProbeResult(result(new Probe(0, "primary", "loc-a", DOWN, false)));
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Held.class,
                h -> assertThat(h.reason()).isEqualTo(Outcome.HoldReason.QUORUM_LOST));
    }

    static DecisionEngine engine(String whenAllDown, String mode, ManualClock clock) {
        return engine(whenAllDown, mode, "", clock);
    }

    /** {@code extra}: more keys of the group, indented by four spaces, e.g. "    failback: {holdDownSeconds: 0}\n". */
    static DecisionEngine engine(String whenAllDown, String mode, String extra, ManualClock clock) {
        Topology topology = topology(whenAllDown, mode, extra);
        AtomicInteger ids = new AtomicInteger();
        return Engines.minimal(topology, clock, () -> "d-" + ids.incrementAndGet());
    }

    /** The topology {@link #engine(String, String, String, ManualClock)} decides. */
    static Topology topology(String whenAllDown, String mode, String extra) {
        return TopologyLoader.parse(TOPOLOGY.formatted(whenAllDown, mode, extra), "test");
    }

    static List<String> run(DecisionEngine engine, ManualClock clock, List<Probe> timeline) {
        List<String> switches = new ArrayList<>();
        for (Probe p : timeline) {
            clock.set(T0.plusSeconds(p.at()));
            if (engine.onProbeResult(result(p)) instanceof Outcome.Switched s) {
                Decision d = s.decision();
                switches.add("t=" + p.at() + " " + d.kind() + " " + d.fromTarget() + "->" + d.toTarget() + " epoch="
                        + d.epoch());
            }
        }
        return switches;
    }

    static ProbeResult result(Probe p) {
        return ProbeResult.of("api", p.target(), "region", p.location(), T0.plusSeconds(p.at()), p.outcome())
                .durationMillis(5L).failureReason(p.outcome() == DOWN ? FailureReason.CONNECTION_REFUSED : null)
                .locationImpaired(p.impaired())
                .impairment(p.outcome() == UNKNOWN ? LocationImpairment.LATE_START : null)
                .build();
    }

    static ProbeResult copy(ProbeResult r, String group, String target, String location) {
        return ProbeResult.of(group, target, r.targetRegion(), location, r.startedAt(), r.outcome())
                .durationMillis(r.durationMillis()).failureReason(r.failureReason()).build();
    }
}
