package dev.failover.decision.domain.engine;

import static dev.failover.contract.event.ProbeOutcome.DOWN;
import static dev.failover.contract.event.ProbeOutcome.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.DnsAnswer;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngineTest.Probe;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.state.GroupView;

/**
 * Observed convergence (ADR 0026): a failover's marks from the failure's start through the decision to each location's
 * resolvers all answering the new target, and the quorum of locations that ends it as clients see it.
 */
class ObservedConvergenceTest {

    static final String OBSERVERS = """
            locations: [loc-a, loc-b, loc-c]
            observers:
              loc-a: [{name: vpc, address: 10.0.0.2}, {name: cache, address: 10.0.0.3}]
              loc-b: [{name: vpc, address: 10.1.0.2}]
              loc-c: [{name: vpc, address: 10.2.0.2}]
            """;

    final ManualClock clock = new ManualClock(T0);

    static Topology topology(String mode) {
        return TopologyLoader.parse(DecisionEngineTest.TOPOLOGY.formatted("hold", mode, "")
                .replace("locations: [loc-a, loc-b, loc-c]\n", OBSERVERS), "test");
    }

    DecisionEngine engine(String mode) {
        AtomicInteger ids = new AtomicInteger();
        return Engines.minimal(topology(mode), clock, () -> "d-" + ids.incrementAndGet());
    }

    /** The secondary UP everywhere from t=0; the primary failing at loc-a and loc-b from t=3: a failover at t=5. */
    static List<Probe> primaryFailsAtThree() {
        List<Probe> timeline = new ArrayList<>();
        for (int t = 0; t <= 5; t++) {
            for (String location : DecisionEngineTest.ALL) {
                timeline.add(new Probe(t, "secondary", location, UP, false));
                timeline.add(new Probe(t, "primary", location, t >= 3 && !location.equals("loc-c") ? DOWN : UP, false));
            }
        }
        return timeline;
    }

    static ResolverObservation answer(String location, String observer, String target, String address, int at) {
        return new ResolverObservation(1, "api", location, observer, new DnsAnswer("NOERROR", List.of(address), 30L,
                "10.0.0.2:53"), target, null, T0.plusSeconds(at), "probe-" + location);
    }

    /** The answer arrives 100 ms after it was stamped (or now, when that is later). */
    Optional<ObservedSwitch> answered(DecisionEngine engine, ResolverObservation o) {
        if (o.observedAt().plusMillis(100).isAfter(clock.instant())) {
            clock.set(o.observedAt().plusMillis(100));
        }
        return engine.feedback().onResolverAnswer(o);
    }

    @Test
    void aFailoverEndsWhenTheQuorumOfLocationsHasEveryResolverAnsweringTheNewTarget() {
        DecisionEngine engine = engine("live");
        assertThat(DecisionEngineTest.run(engine, clock, primaryFailsAtThree()))
                .containsExactly("t=5 FAILOVER primary->secondary epoch=1");
        ObservedSwitch decided = engine.feedback().observedSwitch("api").orElseThrow();
        assertThat(decided.failedAt()).isEqualTo(T0.plusSeconds(3)); // the first failing probe still failing
        assertThat(decided.failureToDecided()).contains(Duration.ofSeconds(2));
        assertThat(decided.need()).isEqualTo(2);

        assertThat(answered(engine, answer("loc-c", "vpc", "primary", "192.0.2.1", 6))).isEmpty();
        assertThat(answered(engine, answer("loc-a", "vpc", "secondary", "192.0.2.2", 6))).isEmpty(); // its cache: not yet
        assertThat(answered(engine, answer("loc-a", "cache", "primary", "192.0.2.1", 6))).isEmpty();
        assertThat(answered(engine, answer("loc-b", "vpc", "secondary", "192.0.2.2", 7))).isEmpty(); // 1 of 3
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).containsOnlyKeys("loc-b");

        Optional<ObservedSwitch> quorum = answered(engine, answer("loc-a", "cache", "secondary", "192.0.2.2", 9));
        assertThat(quorum).isPresent();
        assertThat(quorum.get().observedAt()).isEqualTo(Map.of("loc-b", T0.plusSeconds(7), "loc-a", T0.plusSeconds(9)));
        assertThat(quorum.get().quorumAt()).isEqualTo(T0.plusSeconds(9));
        assertThat(quorum.get().failureToObserved()).contains(Duration.ofSeconds(6));
        assertThat(quorum.get().decidedToObserved()).contains(Duration.ofSeconds(4));

        GroupView.ConvergenceView view = engine.view("api").orElseThrow().convergence();
        assertThat(view.state()).isEqualTo(GroupView.Observed.OBSERVED);
        assertThat(view.summary())
                .isEqualTo("switch to secondary (decision d-1) observed by 2 of 3 locations (quorum 2 at "
                        + T0.plusSeconds(9) + "); loc-c: resolver vpc still answers primary for up to 30 s");
        assertThat(view.observers()).extracting(GroupView.ObserverView::location, GroupView.ObserverView::observer,
                GroupView.ObserverView::target).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("loc-a", "vpc", "secondary"),
                        org.assertj.core.groups.Tuple.tuple("loc-a", "cache", "secondary"),
                        org.assertj.core.groups.Tuple.tuple("loc-b", "vpc", "secondary"),
                        org.assertj.core.groups.Tuple.tuple("loc-c", "vpc", "primary"));

        // the third location later: marked, and the quorum's time stays
        assertThat(answered(engine, answer("loc-c", "vpc", "secondary", "192.0.2.2", 40))).isEmpty();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).containsEntry("loc-c",
                T0.plusSeconds(40));
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().quorumAt()).isEqualTo(T0.plusSeconds(9));
    }

    @Test
    void aLocationFailingAloneBeforeTheOthersIsNotTheFailuresStart() {
        DecisionEngine engine = engine("live");
        List<Probe> timeline = new ArrayList<>();
        for (int t = 0; t <= 5; t++) {
            for (String location : DecisionEngineTest.ALL) {
                timeline.add(new Probe(t, "secondary", location, UP, false));
                boolean down = location.equals("loc-c") ? t >= 1 : location.equals("loc-a") && t >= 3;
                timeline.add(new Probe(t, "primary", location, down ? DOWN : UP, false));
            }
        }
        assertThat(DecisionEngineTest.run(engine, clock, timeline))
                .containsExactly("t=5 FAILOVER primary->secondary epoch=1");
        // loc-c failed from t=1 alone; the quorum (2) failed once loc-a joined at t=3
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().failedAt()).isEqualTo(T0.plusSeconds(3));
    }

    /** What report verify relies on: a failover's explanation replays to it by the same rule path. */
    @Test
    void aFailoversExplanationReplaysToTheSameDecisionByTheSameRulePath() {
        DecisionEngine engine = engine("live");
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        dev.failover.decision.domain.model.Explanation recorded = engine.explanation("api", "d-1").orElseThrow();
        ExplanationReplay.Replayed replayed = ExplanationReplay.replayed(topology("live"), recorded);
        assertThat(replayed.outcome()).isInstanceOf(dev.failover.decision.domain.model.Outcome.Switched.class);
        assertThat(replayed.explanation().kind()).isEqualTo(dev.failover.contract.event.DecisionKind.FAILOVER);
        assertThat(replayed.explanation().toTarget()).isEqualTo("secondary");
        assertThat(replayed.explanation().rules()).extracting(r -> r.rule() + " " + r.result())
                .isEqualTo(recorded.rules()
                        .stream().map(r -> r.rule() + " " + r.result()).toList())
                .contains("active-health FIRED");
    }

    @Test
    void anAnswerFromBeforeTheDecisionCountsOnlyWithinTheClockSkewToleranceOrOnceAnAnswerAfterItConfirms() {
        DecisionEngine engine = engine("live"); // clock skew tolerance 5 s
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree()); // decided at t=5
        // loc-b's resolver answered the secondary 10 s before the decision (the record changed by hand): not yet a mark
        assertThat(answered(engine, answer("loc-b", "vpc", "secondary", "192.0.2.2", -5))).isEmpty();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).isEmpty();
        // loc-c's clock is 4 s behind: its answer, stamped t=1, counts, at the decision
        assertThat(answered(engine, answer("loc-c", "vpc", "secondary", "192.0.2.2", 1))).isEmpty();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt())
                .isEqualTo(Map.of("loc-c", T0.plusSeconds(5)));
        // loc-b's refresh, 30 s after its first answer of the secondary: it still answers it, since before the decision
        assertThat(answered(engine, answer("loc-b", "vpc", "secondary", "192.0.2.2", 25))).isPresent();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).containsEntry("loc-b",
                T0.plusSeconds(5));
    }

    @Test
    void anAnswerStampedAheadOfTheClockBeyondTheToleranceIsLeftOut() {
        DecisionEngine engine = engine("live");
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        clock.set(T0.plusSeconds(6));
        assertThat(engine.feedback().onResolverAnswer(answer("loc-c", "vpc", "secondary", "192.0.2.2", 600))).isEmpty();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).isEmpty();
        // and it does not hide the resolver's real answers that follow
        assertThat(answered(engine, answer("loc-c", "vpc", "secondary", "192.0.2.2", 7))).isEmpty();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).containsOnlyKeys("loc-c");
    }

    @Test
    void aGroupObserversCannotTellApartIsNotObservedNorAlertedOn() {
        AtomicInteger ids = new AtomicInteger();
        Topology cname = TopologyLoader.parse(DecisionEngineTest.TOPOLOGY.formatted("hold", "live", "")
                .replace("locations: [loc-a, loc-b, loc-c]\n", OBSERVERS)
                .replace("dns: {values: [192.0.2.2]}", "dns: {alias: {hostedZoneId: Z1, dnsName: lb.example.test.}}"),
                "test");
        DecisionEngine engine = Engines.minimal(cname, clock, () -> "d-" + ids.incrementAndGet());
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().of()).isZero();
        clock.set(T0.plusSeconds(600));
        assertThat(engine.view("api").orElseThrow().convergence()).isNull(); // no NOT_OBSERVED, no gauge at 1
    }

    @Test
    void anObserverTheTopologyDoesNotNameAtThatLocationIsNotCounted() {
        DecisionEngine engine = engine("live");
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        assertThat(answered(engine, answer("loc-b", "public", "secondary", "192.0.2.2", 6))).isEmpty();
        assertThat(answered(engine, answer("loc-c", "vpc", "secondary", "192.0.2.2", 6))).isEmpty();
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().observedAt()).containsOnlyKeys("loc-c");
    }

    @Test
    void aNewOwnerGoesOnMarkingTheSwitchItRestored() {
        DecisionEngine first = engine("live");
        DecisionEngineTest.run(first, clock, primaryFailsAtThree());
        answered(first, answer("loc-b", "vpc", "secondary", "192.0.2.2", 7));
        DecisionEngine next = engine("live");
        next.handover().restore(first.snapshot("api").orElseThrow());
        assertThat(next.feedback().observedSwitch("api")).isEqualTo(first.feedback().observedSwitch("api"));
        assertThat(answered(next, answer("loc-c", "vpc", "secondary", "192.0.2.2", 8)))
                .hasValueSatisfying(s -> assertThat(s.quorumAt()).isEqualTo(T0.plusSeconds(8)));
    }

    @Test
    void aServedSwitchNotObservedByTheQuorumWithinTheTtlAndAMinuteIsLate() {
        DecisionEngine engine = engine("live"); // the record's TTL: 60 s (the default)
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        answered(engine, answer("loc-b", "vpc", "secondary", "192.0.2.2", 6));
        assertThat(engine.view("api").orElseThrow().convergence().state()).isEqualTo(GroupView.Observed.OBSERVING);
        engine.feedback().onConvergence("api", "d-1", 1, dev.failover.contract.event.ActuationStatus.CONVERGED,
                "read back",
                T0.plusSeconds(6));
        clock.set(T0.plusSeconds(6 + 60 + 59));
        assertThat(engine.view("api").orElseThrow().convergence().state()).isEqualTo(GroupView.Observed.OBSERVING);
        clock.set(T0.plusSeconds(6 + 60 + 60));
        assertThat(engine.view("api").orElseThrow().convergence().state()).isEqualTo(GroupView.Observed.NOT_OBSERVED);
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().servedAt()).isEqualTo(T0.plusSeconds(6));
    }

    @Test
    void theLastFiveObservedSwitchesAreKeptWithTheGroupsStateForTheirReports() {
        DecisionEngine engine = engine("live");
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        answered(engine, answer("loc-b", "vpc", "secondary", "192.0.2.2", 7));
        answered(engine, answer("loc-c", "vpc", "secondary", "192.0.2.2", 8));
        clock.set(T0.plusSeconds(20));
        engine.apply(new dev.failover.decision.domain.model.Command.Force("api", "primary", "back", "alice"));
        List<ObservedSwitch> kept = engine.snapshot("api").orElseThrow().observedSwitches();
        assertThat(kept).extracting(ObservedSwitch::decisionId).containsExactly("d-2", "d-1");
        assertThat(kept.get(1).quorumAt()).isEqualTo(T0.plusSeconds(8));
        DecisionEngine next = engine("live");
        next.handover().restore(engine.snapshot("api").orElseThrow());
        assertThat(next.snapshot("api").orElseThrow().observedSwitches()).isEqualTo(kept);
    }

    @Test
    void aShadowDecisionIsNotObserved() {
        DecisionEngine engine = engine("shadow");
        assertThat(DecisionEngineTest.run(engine, clock, primaryFailsAtThree())).hasSize(1);
        assertThat(engine.feedback().observedSwitch("api")).isEmpty();
        assertThat(engine.view("api").orElseThrow().convergence().summary()).isEqualTo("no switch yet");
        assertThat(engine.view("api").orElseThrow().convergence().state()).isEqualTo(GroupView.Observed.NO_SWITCH);
    }

    @Test
    void withoutObserversASwitchKeepsItsFailureTimeAndTheViewShowsNoConvergence() {
        AtomicInteger ids = new AtomicInteger();
        DecisionEngine engine = Engines.minimal(DecisionEngineTest.topology("hold", "live", ""), clock,
                () -> "d-" + ids.incrementAndGet());
        DecisionEngineTest.run(engine, clock, primaryFailsAtThree());
        assertThat(engine.feedback().observedSwitch("api").orElseThrow().failureToDecided())
                .contains(Duration.ofSeconds(2));
        assertThat(engine.view("api").orElseThrow().convergence()).isNull();
    }
}
