package dev.failover.decision.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The read view takes this process's state records back as they were written, without decoding them again, also when
 * a group wrote several before the first came back (a region's failover: its decision, then the actuator's reports, a
 * second apart or less).
 */
class OwnStateRecordsTest {

    static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");

    final OwnStateRecords own = new OwnStateRecords();

    static StateRecord record(int second) {
        return new StateRecord(StateRecord.SCHEMA_VERSION, null, null, List.of(), T0.plusSeconds(second));
    }

    @Test
    void recordsWrittenBeforeTheFirstCameBackAreEachTakenBackOnce() {
        StateRecord first = record(1);
        StateRecord second = record(2);
        StateRecord third = record(3);
        own.wrote("g", "{1}", first);
        own.wrote("g", "{2}", second);
        own.wrote("g", "{3}", third);

        assertThat(own.readBack("g", "{1}")).as("the first, read back while two more are on their way")
                .containsSame(first);
        assertThat(own.readBack("g", "{2}")).containsSame(second);
        assertThat(own.readBack("g", "{3}")).containsSame(third);
        assertThat(own.readBack("g", "{3}")).as("taken back once").isEmpty();
    }

    @Test
    void aRecordThatNeverCameBackIsDroppedWhenALaterOneDoes() {
        StateRecord lost = record(1);
        StateRecord sent = record(2);
        own.wrote("g", "{1}", lost); // its send failed: the group's next publication sends a newer one
        own.wrote("g", "{2}", sent);

        assertThat(own.readBack("g", "{2}")).containsSame(sent);
        assertThat(own.readBack("g", "{1}")).as("dropped once a later record came back").isEmpty();
    }

    @Test
    void anotherInstancesRecordIsNotTakenForOnesOwn() {
        own.wrote("g", "{1}", record(1));
        assertThat(own.readBack("g", "{other}")).isEmpty();
        assertThat(own.readBack("h", "{1}")).isEmpty();
        assertThat(own.readBack(null, "{1}")).isEmpty();
        assertThat(own.readBack("g", "{1}")).as("still there for its own reading").isPresent();
    }

    @Test
    void aGroupHoldsAFewRecordsAtMost() {
        for (int i = 0; i < OwnStateRecords.PER_GROUP + 5; i++) {
            own.wrote("g", "{" + i + "}", record(i));
        }
        assertThat(own.readBack("g", "{0}")).as("the oldest forgotten beyond the bound").isEmpty();
        assertThat(own.readBack("g", "{" + (OwnStateRecords.PER_GROUP + 4) + "}")).isPresent();
    }
}
