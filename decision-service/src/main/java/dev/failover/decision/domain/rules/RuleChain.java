package dev.failover.decision.domain.rules;

import java.util.ArrayList;
import java.util.List;

import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.RuleStep;

/**
 * The automatic-switch rules, in the one order they are checked (ADR 0013). An evaluation runs them in turn until one
 * holds; a rule that guards a switch is asked only once another has proposed one. The result is the outcome and the
 * trace of every rule, which is what an explanation shows: nothing re-derives the path afterwards.
 * <p>
 * Adding a rule: one class implementing {@link SwitchRule}, one slot in {@link #RULES} and its name among the constants
 * below it, one row in RuleChainTest, and its name in docs/topology.md's list (RuleChainTest compares them).
 */
public final class RuleChain {

    static final List<SwitchRule> RULES = List.of(
            new HoldRule(),
            new ActiveHealthRule(),
            new DestinationRule(),
            new GuardRule(),
            new DwellRule(),
            new FlapGuardRule(),
            new SwitchBudgetRule());

    // each rule's name, as the trace and an explanation show it
    public static final String HOLD = HoldRule.NAME;
    public static final String ACTIVE_HEALTH = ActiveHealthRule.NAME;
    public static final String DESTINATION = DestinationRule.NAME;
    public static final String GUARD = GuardRule.NAME;
    public static final String DWELL = DwellRule.NAME;
    public static final String FLAP_GUARD = FlapGuardRule.NAME;
    public static final String BUDGET = SwitchBudgetRule.NAME;

    private static final RuleStep.Detail NOT_REACHED = () -> "not reached";
    private static final RuleStep.Detail NO_SWITCH = () -> "no switch to check";
    private static final Ending STEADY = new Ending.Steady();

    private RuleChain() {
    }

    /** The rules' names, in chain order. */
    public static List<String> names() {
        return RULES.stream().map(SwitchRule::name).toList();
    }

    /** How an evaluation ended. */
    public sealed interface Ending {
        /** Nothing to do: the active target stays. */
        record Steady() implements Ending {
        }

        record Held(Outcome.HoldReason reason, String why) implements Ending {
        }

        /** Every rule let {@code move} through. */
        record Moved(Move move) implements Ending {
        }
    }

    /** The evaluation's ending and every rule's step, in chain order. */
    public record Result(Ending ending, List<RuleStep> trace) {
    }

    public static Result run(Evaluation e) {
        List<RuleStep> trace = new ArrayList<>(RULES.size());
        Move move = null;
        for (int i = 0; i < RULES.size(); i++) {
            SwitchRule rule = RULES.get(i);
            Move.Switch proposal = move instanceof Move.Switch sw ? sw : null;
            if (rule.guardsASwitch() && proposal == null) {
                trace.add(new RuleStep(rule.name(), Explanation.RuleResult.NOT_APPLICABLE, NO_SWITCH));
                continue;
            }
            RuleVerdict verdict = rule.check(e, proposal);
            if (verdict instanceof RuleVerdict.Held held) {
                trace.add(new RuleStep(rule.name(), Explanation.RuleResult.HELD, held::why));
                notReached(trace, i + 1);
                return new Result(new Ending.Held(held.reason(), held.why()), trace);
            }
            if (verdict instanceof RuleVerdict.Fired fired) {
                trace.add(new RuleStep(rule.name(), Explanation.RuleResult.FIRED, fired.detail()));
                move = fired.move() != null ? fired.move() : move;
            } else {
                RuleVerdict.Passed passed = (RuleVerdict.Passed) verdict;
                trace.add(new RuleStep(rule.name(), Explanation.RuleResult.PASSED, passed.detail()));
                move = passed.move() != null ? passed.move() : move;
            }
            if (move instanceof Move.EndDrill) {
                notReached(trace, i + 1);
                return new Result(new Ending.Moved(move), trace);
            }
        }
        return new Result(move == null ? STEADY : new Ending.Moved(move), trace);
    }

    private static void notReached(List<RuleStep> trace, int from) {
        for (int i = from; i < RULES.size(); i++) {
            trace.add(new RuleStep(RULES.get(i).name(), Explanation.RuleResult.NOT_APPLICABLE, NOT_REACHED));
        }
    }
}
