package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.ALL;
import static dev.failover.decision.domain.engine.DecisionEngineTest.DOWN;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.TOPOLOGY;
import static dev.failover.decision.domain.engine.DecisionEngineTest.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.result;
import static dev.failover.decision.domain.engine.DecisionEngineTest.rounds;
import static dev.failover.decision.domain.engine.DecisionEngineTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.time.ManualClock;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.decision.domain.engine.DecisionEngineTest.Probe;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Explanation.RuleResult;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.rules.RuleChain;
import dev.failover.decision.domain.state.GroupJournal;
import dev.failover.decision.store.ExplanationRecord;
import dev.failover.decision.store.StateCodec;

/**
 * The "why" of decisions and holds (ADR 0011): what an explanation names, and that replaying its recorded evidence
 * through a fresh core reproduces the same decision, or the same hold. A row that removes evidence shows the replay
 * depends on it.
 */
class ExplanationTest {

    /** The group's topology: {@code extra} adds keys to the group, as in DecisionEngineTest. */
    static Topology topology(String whenAllDown, String extra) {
        return TopologyLoader.parse(TOPOLOGY.formatted(whenAllDown, "live", extra), "test");
    }

    /** Runs the timeline, giving each result a Kafka position (partition 0, offset = its index); returns the outcomes. */
    static List<Outcome> run(DecisionEngine engine, ManualClock clock, List<Probe> timeline) {
        AtomicInteger offset = new AtomicInteger();
        return timeline.stream().map(p -> {
            clock.set(T0.plusSeconds(p.at()));
            return engine.onProbeResult(result(p), new Explanation.Position(0, offset.getAndIncrement()));
        }).toList();
    }

    /** The secondary UP throughout, the primary UP and then DOWN at every location: the first switch, a failover. */
    static Decision failoverByQuorum(DecisionEngine engine, ManualClock clock) {
        return firstSwitch(
                run(engine, clock, timeline(rounds(0, 200, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                        rounds(30, 60, "primary", DOWN, ALL))));
    }

    static Decision firstSwitch(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o instanceof Outcome.Switched).map(o -> ((Outcome.Switched) o).decision())
                .findFirst().orElseThrow(() -> new AssertionError("no switch"));
    }

    static final String NO_GUARD = "    safety: {correlatedFailureGuard: false}\n";

    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of("failover by a quorum of locations", "hold", "",
                        timeline(rounds(0, 600, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 60, "primary", DOWN, ALL)),
                        DecisionKind.FAILOVER, "primary", "secondary", RuleChain.ACTIVE_HEALTH),
                Arguments.of("failback after the hold-down", "hold", "",
                        timeline(rounds(0, 600, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 60, "primary", DOWN, ALL), rounds(70, 600, "primary", UP, ALL)),
                        DecisionKind.FAILBACK, "secondary", "primary", RuleChain.DESTINATION),
                Arguments.of("last resort when every target is down", "last-resort", NO_GUARD,
                        timeline(rounds(0, 200, "maintenance", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(0, 20, "secondary", UP, ALL), rounds(30, 200, "primary", DOWN, ALL),
                                rounds(30, 200, "secondary", DOWN, ALL)),
                        DecisionKind.LAST_RESORT, "primary", "maintenance", RuleChain.ACTIVE_HEALTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void anAutomaticDecisionIsExplainedAndItsEvidenceReplaysToTheSameDecision(String name, String whenAllDown,
            String extra,
            List<Probe> timeline, DecisionKind kind, String from, String to, String firedRule) {
        Topology topology = topology(whenAllDown, extra);
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        List<Decision> decisions = run(engine, clock, timeline).stream().filter(o -> o instanceof Outcome.Switched)
                .map(o -> ((Outcome.Switched) o).decision()).toList();
        Decision decision = decisions.get(decisions.size() - 1);
        assertThat(decision.kind()).isEqualTo(kind);

        Explanation explanation = engine.explanation("api", decision.decisionId()).orElseThrow();
        assertThat(explanation.outcome()).isEqualTo(Explanation.Verdict.SWITCHED);
        assertThat(explanation.kind()).isEqualTo(kind);
        assertThat(explanation.fromTarget()).isEqualTo(from);
        assertThat(explanation.toTarget()).isEqualTo(to);
        assertThat(explanation.rules()).extracting(Explanation.Rule::rule).containsExactly(RuleChain.HOLD,
                RuleChain.ACTIVE_HEALTH, RuleChain.DESTINATION, RuleChain.GUARD, RuleChain.DWELL,
                RuleChain.FLAP_GUARD, RuleChain.BUDGET);
        assertThat(explanation.rules()).filteredOn(r -> r.result() == RuleResult.FIRED)
                .extracting(Explanation.Rule::rule)
                .containsExactly(firedRule);
        assertThat(explanation.thresholds()).containsEntry("quorum", 2).containsEntry("failuresToDown", 3);
        assertThat(explanation.targets()).extracting(Explanation.TargetFacts::target).contains("primary", "secondary");
        Explanation.LocationFacts locA = explanation.targets().stream().filter(t -> t.target().equals(from)).findFirst()
                .orElseThrow().locations().get(0);
        assertThat(locA.results()).as("the results with their Kafka positions").isNotEmpty()
                .allSatisfy(r -> assertThat(r.offset()).isNotNull());
        assertThat(locA.margin()).contains("would make it");
        assertThat(explanation.startingState().activeTarget()).isEqualTo(from);

        Outcome replayed = ExplanationReplay.replay(topology, explanation);
        assertThat(replayed).as("the replay of " + name).isInstanceOfSatisfying(Outcome.Switched.class, s -> {
            assertThat(s.decision().kind()).isEqualTo(kind);
            assertThat(s.decision().fromTarget()).isEqualTo(from);
            assertThat(s.decision().toTarget()).isEqualTo(to);
            assertThat(s.decision().epoch()).isEqualTo(decision.epoch());
        });
    }

    static Supplier<String> ids() {
        AtomicInteger ids = new AtomicInteger();
        return () -> "d-" + ids.incrementAndGet();
    }

    @Test
    void theFailoversMarginIsComputedFromTheLocations() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        // only two of three locations see the primary fail: the smallest quorum that moves traffic
        Decision decision = firstSwitch(run(engine, clock, timeline(rounds(0, 200, "secondary", UP, ALL),
                rounds(0, 20, "primary", UP, ALL), rounds(30, 60, "primary", DOWN, "loc-a", "loc-b"),
                rounds(30, 200, "primary", UP, "loc-c"))));
        Explanation explanation = engine.explanation("api", decision.decisionId()).orElseThrow();
        Explanation.TargetFacts primary = explanation.targets().get(0);
        assertThat(primary.margin())
                .isEqualTo("primary: 1 UP, 2 DOWN of 3 locations, quorum 2; 1 location(s) fewer DOWN "
                        + "and it would not be UNHEALTHY");
        assertThat(primary.locations()).extracting(Explanation.LocationFacts::verdict)
                .containsExactly(LocationVerdict.DOWN, LocationVerdict.DOWN, LocationVerdict.UP);
        assertThat(primary.locations().get(0).margin()).isEqualTo("3 more success(es) in a row would make it UP");
        assertThat(primary.locations().get(2).margin()).isEqualTo("3 more failure(s) in a row would make it DOWN");
        assertThat(primary.locations().get(0).results()).extracting(Explanation.Result::outcome).endsWith(
                ProbeOutcome.DOWN,
                ProbeOutcome.DOWN, ProbeOutcome.DOWN);
    }

    /**
     * A drill that reaches its planned end is ended by the rule chain, not by an operator. Its decision
     * is explained by the chain's trace (the hold rule that fired the end), as an automatic switch is; before, it was
     * explained as "an operator's command, not automation" with automation as the operator.
     */
    @Test
    void aDrillsPlannedEndIsExplainedByTheChainNotAsAnOperatorsCommand() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        run(engine, clock, timeline(rounds(0, 20, "primary", UP, ALL), rounds(0, 20, "secondary", UP, ALL),
                rounds(0, 20, "maintenance", UP, ALL)));
        clock.set(T0.plusSeconds(25));
        engine.apply(new Command.StartDrill("api", null, Duration.ofSeconds(120), "monthly", "dave"));
        Decision end = firstSwitch(run(engine, clock, timeline(rounds(30, 200, "primary", UP, ALL),
                rounds(30, 200, "secondary", UP, ALL))));
        assertThat(end.kind()).isEqualTo(DecisionKind.DRILL_END);

        Explanation explanation = engine.explanation("api", end.decisionId()).orElseThrow();
        assertThat(explanation.rules()).extracting(Explanation.Rule::rule).doesNotContain(Explanations.OPERATOR);
        assertThat(explanation.rules()).extracting(Explanation.Rule::detail)
                .noneMatch(detail -> detail.contains("an operator's command"));
        assertThat(explanation.rules()).as("the chain's trace, the hold rule that ended the drill among it")
                .anySatisfy(rule -> {
                    assertThat(rule.result()).isEqualTo(Explanation.RuleResult.FIRED);
                    assertThat(rule.detail()).contains("reached its end");
                });
        assertThat(explanation.summary()).contains("DRILL_END").contains("planned duration");
    }

    /** Evidence taken away: the same moment, replayed without two locations' results, holds instead of switching. */
    @Test
    void aReplayWithoutTheDecisiveEvidenceDoesNotSwitch() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        Decision decision = failoverByQuorum(engine, clock);
        Explanation explanation = engine.explanation("api", decision.decisionId()).orElseThrow();
        Explanation without = withoutResults(explanation, "primary", Set.of("loc-a", "loc-b"));
        assertThat(ExplanationReplay.replay(topology, without)).isInstanceOfSatisfying(Outcome.Held.class,
                h -> assertThat(h.reason()).isEqualTo(Outcome.HoldReason.QUORUM_LOST));
    }

    /**
     * A verdict older than the results kept: the primary went UP at the start, then its results changed every second
     * round (runs of two, shorter than either threshold) for longer than the 20 results kept. With flap detection off
     * nothing turns the verdict, so the primary is still UP and the group steady. The explanation records each location's
     * count from before its oldest result; the replay starts there and is steady too, and without it the same results
     * replay to a hold.
     */
    @Test
    void aVerdictFromResultsNoLongerKeptReplaysFromTheRecordedCounts() {
        Topology topology = topology("hold", "    thresholds: {flapTransitions: 0}\n");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        List<List<Probe>> primary = new java.util.ArrayList<>();
        primary.add(rounds(0, 20, "primary", UP, ALL));
        for (int at = 30; at <= 600; at += 10) {
            primary.add(rounds(at, at, "primary", (at / 20) % 2 == 0 ? UP : DOWN, ALL));
        }
        primary.add(rounds(0, 600, "secondary", UP, ALL));
        @SuppressWarnings("unchecked")
        List<Probe> probes = timeline(primary.toArray(List[]::new));
        assertThat(run(engine, clock, probes)).noneMatch(o -> o instanceof Outcome.Switched);
        engine.tick();

        Explanation now = engine.explanationNow("api").orElseThrow();
        assertThat(now.outcome()).isEqualTo(Explanation.Verdict.STEADY);
        Explanation.LocationFacts locA = now.targets().get(0).locations().get(0);
        assertThat(locA.verdict()).isEqualTo(LocationVerdict.UP);
        assertThat(locA.results()).as("kept results: no run reaches a threshold").hasSize(20)
                .extracting(Explanation.Result::outcome).doesNotContainSequence(DOWN, DOWN, DOWN)
                .doesNotContainSequence(UP, UP, UP);
        assertThat(locA.before().verdict()).as("the verdict before the oldest kept result")
                .isEqualTo(LocationVerdict.UP);
        assertThat(ExplanationReplay.replay(topology, now)).isInstanceOf(Outcome.Steady.class);

        Explanation withoutCounts = withoutBefore(now);
        assertThat(ExplanationReplay.replay(topology, withoutCounts)).as("the same results counted from nothing")
                .isInstanceOf(Outcome.Held.class);
    }

    static Explanation withoutBefore(Explanation e) {
        List<Explanation.TargetFacts> targets = e.targets().stream().map(t -> new Explanation.TargetFacts(t.target(),
                t.health(),
                t.margin(), t.locations().stream().map(l -> new Explanation.LocationFacts(l.location(), l.verdict(),
                        l.consecutiveFailures(), l.consecutiveSuccesses(), l.margin(), l.results(), null)).toList()))
                .toList();
        return new Explanation(e.group(), e.decisionId(), e.at(), e.outcome(), e.kind(), e.fromTarget(), e.toTarget(),
                e.holdReason(), e.summary(), e.rules(), e.thresholds(), targets, e.startingState());
    }

    static Explanation withoutResults(Explanation e, String target, Set<String> locations) {
        UnaryOperator<Explanation.LocationFacts> strip = l -> locations.contains(l.location())
                ? new Explanation.LocationFacts(l.location(), l.verdict(), l.consecutiveFailures(),
                        l.consecutiveSuccesses(),
                        l.margin(), List.of(), l.before())
                : l;
        List<Explanation.TargetFacts> targets = e.targets().stream().map(t -> t.target().equals(target)
                ? new Explanation.TargetFacts(t.target(), t.health(), t.margin(),
                        t.locations().stream().map(strip).toList())
                : t).toList();
        return new Explanation(e.group(), e.decisionId(), e.at(), e.outcome(), e.kind(), e.fromTarget(), e.toTarget(),
                e.holdReason(), e.summary(), e.rules(), e.thresholds(), targets, e.startingState());
    }

    static Stream<Arguments> holds() {
        return Stream.of(
                Arguments.of("one location alone sees the primary fail", "",
                        timeline(rounds(0, 100, "secondary", UP, ALL), rounds(0, 20, "primary", UP, ALL),
                                rounds(30, 60, "primary", DOWN, "loc-a")),
                        60, Outcome.HoldReason.QUORUM_LOST, RuleChain.ACTIVE_HEALTH),
                Arguments.of("the primary fails and the secondary is down too", NO_GUARD,
                        timeline(rounds(0, 20, "secondary", UP, ALL), rounds(30, 100, "secondary", DOWN, ALL),
                                rounds(0, 40, "primary", UP, ALL), rounds(50, 100, "primary", DOWN, ALL)),
                        100, Outcome.HoldReason.NO_HEALTHY_TARGET, RuleChain.DESTINATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("holds")
    void whyAGroupIsNotFailingOverNowIsExplainedAndReplaysToTheSameHold(String name, String extra, List<Probe> timeline,
            int at, Outcome.HoldReason reason, String heldRule) {
        Topology topology = topology("hold", extra);
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        run(engine, clock, timeline);
        clock.set(T0.plusSeconds(at));
        engine.tick();
        Explanation now = engine.explanationNow("api").orElseThrow();
        assertThat(now.outcome()).isEqualTo(Explanation.Verdict.HELD);
        assertThat(now.decisionId()).isNull();
        assertThat(now.holdReason()).isEqualTo(reason);
        assertThat(now.rules()).filteredOn(r -> r.result() == RuleResult.HELD).singleElement()
                .satisfies(r -> assertThat(r.rule()).isEqualTo(heldRule));
        assertThat(now.rules()).filteredOn(r -> r.rule().equals(RuleChain.DWELL)).singleElement()
                .satisfies(r -> assertThat(r.result()).isEqualTo(RuleResult.NOT_APPLICABLE));
        assertThat(now.summary()).startsWith("held (" + reason + ")");

        assertThat(ExplanationReplay.replay(topology, now)).isInstanceOfSatisfying(Outcome.Held.class,
                h -> assertThat(h.reason()).isEqualTo(reason));
    }

    /**
     * "Why is it doing this now" explains the group's last evaluation with the evidence of that moment: results counted
     * since without an evaluation (a new owner catching up) show neither in the verdicts' counts nor in their results,
     * and the results shown still replay from the counts before them.
     */
    @Test
    void theLastEvaluationIsExplainedWithItsOwnCountsNotTheResultsCountedSince() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        run(engine, clock, timeline(rounds(0, 20, "primary", UP, ALL), rounds(0, 20, "secondary", UP, ALL)));
        Explanation.LocationFacts evaluated = engine.explanationNow("api").orElseThrow().targets().get(0).locations()
                .get(0);

        for (var probe : timeline(rounds(30, 40, "primary", DOWN, ALL))) { // counted, not evaluated
            clock.set(T0.plusSeconds(probe.at()));
            engine.observe(result(probe), null);
        }
        Explanation now = engine.explanationNow("api").orElseThrow();

        Explanation.LocationFacts primaryA = now.targets().get(0).locations().get(0);
        assertThat(now.targets().get(0).target()).isEqualTo("primary");
        assertThat(primaryA.verdict()).isEqualTo(LocationVerdict.UP);
        assertThat(primaryA.consecutiveFailures()).as("the failures counted after the evaluation").isZero();
        assertThat(primaryA.consecutiveSuccesses()).isEqualTo(evaluated.consecutiveSuccesses()).isPositive();
        assertThat(primaryA.results()).as("the results the evaluation counted, no later one")
                .isEqualTo(evaluated.results()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(ProbeOutcome.UP));
        assertThat(primaryA.margin()).isEqualTo(evaluated.margin());
    }

    @Test
    void aSteadyGroupSaysSoAndAnOperatorsDecisionNamesTheCommand() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        run(engine, clock, timeline(rounds(0, 20, "primary", UP, ALL), rounds(0, 20, "secondary", UP, ALL)));
        Explanation steady = engine.explanationNow("api").orElseThrow();
        assertThat(steady.outcome()).isEqualTo(Explanation.Verdict.STEADY);
        assertThat(steady.summary()).startsWith("steady: primary stays active; primary: 3 UP, 0 DOWN of 3 locations");

        CommandOutcome pinned = engine.apply(new Command.Pin("api", "secondary", null, "db maintenance", "alice"));
        Decision decision = ((CommandOutcome.Accepted) pinned).decisions().get(0);
        Explanation why = engine.explanation("api", decision.decisionId()).orElseThrow();
        assertThat(why.rules().get(0)).isEqualTo(new Explanation.Rule(Explanations.OPERATOR, RuleResult.FIRED,
                "alice: pinned by alice: db maintenance"));
        assertThat(why.rules().subList(2, why.rules().size()))
                .allSatisfy(r -> assertThat(r.result()).isEqualTo(RuleResult.NOT_APPLICABLE));
        assertThat(engine.explanation("api", "no-such-decision")).isEmpty();
        assertThat(engine.explanation("nope", decision.decisionId())).isEmpty();
    }

    /**
     * A new owner (a restart, a take-over) takes the explanations back from their topic's record: the same explanation,
     * JSON and back, and it still replays to the same decision; one the new owner made itself stays, newest first.
     */
    @Test
    void explanationsReadBackFromTheirRecordAreTheSameAndStillReplay() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        Decision failover = failoverByQuorum(engine, clock);
        assertThat(engine.explanations("api")).as("explanations to persist while the failover is unpublished")
                .isEmpty();
        engine.published("api", failover.decisionId());
        String json = ExplanationRecord.encodeFitting("api", engine.explanations("api"), clock.instant()).orElseThrow();

        ManualClock later = new ManualClock(T0.plusSeconds(300));
        DecisionEngine newOwner = Engines.minimal(topology, later, () -> "n-1");
        CommandOutcome forced = newOwner.apply(new Command.Force("api", "secondary", "after the take-over", "carol"));
        String own = ((CommandOutcome.Accepted) forced).decisions().get(0).decisionId();
        newOwner.published("api", own);
        ExplanationRecord read = StateCodec.decodeExplanations(json);
        newOwner.handover().restoreExplanations(read.group(), read.explanations());

        Explanation original = engine.explanation("api", failover.decisionId()).orElseThrow();
        Explanation restored = newOwner.explanation("api", failover.decisionId()).orElseThrow();
        assertThat(restored).as("the explanation after JSON and back").isEqualTo(original);
        assertThat(newOwner.explanations("api")).extracting(Explanation::decisionId).containsExactly(own,
                failover.decisionId());
        assertThat(ExplanationReplay.replay(topology, restored)).isInstanceOfSatisfying(Outcome.Switched.class,
                s -> assertThat(s.decision().kind()).isEqualTo(DecisionKind.FAILOVER));
    }

    /**
     * An explanation is persisted only once its decision is: one of a decision discarded with the outbox (the instance
     * lost the group before publishing it) explains something that never happened, and is dropped with it.
     */
    @Test
    void onlyTheExplanationsOfPublishedDecisionsArePersistedAndADiscardedDecisionTakesItsExplanationAlong() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        Decision failover = failoverByQuorum(engine, clock);
        engine.published("api", failover.decisionId());
        CommandOutcome forced = engine.apply(new Command.Force("api", "primary", "not to be published", "dave"));
        String discarded = ((CommandOutcome.Accepted) forced).decisions().get(0).decisionId();

        assertThat(engine.explanations("api")).extracting(Explanation::decisionId).as("to persist")
                .containsExactly(failover.decisionId());
        assertThat(engine.explanation("api", discarded)).as("in memory, for the owner's API").isPresent();
        assertThat(engine.handover().release("api")).isEqualTo(1);
        assertThat(engine.explanation("api", discarded)).as("after its decision was discarded").isEmpty();
        // released, the group keeps nothing here (ADR 0002): the next owner restores the published one's explanation
        assertThat(engine.explanations("api")).as("after the release").isEmpty();
    }

    /** The latest decisions' explanations are kept, older ones dropped: the memory they take is bounded. */
    @Test
    void theLatestExplanationsAreKept() {
        Topology topology = topology("hold", "");
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = Engines.minimal(topology, clock, ids());
        Decision first = failoverByQuorum(engine, clock);
        String last = null;
        for (int i = 0; i < GroupJournal.EXPLANATIONS + 2; i++) {
            CommandOutcome forced = engine
                    .apply(new Command.Force("api", i % 2 == 0 ? "primary" : "secondary", "churn " + i, "bob"));
            last = ((CommandOutcome.Accepted) forced).decisions().get(0).decisionId();
        }
        assertThat(engine.explanation("api", first.decisionId())).as("older ones dropped").isEmpty();
        assertThat(engine.explanation("api", last)).isPresent();
    }
}
