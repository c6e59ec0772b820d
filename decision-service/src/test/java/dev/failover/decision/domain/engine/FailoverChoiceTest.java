package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.ALL;
import static dev.failover.decision.domain.engine.DecisionEngineTest.DOWN;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.result;
import static dev.failover.decision.domain.engine.DecisionEngineTest.rounds;
import static dev.failover.decision.domain.engine.DecisionEngineTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngineTest.Probe;
import dev.failover.decision.domain.model.Outcome;

/**
 * Which target a failover picks when the evidence about the candidates is still forming, as it is right after an instance
 * takes a group over (a region was lost with its decision-service in it) and starts every tracker from nothing. Chain
 * order wins: a higher-priority candidate on its way to HEALTHY is waited for rather than skipped, so a region loss
 * makes one DNS change, not a failover to the third region and a failback to the second one later.
 */
class FailoverChoiceTest {

    /** The guard is off: this table is about chain order; two regions failing together is CorrelatedFailureGuardTest's. */
    static final String TOPOLOGY = """
            version: 1
            locations: [loc-a, loc-b, loc-c]
            groups:
              - id: api
                dns: {zone: example.test., name: api.example.test.}
                targets:
                  - {id: primary, region: a, probe: {type: tcp, host: 192.0.2.1, port: 443}, dns: {values: [192.0.2.1]}}
                  - {id: secondary, region: b, probe: {type: tcp, host: 192.0.2.2, port: 443}, dns: {values: [192.0.2.2]}}
                  - {id: tertiary, region: c, probe: {type: tcp, host: 192.0.2.3, port: 443}, dns: {values: [192.0.2.3]}}
                whenAllDown: hold
                failback: {mode: manual}
                safety: {correlatedFailureGuard: false}
            """;

    /** Every timeline: the primary fails at every location from 0 s (DOWN at 20 s, the third failure). */
    static Stream<Arguments> choices() {
        return Stream.of(
                Arguments.of(
                        "secondary on its way to HEALTHY (two of three successes at 20 s): wait for it, not the tertiary",
                        timeline(rounds(0, 60, "tertiary", UP, ALL), rounds(10, 60, "secondary", UP, ALL)),
                        List.of("t=20 held AWAITING_EVIDENCE", "t=30 FAILOVER primary->secondary epoch=1")),
                Arguments.of("secondary HEALTHY already: fail over at once",
                        timeline(rounds(0, 60, "tertiary", UP, ALL), rounds(0, 60, "secondary", UP, ALL)),
                        List.of("t=20 FAILOVER primary->secondary epoch=1")),
                Arguments.of("secondary's streak breaks while waited for: the tertiary, at once",
                        timeline(rounds(0, 60, "tertiary", UP, ALL), rounds(10, 20, "secondary", UP, ALL),
                                rounds(30, 60, "secondary", DOWN, ALL)),
                        List.of("t=20 held AWAITING_EVIDENCE", "t=30 FAILOVER primary->tertiary epoch=1")),
                Arguments.of("no location reports the secondary at all: nothing to wait for, the tertiary at once",
                        timeline(rounds(0, 60, "tertiary", UP, ALL)),
                        List.of("t=20 FAILOVER primary->tertiary epoch=1")),
                Arguments.of(
                        "only one location (less than the quorum of two) can see the secondary: the tertiary at once",
                        timeline(rounds(0, 60, "tertiary", UP, ALL), rounds(0, 60, "secondary", UP, "loc-a")),
                        List.of("t=20 FAILOVER primary->tertiary epoch=1")),
                Arguments.of(
                        "secondary on a streak at two locations, the third lost with its region: wait, then the secondary",
                        timeline(rounds(0, 60, "tertiary", UP, ALL), rounds(10, 60, "secondary", UP, "loc-b", "loc-c")),
                        List.of("t=20 held AWAITING_EVIDENCE", "t=30 FAILOVER primary->secondary epoch=1")),
                Arguments.of("secondary falls silent while waited for: waited on only until its results are stale",
                        timeline(rounds(0, 90, "tertiary", UP, ALL), rounds(10, 20, "secondary", UP, ALL)),
                        // the last secondary result (20 s) is stale after three intervals: later than 50 s
                        List.of("t=20 held AWAITING_EVIDENCE", "t=60 FAILOVER primary->tertiary epoch=1")),
                Arguments.of("nothing else HEALTHY and nothing forming: hold as before, NO_HEALTHY_TARGET",
                        timeline(rounds(0, 60, "tertiary", DOWN, ALL), rounds(0, 60, "secondary", DOWN, ALL)),
                        List.of("t=20 held NO_HEALTHY_TARGET")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("choices")
    void aFailoverWaitsForAHigherPriorityTargetWhoseEvidenceIsForming(String name, List<Probe> candidates,
            List<String> expected) {
        ManualClock clock = new ManualClock(T0);
        AtomicInteger ids = new AtomicInteger();
        DecisionEngine engine = Engines.minimal(TopologyLoader.parse(TOPOLOGY, "test"), clock,
                () -> "d-" + ids.incrementAndGet());
        List<Probe> probes = new ArrayList<>(candidates);
        probes.addAll(rounds(0, 90, "primary", DOWN, ALL));
        assertThat(firstOfEachKind(engine, clock, timeline(probes))).isEqualTo(expected);
    }

    /** Switches, and the first hold of each reason while the primary is UNHEALTHY, as "t=<s> ...". */
    private static List<String> firstOfEachKind(DecisionEngine engine, ManualClock clock, List<Probe> timeline) {
        List<String> seen = new ArrayList<>();
        List<Outcome.HoldReason> holds = new ArrayList<>();
        for (Probe p : timeline) {
            clock.set(T0.plusSeconds(p.at()));
            Outcome outcome = engine.onProbeResult(result(p));
            if (outcome instanceof Outcome.Switched s) {
                Decision d = s.decision();
                seen.add("t=" + p.at() + " " + d.kind() + " " + d.fromTarget() + "->" + d.toTarget() + " epoch="
                        + d.epoch());
            } else if (outcome instanceof Outcome.Held h && h.reason() != Outcome.HoldReason.QUORUM_LOST
                    && !holds.contains(h.reason())) {
                holds.add(h.reason());
                seen.add("t=" + p.at() + " held " + h.reason());
            }
        }
        return seen;
    }
}
