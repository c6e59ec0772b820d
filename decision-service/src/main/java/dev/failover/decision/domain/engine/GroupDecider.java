package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import dev.failover.contract.event.Decision;
import dev.failover.decision.domain.commands.GroupCommands;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.rules.Evaluation;
import dev.failover.decision.domain.rules.Move;
import dev.failover.decision.domain.rules.RuleChain;
import dev.failover.decision.domain.rules.SwitchBudgetRule;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;

/**
 * What changes a group's decisions, one group at a time: an evaluation by the {@link RuleChain} (on a result, a tick or a
 * replay), which counts the group's evidence once and carries out what the chain ends with (an automatic switch, the end
 * of a drill, or nothing), remembering the outcome with the chain's trace and the evidence for "why is it doing this
 * now"; and an operator's command ({@link GroupCommands}). A group this instance does not decide is left alone. Called
 * under the engine's lock; not thread-safe.
 */
final class GroupDecider {

    private final GroupRegistry groups;
    private final Clock clock;
    private final Supplier<String> decisionIds;
    private final Duration commandMaxAge;
    private final FleetGuards fleet;
    /** The operator's commands, which evaluate the group once a command lifts a hold, and end a drill for the rules. */
    private final GroupCommands commands;

    GroupDecider(GroupRegistry groups, Clock clock, Supplier<String> decisionIds, Duration commandMaxAge,
            FleetGuards fleet) {
        this.groups = groups;
        this.clock = clock;
        this.decisionIds = decisionIds;
        this.commandMaxAge = commandMaxAge;
        this.fleet = fleet;
        this.commands = new GroupCommands(decisionIds, commandMaxAge, this::evaluate);
    }

    /**
     * Applies an operator's command once, to its group ({@link GroupCommands#apply}): rejected as NOT_FOUND for a group
     * not in the topology and as CONFLICT for one this instance no longer decides.
     */
    CommandOutcome apply(Command.Issued issued) {
        Command command = issued.command();
        GroupState s = groups.state(command.group());
        if (s == null) {
            return new CommandOutcome.Rejected(Rejection.NOT_FOUND, "group", "no group '" + command.group() + "'");
        }
        if (groups.released(command.group())) {
            // never stored: the state it would go into is dropped when the group is restored, and the command record
            // is read again by the group's owner
            return new CommandOutcome.Rejected(Rejection.CONFLICT, null, "this instance no longer decides group '"
                    + command.group() + "'; its owner applies the command");
        }
        return commands.apply(s, issued, clock.instant());
    }

    /**
     * The tick's evaluation of the group at the clock's instant, unless it was evaluated less than
     * {@code evaluatedWithin} ago (its results evaluate it as they come); null when left out, or when the group is not
     * decided here. Command ids older than the command max age are forgotten at each tick of a group decided here.
     */
    Outcome tick(String group, Duration evaluatedWithin) {
        GroupState s = groups.state(group);
        if (s == null || groups.released(group)) {
            return null;
        }
        Instant now = clock.instant();
        s.seenCommands().forgetOlderThan(commandMaxAge, now);
        GroupState.LastEvaluation last = s.lastEvaluation();
        if (last != null && last.at().isAfter(now.minus(evaluatedWithin))) {
            return null;
        }
        return evaluate(s, now);
    }

    /** Evaluates the group at {@code now}. */
    Outcome evaluate(GroupState s, Instant now) {
        Evidence evidence = Evidence.of(s, now);
        fleet.observe(s, evidence);
        s.holdDown().update(evidence);
        s.overrides().clearExpiredPin(now);
        s.automaticSwitches().forgetOlderThan(SwitchBudgetRule.WINDOW, now);
        RuleChain.Result result = RuleChain.run(new Evaluation(s, evidence, now, fleet));
        Outcome outcome;
        if (result.ending() instanceof RuleChain.Ending.Held held) {
            outcome = new Outcome.Held(s.group().id(), held.reason(), held.why());
        } else if (result.ending() instanceof RuleChain.Ending.Moved moved && moved.move() instanceof Move.Switch sw) {
            outcome = new Outcome.Switched(s.switchAutomatically(sw.to(), sw.kind(), sw.reason(), evidence,
                    (before, decision) -> Explanations.ofDecision(s, before, decision, evidence, result.trace()),
                    decisionIds.get()));
            fleet.switched(evidence.at()); // the instant GroupState.switchAutomatically counts it at
        } else if (result.ending() instanceof RuleChain.Ending.Moved moved
                && moved.move() instanceof Move.EndDrill end) {
            outcome = commands.endDrill(s, end.outcome(), end.reason(), Decision.AUTOMATION, evidence, result.trace(),
                    end.abort())
                    .<Outcome>map(Outcome.Switched::new).orElse(new Outcome.Steady(s.group().id()));
        } else {
            outcome = new Outcome.Steady(s.group().id());
        }
        s.evaluated(new GroupState.LastEvaluation(outcome, now, result.trace(), evidence));
        return outcome;
    }
}
