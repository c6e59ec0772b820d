package dev.failover.decision.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.failover.decision.input.InputLanes.Handling;

/**
 * Per-partition lanes: a partition's records in order, one at a time or up to a window of them waiting for their
 * publications, its segments acknowledged in order once handled
 * and never past a record left alone; other partitions not held back by one that waits; a long lane pauses its partition
 * until it is short again; a revoked partition's queued records are dropped. Runs on the caller's thread.
 */
class InputLanesTest {

    /** Records are "p:n"; "p:n:wait" waits for the test, "p:n:alone" is left alone. */
    final List<String> handled = new ArrayList<>();
    final Map<String, CompletableFuture<Void>> waiting = new HashMap<>();
    final List<String> acknowledged = new ArrayList<>();
    final List<String> flow = new ArrayList<>();
    final InputLanes.Handler<String, String> handler = (partition, record) -> {
        handled.add(record);
        if (record.endsWith(":wait")) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            waiting.put(record, done);
            return new Handling.Pending(done);
        }
        return record.endsWith(":alone") ? InputLanes.LEFT_ALONE : InputLanes.DONE;
    };
    final InputLanes.Flow<String> pauses = new InputLanes.Flow<>() {
        @Override
        public void pause(String partition) {
            flow.add("pause " + partition);
        }

        @Override
        public void resume(String partition) {
            flow.add("resume " + partition);
        }
    };
    final InputLanes<String, String> lanes = new InputLanes<>(handler, pauses, 4, 1, 1);

    void append(String partition, String... records) {
        append(lanes, partition, records);
    }

    void append(InputLanes<String, String> to, String partition, String... records) {
        to.append(partition, List.of(records), () -> acknowledged.add(records[records.length - 1]), Runnable::run);
    }

    /**
     * With a window, the records after one waiting for its publication go on (a region's groups publish side by side),
     * up to the window of records waiting; segments are still acknowledged in order, once every record up to their last
     * is published.
     */
    @Test
    void withAWindowTheRecordsAfterOneWaitingGoOnAndAreAcknowledgedInOrder() {
        InputLanes<String, String> windowed = new InputLanes<>(handler, pauses, 100, 1, 3);
        append(windowed, "p", "p:1:wait", "p:2");
        append(windowed, "p", "p:3:wait", "p:4:wait", "p:5");

        assertThat(handled).as("a window of three waiting: p:1, p:3 and p:4; p:2 handled at once").containsExactly(
                "p:1:wait", "p:2", "p:3:wait", "p:4:wait");
        waiting.get("p:3:wait").complete(null);
        assertThat(handled).as("p:3 published: room in the window for p:5").containsExactly("p:1:wait", "p:2",
                "p:3:wait",
                "p:4:wait", "p:5");
        assertThat(acknowledged).as("nothing acknowledged past p:1").isEmpty();

        waiting.get("p:1:wait").complete(null);
        assertThat(acknowledged).as("the first segment, the second waiting for p:4").containsExactly("p:2");
        assertThat(windowed.queued("p")).as("p:4 and p:5").isEqualTo(2);

        waiting.get("p:4:wait").complete(null);
        assertThat(acknowledged).containsExactly("p:2", "p:5");
        assertThat(windowed.queued("p")).isZero();
    }

    /**
     * Records handled at once behind one that waits do not use up the window: at 1,000 results a second a partition's
     * results would otherwise stall behind any publication slower than the window's worth of them, and go stale.
     */
    @Test
    void recordsHandledAtOnceBehindAWaitingOneDoNotUseUpTheWindow() {
        InputLanes<String, String> windowed = new InputLanes<>(handler, pauses, 100, 1, 2);
        List<String> records = new ArrayList<>(List.of("p:0:wait"));
        for (int i = 1; i <= 20; i++) {
            records.add("p:" + i);
        }
        records.addAll(List.of("p:21:wait", "p:22", "p:23:wait"));
        append(windowed, "p", records.toArray(String[]::new));

        assertThat(handled).as("everything up to the second waiting one, which fills the window").hasSize(22)
                .endsWith("p:20", "p:21:wait");
        assertThat(acknowledged).isEmpty();
        waiting.get("p:0:wait").complete(null);
        assertThat(handled).endsWith("p:22", "p:23:wait");
        waiting.get("p:21:wait").complete(null);
        waiting.get("p:23:wait").complete(null);
        assertThat(acknowledged).containsExactly("p:23:wait");
        assertThat(windowed.queued("p")).isZero();
    }

    @Test
    void aRecordWaitingForItsPublicationHoldsBackItsOwnPartitionOnly() {
        append("p", "p:1:wait", "p:2");
        append("q", "q:1", "q:2");
        append("p", "p:3");

        assertThat(handled).as("handled while p:1 waits").containsExactly("p:1:wait", "q:1", "q:2");
        assertThat(acknowledged).as("acknowledged while p:1 waits").containsExactly("q:2");
        assertThat(lanes.queued("p")).as("records in p's lane").isEqualTo(3);

        waiting.get("p:1:wait").complete(null);
        assertThat(handled).as("handled once p:1 is published").containsExactly("p:1:wait", "q:1", "q:2", "p:2", "p:3");
        assertThat(acknowledged).as("segments acknowledged, in order per partition").containsExactly("q:2", "p:2",
                "p:3");
        assertThat(lanes.queued("p")).isZero();
    }

    @Test
    void aSegmentWithARecordLeftAloneIsNotAcknowledged() {
        append("p", "p:1", "p:2:alone", "p:3");
        append("p", "p:4");
        assertThat(handled).containsExactly("p:1", "p:2:alone", "p:3", "p:4");
        assertThat(acknowledged).as("segments acknowledged (the throttled commit goes no further than p:1's segment)")
                .containsExactly("p:4");
    }

    @Test
    void aLaneLongerThanTheHighWaterMarkPausesItsPartitionUntilItIsDownToTheLowWaterMark() {
        append("p", "p:1:wait", "p:2", "p:3");
        assertThat(flow).as("at 3 records").isEmpty();
        append("p", "p:4", "p:5");
        assertThat(flow).as("at 5 records, above 4").containsExactly("pause p");
        append("p", "p:6");
        assertThat(flow).as("a segment arriving while too long (SmallRye resumed it): paused again")
                .containsExactly("pause p", "pause p");
        assertThat(lanes.paused()).containsExactly("p");

        waiting.get("p:1:wait").complete(null);
        assertThat(flow).as("once drained").containsExactly("pause p", "pause p", "resume p");
        assertThat(lanes.paused()).isEmpty();
    }

    @Test
    void aRevokedPartitionsQueuedRecordsAreDroppedAndItsWaitingSegmentIsNotAcknowledged() {
        append("p", "p:1:wait", "p:2");
        append("p", "p:3");
        lanes.revoked(List.of("p"));
        assertThat(lanes.queued("p")).isZero();

        append("p", "p:1", "p:2"); // assigned again: the new poll starts from the committed offset
        waiting.get("p:1:wait").complete(null);
        assertThat(handled).as("handled").containsExactly("p:1:wait", "p:1", "p:2");
        assertThat(acknowledged).as("acknowledged: only the segment read after the revocation").containsExactly("p:2");
    }
}
