package dev.failover.actuator.domain;

import java.time.Instant;

import dev.failover.actuator.dns.OwnerMark;
import dev.failover.actuator.dns.RecordKey;
import dev.failover.actuator.dns.ServedRecord;

/**
 * What one pass has learnt so far, step by step; immutable, each step that learns something hands on a copy.
 *
 * @param goal   what the pass converges on
 * @param now    when the pass started
 * @param key    the group's record
 * @param served what the record serves; null until {@link ReadRecord}
 * @param owner  whose the record is; null until {@link CheckOwner}
 */
record Pass(Goal goal, Instant now, RecordKey key, ServedRecord served, Ownership owner) {

    static Pass start(Goal goal, Instant now) {
        return new Pass(goal, now, RecordKey.of(goal.config()), null, null);
    }

    Pass read(ServedRecord record) {
        return new Pass(goal, now, key, record, owner);
    }

    Pass owned(Ownership ownership) {
        return new Pass(goal, now, key, served, ownership);
    }

    /**
     * Whether the record serves what the goal wants: a decision's sets under its own mark; the initial state's sets with
     * whatever TTL they were deployed with, mark or none.
     */
    boolean servedAsWanted() {
        if (goal instanceof Goal.Initial) {
            return RecordSets.matches(RecordSets.withoutTtl(served.sets()), RecordSets.withoutTtl(goal.wanted()));
        }
        return owner instanceof Ownership.Ours && RecordSets.matches(served.sets(), goal.wanted());
    }

    /** Whose the record is, by its ownership mark (a newer epoch's mark has ended the pass already: {@link CheckOwner}). */
    sealed interface Ownership {

        /** The mark is this group's, of the goal's epoch: the record was last written for this goal. */
        record Ours(OwnerMark mark) implements Ownership {
        }

        /** No mark, one of an older epoch, or another group's: a write takes the record over. */
        record NotOurs() implements Ownership {
        }
    }
}
