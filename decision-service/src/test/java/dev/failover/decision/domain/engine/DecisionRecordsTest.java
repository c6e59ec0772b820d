package dev.failover.decision.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.Decision;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.store.ExplanationRecord;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateRecord;
import dev.failover.testkit.records.ReleaseRecords;

/**
 * The decision-service's own records (its state and its explanations, compacted topics a new owner restores from), as
 * this release writes them after a failover by quorum and an operator's pause, and every earlier release's read by this
 * build (ReleaseRecords): an upgraded instance must restore what the one before it left.
 */
class DecisionRecordsTest {

    private final ReleaseRecords records = ReleaseRecords.ofThisModule();

    @Test
    void thisReleaseWritesTheRecordsKeptForIt() {
        records.assertThisReleaseWrites(written());
    }

    @Test
    void everyEarlierReleasesRecordsAreReadWithoutLosingAValue() {
        records.assertEarlierReleasesRead(name -> switch (name) {
            case "decision-state" -> json -> StateCodec.encode(StateCodec.decode(json));
            case "decision-explanations" -> json -> StateCodec.encode(StateCodec.decodeExplanations(json));
            default -> null;
        });
    }

    static Map<String, String> written() {
        ManualClock clock = new ManualClock(DecisionEngineTest.T0);
        DecisionEngine engine = Engines.minimal(ExplanationTest.topology("hold", ""), clock, ExplanationTest.ids());
        Decision failover = ExplanationTest.failoverByQuorum(engine, clock);
        engine.published("api", failover.decisionId());
        Command.Issued pause = new Command.Issued("c-pause", clock.instant(),
                new Command.Pause("api", "change 4711", "alice"));
        CommandOutcome paused = engine.apply(pause);
        assertThat(paused).isInstanceOf(CommandOutcome.Accepted.class);

        DecisionEngine.PublishableState state = engine.publishableState("api").orElseThrow();
        StateRecord.CommandResult result = StateRecord.CommandResult.of(
                GroupSnapshot.SeenCommand.of(pause.commandId(), pause.issuedAt(), paused), clock.instant());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("decision-state", StateCodec.encode(new StateRecord(StateRecord.SCHEMA_VERSION, state.snapshot(),
                state.view(), List.of(result), clock.instant())));
        out.put("decision-explanations",
                StateCodec.encode(new ExplanationRecord(ExplanationRecord.SCHEMA_VERSION, "api",
                        engine.explanations("api"), clock.instant())));
        return out;
    }
}
