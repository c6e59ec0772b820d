package dev.failover.decision.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.testkit.topology.TestTopology;

/**
 * Which state record a reader keeps for a group when the first read to the end and the topic's consumer hand it the
 * same records, in any interleaving: the latest in the partition, unless its epoch went back (a zombie's record).
 */
class StateDirectoryTest {

    static StateDirectory.Held held(long epoch, long offset) {
        return held(epoch, 0, offset);
    }

    /** @param term the term of the owner that wrote the record (ADR 0002) */
    static StateDirectory.Held held(long epoch, long term, long offset) {
        GroupSnapshot snapshot = new GroupSnapshot(TestTopology.GROUP, TestTopology.PRIMARY, epoch, null, List.of(),
                null, null,
                null, null, List.of(), List.of(), null, null, List.of(), List.of(), List.of(), null, null, term, 0);
        return new StateDirectory.Held(new StateRecord(StateRecord.SCHEMA_VERSION, snapshot, null, List.of(), null),
                offset);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a later record of the same epoch", held(3, 10), held(3, 11), 11L),
                Arguments.of("a later record of a higher epoch", held(3, 10), held(4, 12), 12L),
                Arguments.of("an earlier record handed over again (the consumer reads from the start)", held(3, 10),
                        held(3, 2), 10L),
                Arguments.of("an earlier record of a lower epoch", held(3, 10), held(0, 0), 10L),
                Arguments.of("the same record twice", held(3, 10), held(3, 10), 10L),
                Arguments.of("a later record of a lower epoch (a zombie owner's)", held(3, 10), held(2, 14), 10L),
                Arguments.of("a later record of the same epoch and a later term (the new owner's pause)",
                        held(3, 5, 10),
                        held(3, 6, 11), 11L),
                Arguments.of("a later record of the same epoch and an earlier term (a zombie owner's)", held(3, 6, 10),
                        held(3, 5, 11), 10L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void keepsTheNewest(String name, StateDirectory.Held held, StateDirectory.Held arriving, long kept) {
        assertThat(held.newest(arriving).offset()).as(name).isEqualTo(kept);
    }
}
