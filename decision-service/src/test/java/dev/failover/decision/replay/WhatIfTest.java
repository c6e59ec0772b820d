package dev.failover.decision.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.contract.whatif.WhatIfReport;
import dev.failover.contract.whatif.WhatIfReport.GroupComparison;
import dev.failover.contract.whatif.WhatIfReport.Incident;
import dev.failover.contract.whatif.WhatIfText;

/**
 * The what-if over a recorded history with known incidents (the sample topology: 3 locations, results every second,
 * 3 failures to DOWN, a majority quorum): a primary that blips twice for 2 s, a location that loses the primary for two
 * minutes while the others see it up (a partition), and a real outage of three minutes. A lower threshold or quorum
 * buys false failovers; a higher threshold detects the outage later. Each expectation is the consequence of the recorded
 * results and the thresholds, not a number read off a run.
 */
class WhatIfTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final List<String> LOCATIONS = List.of("loc-a", "loc-b", "loc-c");
    /** The real outage: every location sees the primary down from here for 180 s. */
    static final int OUTAGE = 1000;

    static final Topology CURRENT = TopologyLoader.load(Path.of("../config/failover.yaml"));

    /** 1,400 s of results, one per second per location per target. */
    static List<ProbeResult> history() {
        List<ProbeResult> results = new ArrayList<>();
        for (int at = 0; at < 1400; at++) {
            for (String location : LOCATIONS) {
                results.add(result("secondary", location, at, ProbeOutcome.UP));
                results.add(
                        result("primary", location, at, primaryAt(location, at) ? ProbeOutcome.UP : ProbeOutcome.DOWN));
            }
        }
        return results;
    }

    /** Whether {@code location} sees the primary up at second {@code at}. */
    static boolean primaryAt(String location, int at) {
        boolean blip = (at >= 100 && at < 102) || (at >= 300 && at < 302); // two 2-second blips everywhere
        boolean partition = location.equals("loc-c") && at >= 500 && at < 620; // loc-c alone loses the primary
        boolean outage = at >= OUTAGE && at < OUTAGE + 180;
        return !(blip || partition || outage);
    }

    static ProbeResult result(String target, String location, int at, ProbeOutcome outcome) {
        return ProbeResult.of("demo-api", target, "r", location, T0.plusSeconds(at), outcome).durationMillis(20L)
                .failureReason(outcome == ProbeOutcome.DOWN ? FailureReason.TIMEOUT : null).build();
    }

    static GroupComparison compare(Map<String, String> overrides) {
        Topology proposed = Replay.withOverrides(CURRENT, new java.util.HashMap<>(overrides));
        WhatIfReport report = WhatIf.compare(CURRENT, proposed, history(), Optional.empty(), Duration.ofSeconds(120));
        assertThat(report.groups()).hasSize(1);
        return report.groups().get(0);
    }

    @Test
    void theCurrentPolicyFailsOverOnlyForTheOutageAndDetectsItAtTheThirdFailure() {
        GroupComparison g = compare(Map.of());
        assertThat(g.changes()).isEmpty();
        assertThat(g.current().decisions()).extracting(WhatIfReport.SwitchEntry::kind)
                .containsExactly(DecisionKind.FAILOVER, DecisionKind.FAILBACK);
        assertThat(g.current().falseFailovers()).isZero();
        Incident outage = outage(g);
        // the third failed result at OUTAGE+2, handled on arrival 20 ms later
        assertThat(outage.currentDetectionMs()).isEqualTo(2_020L);
        assertThat(g.differences()).isEmpty();
        assertThat(g.blips()).as("the two 2-second blips").isEqualTo(2);
    }

    @Test
    void fewerFailuresToDownBuyFalseFailoversOnTheBlips() {
        GroupComparison g = compare(Map.of("failures-to-down", "2"));
        assertThat(g.changes()).containsExactly("failuresToDown: 3 -> 2");
        assertThat(g.proposed().falseFailovers()).as("one per blip").isEqualTo(2);
        assertThat(g.current().falseFailovers()).isZero();
        assertThat(outage(g).proposedDetectionMs()).as("one failure sooner").isEqualTo(1_020L);
        assertThat(g.differences()).allSatisfy(d -> assertThat(d.onlyIn()).isEqualTo(WhatIfReport.Policy.PROPOSED));
        assertThat(g.differences()).filteredOn(d -> d.decision().falseFailover()).hasSize(2)
                .allSatisfy(d -> assertThat(d.decision().rulePath()).isNotEmpty());
        // the blips were acted on, so they are listed as incidents now
        assertThat(g.incidents()).hasSize(3);
    }

    @Test
    void moreFailuresToDownDetectTheOutageLater() {
        GroupComparison g = compare(Map.of("failures-to-down", "5"));
        assertThat(outage(g).currentDetectionMs()).isEqualTo(2_020L);
        assertThat(outage(g).proposedDetectionMs()).isEqualTo(4_020L);
        assertThat(g.proposed().falseFailovers()).isZero();
        assertThat(g.proposed().worstDetectionMs()).isGreaterThan(g.current().worstDetectionMs());
    }

    @Test
    void aQuorumOfOneFailsOverOnAPartitionedLocation() {
        GroupComparison g = compare(Map.of("quorum", "1"));
        assertThat(g.proposed().decisions()).filteredOn(s -> s.kind() == DecisionKind.FAILOVER)
                .anySatisfy(s -> {
                    assertThat(s.at()).isBetween(T0.plusSeconds(500), T0.plusSeconds(510));
                    assertThat(s.falseFailover()).as("two of three locations saw the primary up").isTrue();
                });
        assertThat(g.current().decisions()).noneMatch(s -> s.at().isBefore(T0.plusSeconds(OUTAGE)));
    }

    /**
     * A flapping primary: for two minutes every location sees it down two seconds, up two seconds. The current policy's
     * flap guard (5 changes in 20 results) holds it, neither left nor trusted; a proposal that fails over on the second
     * failure with the flap guard off (0) fails over on the first flap, falsely.
     */
    @Test
    void aFlappingPrimaryIsHeldByTheFlapGuardAndAProposalWithoutItFailsOverFalsely() {
        List<ProbeResult> results = new ArrayList<>();
        for (int at = 0; at < 400; at++) {
            boolean down = at >= 100 && at < 220 && (at - 100) % 4 < 2;
            for (String location : LOCATIONS) {
                results.add(result("secondary", location, at, ProbeOutcome.UP));
                results.add(result("primary", location, at, down ? ProbeOutcome.DOWN : ProbeOutcome.UP));
            }
        }
        Topology proposed = Replay.withOverrides(CURRENT, new java.util.HashMap<>(Map.of("failures-to-down", "2",
                "flap-transitions", "0")));
        GroupComparison g = WhatIf.compare(CURRENT, proposed, results, Optional.empty(), Duration.ofSeconds(30))
                .groups().get(0);
        assertThat(g.current().flapHolds()).as("the current policy holds the flapping primary").isPositive();
        assertThat(g.current().failovers()).isZero();
        assertThat(g.proposed().flapHolds()).isZero();
        // it fails over on the first flap and stays: the primary never has 3 successes in a row until the flapping ends
        assertThat(g.proposed().falseFailovers()).as("its failover on a flap is false").isEqualTo(1)
                .isEqualTo(g.proposed().failovers());
    }

    @Test
    void theSameInputGivesTheSameOutput() {
        Topology proposed = Replay.withOverrides(CURRENT, new java.util.HashMap<>(Map.of("failures-to-down", "2")));
        List<ProbeResult> shuffled = new ArrayList<>(history());
        java.util.Collections.shuffle(shuffled, new java.util.Random(57));
        String a = EventCodec.instance()
                .encode(WhatIf.compare(CURRENT, proposed, history(), Optional.empty(), Duration.ofSeconds(120)));
        String b = EventCodec.instance()
                .encode(WhatIf.compare(CURRENT, proposed, shuffled, Optional.empty(), Duration.ofSeconds(120)));
        assertThat(b).isEqualTo(a);
    }

    @Test
    void theTextAndThePictureShowBothPolicies() {
        Topology proposed = Replay.withOverrides(CURRENT, new java.util.HashMap<>(Map.of("failures-to-down", "2")));
        WhatIfReport report = WhatIf.compare(CURRENT, proposed, history(), Optional.empty(), Duration.ofSeconds(120));
        assertThat(WhatIfText.render(report)).contains("Group demo-api: failuresToDown: 3 -> 2")
                .contains("false failovers (old target up within 120 s)").contains("only proposed:")
                .contains("Limits:");
        assertThat(report.picture()).startsWith("<svg").contains("primary @ loc-c").contains("proposed policy")
                .contains("(false failover)");
    }

    @Test
    void aGroupFilterLeavesTheOthersOut() {
        WhatIfReport report = WhatIf.compare(CURRENT, CURRENT, history(), Optional.of("other"),
                Duration.ofSeconds(120));
        assertThat(report.groups()).isEmpty();
        assertThat(report.results()).isZero();
    }

    /**
     * Seen in the demo: the proposed policy's second FAILOVER (on a blip, 70 s after the outage's) paired with the current
     * policy's one FAILOVER too, and "both policies make the same switches" was printed beside 2 and 3 switches.
     */
    @Test
    void aSwitchPairsWithAtMostOneOfTheOtherPolicy() {
        WhatIfReport.SwitchEntry failover = entry(0, DecisionKind.FAILOVER, "primary", "secondary");
        WhatIfReport.SwitchEntry failback = entry(20, DecisionKind.FAILBACK, "secondary", "primary");
        WhatIfReport.SwitchEntry blip = entry(70, DecisionKind.FAILOVER, "primary", "secondary");
        assertThat(WhatIf.differences(List.of(failover, failback), List.of(failover, failback, blip)))
                .containsExactly(new WhatIfReport.Difference(WhatIfReport.Policy.PROPOSED, blip));
        assertThat(WhatIf.differences(List.of(failover, blip), List.of(failover)))
                .containsExactly(new WhatIfReport.Difference(WhatIfReport.Policy.CURRENT, blip));
        assertThat(WhatIf.differences(List.of(failover),
                List.of(entry(301, DecisionKind.FAILOVER, "primary", "secondary"))))
                .as("more than five minutes apart: two different switches").hasSize(2);
    }

    static WhatIfReport.SwitchEntry entry(int at, DecisionKind kind, String from, String to) {
        return new WhatIfReport.SwitchEntry(T0.plusSeconds(at), kind, from, to, false, List.of(), "");
    }

    /**
     * The threshold options changed the thresholds and dropped the rest: a group's safety rules (its switch budget, its
     * failure classes), its ARC routing, and the topology's own safety and observers came back as defaults, so a
     * what-if of "--failures-to-down 2" compared against a policy that also had another switch budget.
     */
    @Test
    void thresholdOptionsKeepEverythingElseOfTheTopology() {
        Topology topology = TopologyLoader.parse("""
                version: 1
                locations: [loc-a, loc-b, loc-c]
                safety: {maxSwitchesPerDay: 40}
                groups:
                  - id: demo-api
                    dns: {zone: failover.test., name: api.failover.test., type: A, ttl: 5}
                    targets:
                      - id: primary
                        region: us-east-1
                        probe: {type: http, url: "http://127.0.0.1:1/health", intervalSeconds: 1, timeoutMillis: 900}
                        dns: {values: [192.0.2.10]}
                      - id: secondary
                        region: us-west-2
                        probe: {type: http, url: "http://127.0.0.1:2/health", intervalSeconds: 1, timeoutMillis: 900}
                        dns: {values: [192.0.2.20]}
                    safety: {maxSwitchesPerDay: 2, freshEvidenceIntervals: 4}
                """, "test");
        Topology changed = Replay.withOverrides(topology, new java.util.HashMap<>(Map.of("failures-to-down", "2")));
        assertThat(changed.groups().get(0).thresholds().failuresToDown()).isEqualTo(2);
        assertThat(changed.groups().get(0).safety()).isEqualTo(topology.groups().get(0).safety());
        assertThat(changed.safety()).isEqualTo(topology.safety());
        assertThat(changed.observers()).isEqualTo(topology.observers());
    }

    /** A viewer's what-if cannot fill the decision-service's heap: a quarter of it at most. */
    @Test
    void theCapIsTheConfiguredOneAndNoMoreThanAQuarterOfTheHeap() {
        assertThat(RecordedResults.cap(1_000_000, 256L * 1024 * 1024)).isEqualTo(268_435);
        assertThat(RecordedResults.cap(10_000, 256L * 1024 * 1024)).isEqualTo(10_000);
        assertThat(RecordedResults.cap(1_000_000, 8L * 1024 * 1024 * 1024)).isEqualTo(1_000_000);
    }

    static Incident outage(GroupComparison g) {
        return g.incidents().stream().filter(i -> i.start().equals(T0.plusSeconds(OUTAGE))).findFirst().orElseThrow();
    }
}
