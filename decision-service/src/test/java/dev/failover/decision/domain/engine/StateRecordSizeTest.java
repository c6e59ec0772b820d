package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.engine;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.GroupJournal;
import dev.failover.decision.rest.InputLimits;
import dev.failover.decision.store.ExplanationRecord;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateRecord;

/**
 * A group's state record must stay below the broker's message limit whatever the API lets callers send: else the
 * record cannot be published and the group's state stops being persisted. Worst case: every command as long as the
 * input bounds allow, in the characters that encode longest, as many commands as a group takes within the max age.
 */
class StateRecordSizeTest {

    /** The producer's default max.request.size (and about the broker's default max.message.bytes). */
    static final int KAFKA_MESSAGE_LIMIT = 1024 * 1024;

    @Test
    void theWorstCaseStateRecordFitsInAKafkaMessageWithRoomToSpare() {
        String reason = "\uD83D\uDE00".repeat(InputLimits.MAX_REASON); // 4 bytes of UTF-8 per code point
        String principal = "\"".repeat(InputLimits.MAX_PRINCIPAL); // 2 bytes of JSON per character
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        List<StateRecord.CommandResult> recentCommands = new ArrayList<>();
        for (int i = 0; i < Command.MAX_COMMANDS_PER_MAX_AGE + 10; i++) {
            clock.set(T0.plusMillis(i));
            String target = i % 2 == 0 ? "secondary" : "primary";
            Command command = i % 3 == 0 ? new Command.Pause("api", reason, principal)
                    : new Command.Force("api", target, reason, principal);
            String id = "command-" + "x".repeat(40) + i;
            CommandOutcome outcome = engine.apply(new Command.Issued(id, clock.instant(), command));
            if (!(outcome instanceof CommandOutcome.Repeated)) {
                recentCommands
                        .add(StateRecord.CommandResult.of(GroupSnapshot.SeenCommand.of(id, clock.instant(), outcome),
                                clock.instant()));
            }
        }
        // the actuator's steps, each with a detail longer than what is kept, every one its own entry
        for (int i = 0; i < 2 * GroupJournal.RECENT_ACTUATIONS; i++) {
            engine.feedback().onActuationStep("api",
                    new GroupSnapshot.ActuationEntry(T0.plusMillis(i), "decision-" + "x".repeat(40) + i,
                            i, ActuationStep.DNS_SWITCH, ActuationStatus.FAILED, "route53", reason));
        }
        assertThat(engine.snapshot("api").orElseThrow().recentActuations()).as("actuations kept")
                .hasSize(GroupJournal.RECENT_ACTUATIONS);
        assertThat(engine.snapshot("api").orElseThrow().seenCommands()).as("commands remembered")
                .hasSize(Command.MAX_COMMANDS_PER_MAX_AGE);
        List<StateRecord.CommandResult> last = recentCommands.subList(recentCommands.size() - 20,
                recentCommands.size());
        StateRecord record = new StateRecord(StateRecord.SCHEMA_VERSION, engine.snapshot("api").orElseThrow(),
                engine.view("api").orElseThrow(), last, Instant.now());

        int bytes = StateCodec.encode(record).getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("bytes of the worst-case state record").isLessThan(KAFKA_MESSAGE_LIMIT / 2);
        assertThat(bytes).as("bytes of the worst-case state record: the reasons are in it").isGreaterThan(
                20 * reason.getBytes(StandardCharsets.UTF_8).length);

        // the explanations of the same decisions, on their own topic (ADR 0011): all of the latest fit, none left out
        engine.unpublished("api").forEach(d -> engine.published("api", d.decisionId()));
        List<Explanation> explanations = engine.explanations("api");
        assertThat(explanations).as("explanations kept").hasSize(5);
        String json = ExplanationRecord.encodeFitting("api", explanations, clock.instant()).orElseThrow();
        assertThat(StateCodec.decodeExplanations(json).explanations()).as("explanations in the worst-case record")
                .isEqualTo(explanations);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).as("bytes of the worst-case explanation record")
                .isLessThan(KAFKA_MESSAGE_LIMIT / 2).isGreaterThan(5 * reason.getBytes(StandardCharsets.UTF_8).length);
    }
}
