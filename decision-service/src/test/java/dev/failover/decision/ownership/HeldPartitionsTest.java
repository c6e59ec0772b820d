package dev.failover.decision.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A revoke the rebalance listener was never told of (SmallRye skips it when its commit on revoke fails) is found at the
 * next assignment, eager or cooperative; one it was told of is not found twice.
 */
class HeldPartitionsTest {

    static final TopicPartition R0 = new TopicPartition("failover.probe-results", 0);
    static final TopicPartition R1 = new TopicPartition("failover.probe-results", 1);
    static final TopicPartition C0 = new TopicPartition("failover.commands", 0);

    static Arguments row(String what, Consumer<HeldPartitions> before, List<TopicPartition> assigned,
            List<TopicPartition> assignment, Set<TopicPartition> missed) {
        return Arguments.of(what, before, assigned, assignment, missed);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("first assignment", h -> {
                }, List.of(R0, C0), List.of(R0, C0), Set.of()),
                row("eager: revoke told, same partitions back", h -> {
                    h.assigned(List.of(R0, C0), List.of(R0, C0));
                    h.revoked(List.of(R0, C0));
                }, List.of(R0, C0), List.of(R0, C0), Set.of()),
                row("eager: revoke missed, same partitions back", h -> h.assigned(List.of(R0, C0), List.of(R0, C0)),
                        List.of(R0, C0), List.of(R0, C0), Set.of(R0, C0)),
                row("eager: revoke missed, other partitions", h -> h.assigned(List.of(R0, C0), List.of(R0, C0)),
                        List.of(R1), List.of(R1), Set.of(R0, C0)),
                row("eager: revoke missed, nothing assigned now", h -> h.assigned(List.of(R0), List.of(R0)),
                        List.of(), List.of(), Set.of(R0)),
                row("cooperative: kept partitions are no missed revoke",
                        h -> h.assigned(List.of(R0, C0), List.of(R0, C0)),
                        List.of(R1), List.of(R0, C0, R1), Set.of()),
                row("cooperative: one revoked and told, one kept", h -> {
                    h.assigned(List.of(R0, C0), List.of(R0, C0));
                    h.revoked(List.of(C0));
                }, List.of(R1), List.of(R0, R1), Set.of()),
                row("cooperative: one not kept and not told", h -> h.assigned(List.of(R0, C0), List.of(R0, C0)),
                        List.of(R1), List.of(R0, R1), Set.of(C0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aMissedRevokeIsFoundAtTheNextAssignment(String what, Consumer<HeldPartitions> before,
            List<TopicPartition> assigned, List<TopicPartition> assignment, Set<TopicPartition> missed) {
        HeldPartitions held = new HeldPartitions();
        before.accept(held);
        assertThat(held.assigned(assigned, assignment)).as(what).containsExactlyInAnyOrderElementsOf(missed);
    }

    @Test
    void everyAssignmentWithNoRevokeSinceTheLastFindsOne() {
        HeldPartitions held = new HeldPartitions();
        held.assigned(List.of(R0), List.of(R0));
        assertThat(held.assigned(List.of(R0), List.of(R0))).containsExactly(R0);
        assertThat(held.assigned(List.of(R0), List.of(R0))).as("the second assignment after it, no revoke between")
                .containsExactly(R0);
        held.revoked(List.of(R0));
        assertThat(held.assigned(List.of(R0), List.of(R0))).as("after a revoke told").isEmpty();
    }
}
