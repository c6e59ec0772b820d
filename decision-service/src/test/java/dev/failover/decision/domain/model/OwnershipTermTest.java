package dev.failover.decision.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The term an owner decides under (ADR 0002): what it is after the restored state's term, and its epochs. */
class OwnershipTermTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "'a rebalance: the generation is above the stored term', 8, 7, 8",
            "'a re-created consumer group: one above the stored term', 1, 7, 8",
            "'generations that caught up again', 9, 9, 10",
            "'nothing stored yet', 1, 0, 1",
            "'no generation known (tools, tests): the stored term carried on', 0, 7, 7" })
    void theTermIsOneAboveTheStoredOneOrTheGeneration(String name, int generation, long stored, long term) {
        assertThat(new OwnershipTerm(generation, "decider-a").after(stored)).as(name).isEqualTo(term);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "'a later term, any instance', 8, decider-a, 7, decider-b",
            "'the same term, another instance', 7, decider-a, 7, decider-b" })
    void epochRangesNeverOverlap(String name, long term, String instance, long otherTerm, String otherInstance) {
        OwnershipTerm one = new OwnershipTerm(1, instance);
        OwnershipTerm other = new OwnershipTerm(1, otherInstance);
        long first = one.firstEpoch(term);
        long otherFirst = other.firstEpoch(otherTerm);
        long otherLast = otherFirst + (1L << OwnershipTerm.SEQUENCE_BITS) - 1;
        assertThat(first > otherLast || first + (1L << OwnershipTerm.SEQUENCE_BITS) - 1 < otherFirst)
                .as(name + ": ranges " + first + " and " + otherFirst + " apart").isTrue();
        assertThat(OwnershipTerm.termOf(first)).as(name + ": the term read back from the epoch").isEqualTo(term);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "'epochs of earlier releases (generation << 20) are of term 0', 7340033, 0" })
    void earlierEpochsAreOfTermZero(String name, long epoch, long term) {
        assertThat(OwnershipTerm.termOf(epoch)).as(name).isEqualTo(term);
    }

    @org.junit.jupiter.api.Test
    void aTermWhoseEpochsWouldLeaveTheTrustedRangeIsRefused() {
        assertThatThrownBy(() -> new OwnershipTerm(1, "decider-a").after(OwnershipTerm.MAX_TERM))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2^53");
        long last = new OwnershipTerm(1, OwnershipTerm.INSTANCES - 1).firstEpoch(OwnershipTerm.MAX_TERM)
                + (1L << OwnershipTerm.SEQUENCE_BITS) - 1;
        assertThat(last).as("the last epoch of the last term").isLessThanOrEqualTo(1L << 53);
    }
}
