package dev.failover.decision.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.decision.ownership.PartitionOwnership.Standing;

/** A record is decided only by its group's owner, and only when key, partition and payload agree on the group. */
class AdmissionTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("a", 1, "a", 1, Standing.DECIDING, new Admission.Decide()),
                Arguments.of("a", 1, "a", 1, Standing.CATCHING_UP, new Admission.Observe()),
                Arguments.of("a", 1, "a", 1, Standing.NOT_ASSIGNED, new Admission.Ignore(Standing.NOT_ASSIGNED)),
                Arguments.of("a", 1, "a", 1, Standing.NOT_RESTORED, new Admission.Ignore(Standing.NOT_RESTORED)),
                Arguments.of("a", 1, "a", 1, Standing.LEASE_LAPSED, new Admission.Ignore(Standing.LEASE_LAPSED)),
                Arguments.of("a", 1, "b", 1, Standing.DECIDING,
                        new Admission.DeadLetter("record key 'a' differs from the "
                                + "payload's group 'b': the record would be decided by the owner of the key's partition, not the group's")),
                // an inconsistent record is dead-lettered whoever reads it, owner or not
                Arguments.of("a", 1, "b", 1, Standing.NOT_ASSIGNED,
                        new Admission.DeadLetter("record key 'a' differs from the "
                                + "payload's group 'b': the record would be decided by the owner of the key's partition, not the group's")),
                Arguments.of(null, 1, "b", 1, Standing.DECIDING,
                        new Admission.DeadLetter("record key (none) differs from the "
                                + "payload's group 'b': the record would be decided by the owner of the key's partition, not the group's")),
                Arguments.of("a", 2, "a", 1, Standing.DECIDING,
                        new Admission.DeadLetter(
                                "record of group 'a' is in partition 2, its key belongs in partition 1")));
    }

    @ParameterizedTest(name = "key {0} in partition {1}, payload group {2} of partition {3}, {4}")
    @MethodSource("rows")
    void admission(String key, int partition, String group, int home, Standing standing, Admission expected) {
        assertThat(Admission.of(key, partition, group, home, standing)).isEqualTo(expected);
    }
}
