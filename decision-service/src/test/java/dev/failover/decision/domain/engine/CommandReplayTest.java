package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.engine;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.GroupView;

/**
 * Commands expire and never act twice: a command issued longer ago than the command max age (default 5 min) is rejected
 * as EXPIRED, and a command id seen before is a no-op answered with its first outcome, also after a restart (the seen
 * ids are part of the group's state). The commands are break-glass forces, which switch whatever the health.
 */
class CommandReplayTest {

    /**
     * One command: applied at second {@code at} after T0, issued at second {@code issuedAt}; with {@code restart}, the
     * engine is first replaced by a new one restored from the old one's snapshot, as a new owner would be.
     */
    record Step(int at, String commandId, int issuedAt, String target, boolean restart) {
    }

    static Step step(int at, String commandId, int issuedAt, String target) {
        return new Step(at, commandId, issuedAt, target, false);
    }

    static Step afterRestart(int at, String commandId, int issuedAt, String target) {
        return new Step(at, commandId, issuedAt, target, true);
    }

    static Stream<Arguments> timelines() {
        return Stream.of(
                Arguments.of("a fresh command is applied", List.of(step(0, "c1", 0, "secondary")),
                        List.of("ACCEPTED FORCE"), 1),
                Arguments.of("a command exactly the max age old is still applied",
                        List.of(step(300, "c1", 0, "secondary")),
                        List.of("ACCEPTED FORCE"), 1),
                Arguments.of("a command older than the max age is EXPIRED", List.of(step(301, "c1", 0, "secondary")),
                        List.of("REJECTED EXPIRED"), 0),
                Arguments.of("a retry of the same command id is not acted on again",
                        List.of(step(0, "c1", 0, "secondary"), step(5, "c1", 5, "secondary")),
                        List.of("ACCEPTED FORCE", "REPEATED ACCEPTED"), 1),
                Arguments.of("a replay after a later command does not undo it",
                        List.of(step(0, "c1", 0, "secondary"), step(10, "c2", 10, "primary"),
                                step(20, "c1", 0, "secondary")),
                        List.of("ACCEPTED FORCE", "ACCEPTED FORCE", "REPEATED ACCEPTED"), 2),
                Arguments.of("a replay after a restart (offset reset) is not acted on again",
                        List.of(step(0, "c1", 0, "secondary"), step(10, "c2", 10, "primary"),
                                afterRestart(20, "c1", 0, "secondary")),
                        List.of("ACCEPTED FORCE", "ACCEPTED FORCE", "REPEATED ACCEPTED"), 2),
                Arguments.of("a replay once the id is forgotten is EXPIRED: nothing acts twice",
                        List.of(step(0, "c1", 0, "secondary"), step(10, "c2", 10, "primary"),
                                afterRestart(400, "c1", 0, "secondary")),
                        List.of("ACCEPTED FORCE", "ACCEPTED FORCE", "REJECTED EXPIRED"), 2),
                Arguments.of("a rejected command stays rejected when repeated",
                        List.of(step(0, "c1", 0, "mars"), step(5, "c1", 5, "mars")),
                        List.of("REJECTED INVALID", "REPEATED REJECTED"), 0),
                Arguments.of("the same command under a new id is a new command",
                        List.of(step(0, "c1", 0, "secondary"), step(10, "c2", 10, "primary"),
                                step(20, "c3", 20, "secondary")),
                        List.of("ACCEPTED FORCE", "ACCEPTED FORCE", "ACCEPTED FORCE"), 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timelines")
    void commandsExpireAndNeverActTwice(String name, List<Step> steps, List<String> expected, long epoch) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        List<String> outcomes = new ArrayList<>();
        for (Step step : steps) {
            clock.set(T0.plusSeconds(step.at()));
            if (step.restart()) {
                GroupSnapshot saved = engine.snapshot("api").orElseThrow();
                engine = engine("hold", "live", clock);
                engine.handover().restore(saved);
            }
            CommandOutcome outcome = engine.apply(new Command.Issued(step.commandId(), T0.plusSeconds(step.issuedAt()),
                    new Command.Force("api", step.target(), "step at " + step.at(), "alice")));
            outcomes.add(describe(outcome));
        }
        assertThat(outcomes).as("outcomes").isEqualTo(expected);
        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.epoch()).as("epoch: one per switch actually made").isEqualTo(epoch);
        assertThat(view.audit()).as("audit entries of expired commands")
                .filteredOn(a -> a.action().startsWith("rejected EXPIRED")).hasSize((int) outcomes.stream()
                        .filter("REJECTED EXPIRED"::equals).count());
    }

    static String describe(CommandOutcome outcome) {
        if (outcome instanceof CommandOutcome.Accepted a) {
            return ("ACCEPTED " + String.join(" ", a.decisions().stream().map(Decision::kind).map(Enum::name).toList()))
                    .trim();
        }
        if (outcome instanceof CommandOutcome.Rejected r) {
            return "REJECTED " + r.rejection();
        }
        return "REPEATED " + ((CommandOutcome.Repeated) outcome).first().status();
    }

    @Test
    void seenIdsAreKeptInTheStateForTheMaxAgeOnly() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        engine.apply(new Command.Issued("c1", T0, new Command.Pause("api", "deploying", "carol")));
        clock.set(T0.plus(EngineLimits.DEFAULT_COMMAND_MAX_AGE));
        engine.tick();
        assertThat(engine.snapshot("api").orElseThrow().seenCommands()).as("seen commands at the max age")
                .extracting(GroupSnapshot.SeenCommand::commandId).containsExactly("c1");
        clock.set(T0.plus(EngineLimits.DEFAULT_COMMAND_MAX_AGE).plusSeconds(1));
        engine.tick();
        assertThat(engine.snapshot("api").orElseThrow().seenCommands()).as("seen commands past the max age").isEmpty();
    }

    @Test
    void aGroupTakesABoundedNumberOfCommandsWithinTheMaxAge() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        for (int i = 0; i < Command.MAX_COMMANDS_PER_MAX_AGE; i++) {
            CommandOutcome outcome = engine
                    .apply(new Command.Issued("c" + i, T0, new Command.Pause("api", "r" + i, "carol")));
            assertThat(outcome).as("command " + i).isInstanceOf(CommandOutcome.Accepted.class);
        }
        CommandOutcome over = engine.apply(new Command.Issued("one-more", T0, new Command.Resume("api", "r", "carol")));
        assertThat(describe(over)).as("the command past the bound").isEqualTo("REJECTED RATE_LIMITED");
        assertThat(describe(engine.apply(new Command.Issued("c0", T0, new Command.Pause("api", "r0", "carol")))))
                .as("a retry of a remembered command is still answered").isEqualTo("REPEATED ACCEPTED");
        assertThat(engine.snapshot("api").orElseThrow().seenCommands()).as("seen commands").hasSize(
                Command.MAX_COMMANDS_PER_MAX_AGE);
        assertThat(engine.view("api").orElseThrow().audit()).as("audit entries of the refused command")
                .noneMatch(a -> a.action().contains("RATE_LIMITED"));

        clock.set(T0.plus(EngineLimits.DEFAULT_COMMAND_MAX_AGE).plusSeconds(1));
        assertThat(describe(engine.apply(new Command.Issued("one-more", clock.instant(), new Command.Resume("api", "r",
                "carol"))))).as("the same command once the window passed").isEqualTo("ACCEPTED");
    }
}
