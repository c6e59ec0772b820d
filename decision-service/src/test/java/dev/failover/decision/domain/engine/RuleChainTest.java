package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.SafetyRulesTest.DOWN;
import static dev.failover.decision.domain.engine.SafetyRulesTest.T0;
import static dev.failover.decision.domain.engine.SafetyRulesTest.UP;
import static dev.failover.decision.domain.engine.SafetyRulesTest.region;
import static dev.failover.decision.domain.engine.SafetyRulesTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.ProbeResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Explanation.RuleResult;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.Outcome.HoldReason;
import dev.failover.decision.domain.rules.RuleChain;

/**
 * The automatic-switch rules as one ordered chain (ADR 0013): one row per rule, each a situation in which that rule
 * makes the outcome. The explanation is the chain's trace: the rules before it let the evaluation through, the ones
 * after it were not reached. Adding a rule adds a row here.
 */
class RuleChainTest {

    /**
     * SafetyRulesTest's three regions ra, rb, rc, one service in each (a, b, c), and three groups over them with manual
     * failback; {@code groupKeys} (indented by four spaces) are added to every group.
     */
    static String topology(String groupKeys) {
        String manual = "    failback: {mode: manual}\n";
        return SafetyRulesTest.THREE_REGIONS.replace(manual, manual + groupKeys).formatted("");
    }

    /** Region a fails (ab and ac fail over at 50 s) and recovers; region c fails from 150 s: ac wants to go back to a. */
    static final List<SafetyRulesTest.Probe> A_THEN_C = timeline(region("b", 0, 400, UP), region("a", 0, 20, UP),
            region("a", 30, 60, DOWN), region("a", 70, 400, UP), region("c", 0, 140, UP), region("c", 150, 400, DOWN));

    /** Regions a and b fail together. */
    static final List<SafetyRulesTest.Probe> A_AND_B = timeline(region("c", 0, 100, UP), region("a", 0, 20, UP),
            region("b", 0, 20, UP), region("a", 30, 100, DOWN), region("b", 30, 100, DOWN));

    static final List<SafetyRulesTest.Probe> ALL_UP = timeline(region("a", 0, 100, UP), region("b", 0, 100, UP),
            region("c", 0, 100, UP));

    static final Consumer<DecisionEngine> NOTHING = engine -> {};

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("a paused group is held first", "", ALL_UP,
                        (Consumer<DecisionEngine>) e -> e.apply(new Command.Pause("ab", "deploying", "carol")), "ab",
                        RuleChain.HOLD, RuleResult.HELD, HoldReason.PAUSED),
                Arguments.of("an active target not yet seen at a quorum of locations", "",
                        timeline(region("b", 0, 100, UP), region("c", 0, 100, UP), region("a", 0, 20, UP)), NOTHING,
                        "ab",
                        RuleChain.ACTIVE_HEALTH, RuleResult.HELD, HoldReason.QUORUM_LOST),
                Arguments.of("a region outage: the active target's failure fires a failover", "",
                        timeline(region("b", 0, 100, UP), region("c", 0, 100, UP), region("a", 0, 20, UP),
                                region("a", 30, 100, DOWN)),
                        NOTHING, "ab", RuleChain.ACTIVE_HEALTH, RuleResult.FIRED,
                        null),
                Arguments.of("the only other target is down too: nowhere to go", "", A_AND_B, NOTHING, "ab",
                        RuleChain.DESTINATION, RuleResult.HELD, HoldReason.NO_HEALTHY_TARGET),
                Arguments.of("two regions failing together: the plane doubts its eyes", "", A_AND_B, NOTHING, "ac",
                        RuleChain.GUARD, RuleResult.HELD, HoldReason.CORRELATED_FAILURE),
                Arguments.of("back to a too soon after the failover", "    thresholds: {minDwellSeconds: 600}\n",
                        A_THEN_C,
                        NOTHING, "ac", RuleChain.DWELL, RuleResult.HELD, HoldReason.DWELL_TIME),
                Arguments.of("a second switch within the hour",
                        "    thresholds: {minDwellSeconds: 0, maxSwitchesPerHour: 1}\n",
                        A_THEN_C, NOTHING, "ac", RuleChain.FLAP_GUARD, RuleResult.HELD, HoldReason.FLAP_GUARD),
                Arguments.of("a second switch within the day", """
                            thresholds: {minDwellSeconds: 0}
                            safety: {maxSwitchesPerDay: 1}
                        """, A_THEN_C, NOTHING, "ac", RuleChain.BUDGET, RuleResult.HELD, HoldReason.SWITCH_BUDGET));
    }

    /**
     * Runs the timeline until {@code group}'s first evaluation with the expected outcome (a switch, or a hold with
     * {@code reason}); if none, applies {@code command} and ticks. Returns that evaluation's explanation.
     */
    static Explanation explanationOfFirst(DecisionEngine engine, ManualClock clock,
            List<SafetyRulesTest.Probe> timeline,
            Consumer<DecisionEngine> command, String group, HoldReason reason) {
        Predicate<Outcome> expected = o -> reason == null
                ? o instanceof Outcome.Switched s && s.decision().group().equals(group)
                : o instanceof Outcome.Held h && h.group().equals(group) && h.reason() == reason;
        for (SafetyRulesTest.Probe p : timeline) {
            clock.set(T0.plusSeconds(p.at()));
            Outcome outcome = engine.onProbeResult(ProbeResult.of(p.group(), p.target(), "r", p.location(),
                    T0.plusSeconds(p.at()), p.outcome()).durationMillis(5L).failureReason(p.reason())
                    .dependency(p.dependency()).build());
            if (expected.test(outcome)) {
                return engine.explanationNow(group).orElseThrow();
            }
        }
        command.accept(engine);
        clock.set(clock.instant().plusSeconds(10));
        assertThat(engine.tick(List.of(group))).as("the tick after the timeline").singleElement().matches(expected);
        return engine.explanationNow(group).orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleMakesTheOutcomeInItsSlotOfTheChain(String name, String groupKeys, List<SafetyRulesTest.Probe> timeline,
            Consumer<DecisionEngine> command, String group, String rule, RuleResult result, HoldReason reason) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = SafetyRulesTest.engine(topology(groupKeys), clock);
        Explanation why = explanationOfFirst(engine, clock, timeline, command, group, reason);

        assertThat(why.rules()).extracting(Explanation.Rule::rule).as("every rule, in chain order")
                .containsExactlyElementsOf(RuleChain.names());
        int slot = RuleChain.names().indexOf(rule);
        assertThat(why.rules().get(slot).result()).as(rule + ": " + why.rules().get(slot).detail()).isEqualTo(result);
        assertThat(why.rules().subList(0, slot)).as("the rules before it let the evaluation through")
                .allSatisfy(r -> assertThat(r.result()).isIn(RuleResult.PASSED, RuleResult.FIRED));
        if (result == RuleResult.HELD) {
            assertThat(why.outcome()).isEqualTo(Explanation.Verdict.HELD);
            assertThat(why.holdReason()).isEqualTo(reason);
            assertThat(why.rules().subList(slot + 1, why.rules().size())).as("the rules after it were not reached")
                    .allSatisfy(r -> assertThat(r.result()).isEqualTo(RuleResult.NOT_APPLICABLE));
        } else {
            assertThat(why.outcome()).isEqualTo(Explanation.Verdict.SWITCHED);
            assertThat(why.rules()).as("a switch passed every rule after the one that fired")
                    .allSatisfy(r -> assertThat(r.result()).isIn(RuleResult.PASSED, RuleResult.FIRED));
        }
    }

    /** A steady group: nothing proposed, so the rules that guard a switch have none to check. */
    @Test
    void aSteadyGroupPassesTheRulesThatDecideAndHasNoSwitchToCheck() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = SafetyRulesTest.engine(topology(""), clock);
        SafetyRulesTest.run(engine, clock, ALL_UP);
        Explanation why = engine.explanationNow("ab").orElseThrow();
        assertThat(why.outcome()).isEqualTo(Explanation.Verdict.STEADY);
        assertThat(why.rules()).extracting(Explanation.Rule::result).containsExactly(RuleResult.PASSED,
                RuleResult.PASSED,
                RuleResult.PASSED, RuleResult.NOT_APPLICABLE, RuleResult.NOT_APPLICABLE, RuleResult.NOT_APPLICABLE,
                RuleResult.NOT_APPLICABLE);
        assertThat(why.rules()).filteredOn(r -> r.result() == RuleResult.NOT_APPLICABLE)
                .extracting(Explanation.Rule::detail)
                .containsOnly("no switch to check");
    }

    /** Every rule has a row above: a rule added to the chain without one fails here. */
    @Test
    void everyRuleOfTheChainHasARow() {
        assertThat(rules().map(a -> (String) a.get()[5]).distinct())
                .containsExactlyInAnyOrderElementsOf(RuleChain.names());
    }

    /** docs/topology.md lists the rules in the chain's order: the code is the one source, the doc is checked against it. */
    @Test
    void theDocumentedOrderIsTheChainsOrder() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "topology.md"));
        int from = doc.indexOf("## The order of the automatic-switch rules");
        assertThat(from).as("the section in docs/topology.md").isNotNegative();
        String section = doc.substring(from, doc.indexOf("\n## ", from + 1));
        Matcher item = Pattern.compile("(?m)^\\d+\\. `([a-z-]+)`").matcher(section);
        List<String> documented = new java.util.ArrayList<>();
        while (item.find()) {
            documented.add(item.group(1));
        }
        assertThat(documented).containsExactlyElementsOf(RuleChain.names());
    }
}
