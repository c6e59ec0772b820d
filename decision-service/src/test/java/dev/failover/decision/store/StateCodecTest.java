package dev.failover.decision.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.failover.decision.domain.model.CommandOutcome;

/**
 * Typed command outcomes and remembered command ids kept the state record's JSON compatible (schema version 1): a
 * record written before them reads as it did, and an enum value a newer instance wrote does not make a record unreadable.
 */
class StateCodecTest {

    /** As the service wrote it before: status and rejection as strings, no seen commands in the snapshot. */
    static final String BEFORE = """
            {"schemaVersion":1,
             "snapshot":{"group":"api","activeTarget":"secondary","epoch":4,"automaticSwitches":[],"audit":[],
                         "recentDecisions":[]},
             "recentCommands":[
               {"commandId":"c1","status":"ACCEPTED","rejection":null,"field":null,"message":"automation paused",
                "decisionIds":[],"at":"2026-11-21T10:00:00Z"},
               {"commandId":"c2","status":"REJECTED","rejection":"CONFLICT","field":"target","message":"not HEALTHY",
                "decisionIds":[],"at":"2026-11-21T10:00:01Z"}],
             "publishedAt":"2026-11-21T10:00:02Z"}""";

    @Test
    void aRecordOfTheShapeBeforeReadsWithTypedOutcomes() {
        StateRecord record = StateCodec.decode(BEFORE);
        assertThat(record.snapshot().epoch()).isEqualTo(4);
        assertThat(record.snapshot().seenCommands()).as("seen commands of a record written before them").isEmpty();
        assertThat(record.recentCommands()).extracting(StateRecord.CommandResult::status)
                .containsExactly(CommandOutcome.Status.ACCEPTED, CommandOutcome.Status.REJECTED);
        assertThat(record.recentCommands().get(1).rejection()).isEqualTo(CommandOutcome.Rejection.CONFLICT);
    }

    @Test
    void aRecordWrittenNowReadsBackTheSame() {
        StateRecord record = StateCodec.decode(BEFORE);
        assertThat(StateCodec.decode(StateCodec.encode(record))).isEqualTo(record);
    }

    @Test
    void anUnknownRejectionFromANewerInstanceDoesNotMakeTheRecordUnreadable() {
        StateRecord record = StateCodec.decode(BEFORE.replace("\"CONFLICT\"", "\"SOMETHING_NEW\""));
        assertThat(record.recentCommands().get(1).rejection()).as("unknown rejection").isNull();
        assertThat(record.snapshot().activeTarget()).isEqualTo("secondary");
    }

    /** A take-over restores from the snapshot alone: the rest of the record, however large, is skipped unread. */
    @Test
    void theRestoreReadsTheSnapshotAloneAsTheWholeRecordHasIt() {
        String withView = BEFORE.replace("\"publishedAt\"",
                "\"view\":{\"group\":\"api\",\"targets\":[{\"target\":\"primary\","
                        + "\"locations\":[{\"location\":\"loc-a\",\"verdict\":\"UP\"}]}],\"unknownLater\":[1,2,{\"x\":null}]},\"publishedAt\"");
        assertThat(StateCodec.decodeSnapshot(withView)).isEqualTo(StateCodec.decode(BEFORE).snapshot());
        assertThatThrownBy(
                () -> StateCodec.decodeSnapshot(BEFORE.replace("\"schemaVersion\":1", "\"schemaVersion\":2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("of schema version 2");
        assertThatThrownBy(() -> StateCodec.decodeSnapshot("{\"schemaVersion\":1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without snapshot");
        assertThatThrownBy(() -> StateCodec.decodeSnapshot("{\"schemaVersion\":1,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unreadable state record");
    }
}
