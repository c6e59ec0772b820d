package dev.failover.decision.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Topics;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * A group is restored from its best trusted snapshot, the one taking every trusted snapshot in log order would leave
 * (GroupState.restore: the highest rank, then the latest), and the signatures of the snapshots after it in that order
 * are never checked.
 */
class SnapshotCandidatesTest {

    /** A snapshot of group {@code group} at {@code offset}, of epoch {@code epoch} and term {@code term}. */
    record Written(String group, long offset, long epoch, long term) {
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("the latest of one epoch, the older ones unchecked",
                        List.of(w("a", 1, 3, 0), w("a", 2, 3, 0), w("a", 3, 3, 0)), Set.of(), List.of(3L), List.of(3L)),
                Arguments.of("a higher epoch written before a zombie's lower one",
                        List.of(w("a", 1, 4, 0), w("a", 2, 3, 0)), Set.of(), List.of(1L), List.of(1L)),
                Arguments.of("a higher term of the same epoch",
                        List.of(w("a", 1, 3, 2), w("a", 2, 3, 1)), Set.of(), List.of(1L), List.of(1L)),
                Arguments.of("the best untrusted: the next best, after checking both",
                        List.of(w("a", 1, 3, 0), w("a", 2, 3, 0), w("a", 3, 9, 0)), Set.of(3L), List.of(2L),
                        List.of(3L, 2L)),
                Arguments.of("none trusted: nothing restored, every one checked",
                        List.of(w("a", 1, 3, 0), w("a", 2, 4, 0)), Set.of(1L, 2L), List.of(), List.of(2L, 1L)),
                Arguments.of("groups apart",
                        List.of(w("a", 1, 3, 0), w("b", 2, 1, 0), w("a", 3, 3, 0), w("b", 4, 2, 0)), Set.of(),
                        List.of(3L, 4L), List.of(3L, 4L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachGroupFromItsBestTrustedSnapshot(String name, List<Written> written, Set<Long> untrustedOffsets,
            List<Long> restoredOffsets, List<Long> checkedOffsets) {
        SnapshotCandidates candidates = new SnapshotCandidates();
        written.forEach(w -> candidates.add(new ConsumerRecord<>(Topics.DECISION_STATE, 0, w.offset(), w.group(), "{}"),
                snapshot(w)));
        List<Long> checked = new ArrayList<>();

        List<SnapshotCandidates.Candidate> chosen = candidates.bestTrusted(c -> {
            checked.add(c.record().offset());
            return !untrustedOffsets.contains(c.record().offset());
        });

        assertThat(chosen).extracting(c -> c.record().offset()).containsExactlyElementsOf(restoredOffsets);
        assertThat(checked).as("signatures checked, in order").containsExactlyElementsOf(checkedOffsets);
    }

    static Written w(String group, long offset, long epoch, long term) {
        return new Written(group, offset, epoch, term);
    }

    static GroupSnapshot snapshot(Written w) {
        return new GroupSnapshot(w.group(), "primary", w.epoch(), null, List.of(), null, null, null, null, List.of(),
                List.of(),
                null, null, List.of(), List.of(), List.of(), null, null, w.term(), 0);
    }
}
