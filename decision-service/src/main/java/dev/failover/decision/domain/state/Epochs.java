package dev.failover.decision.domain.state;

import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.OwnershipTerm;

/**
 * The epochs one group's decisions are minted with: the latest, and the term (with the tag of the instance deciding the
 * group) the next is minted under, so that two owners of the group never mint the same epoch ({@link OwnershipTerm},
 * ADR 0002). Part of {@link Traffic}, which owns it; not thread-safe, the engine serialises access.
 */
public final class Epochs {

    private long epoch;
    /** The lowest epoch the term this instance decides the group under may mint; 0 when none. */
    private long firstEpochOfTerm;
    /** The term the group is decided under, and the tag of the instance deciding it: persisted. */
    private long term;
    private int termInstance;
    /** What this instance brings to deciding the group (generation, instance tag); NONE until it acquires it. */
    private OwnershipTerm owner = OwnershipTerm.NONE;

    /** The latest epoch: of the group's latest decision, or of one published that this state took in. */
    public long epoch() {
        return epoch;
    }

    long term() {
        return term;
    }

    int termInstance() {
        return termInstance;
    }

    /** Where a snapshot of this state ranks ({@link GroupSnapshot#rank()}). */
    GroupSnapshot.Rank rank() {
        return new GroupSnapshot.Rank(epoch, term, termInstance);
    }

    /** This instance decides the group under {@code owner} now: its next epoch is at least the term's first. */
    void decideUnder(OwnershipTerm owner) {
        this.owner = owner;
        term = owner.after(Math.max(term, OwnershipTerm.termOf(epoch)));
        termInstance = owner.instance();
        firstEpochOfTerm = owner.firstEpoch(term);
    }

    /** The epoch of a new decision: one above the latest, and no lower than the term's first. */
    long next() {
        epoch = Math.max(epoch + 1, firstEpochOfTerm);
        return epoch;
    }

    /**
     * The epoch of a decision re-issued over {@code served}, the epoch of another owner's decision that the actuator
     * serves: above it, in a term above the served epoch's, whose range is this instance's alone (without a known
     * generation, one above it).
     */
    long nextAbove(long served) {
        if (served >= firstEpochOfTerm) {
            if (owner.generation() == 0) {
                epoch = Math.max(epoch, served);
            } else {
                term = owner.after(Math.max(term, OwnershipTerm.termOf(served)));
                firstEpochOfTerm = owner.firstEpoch(term);
            }
        }
        return next();
    }

    /** The latest epoch is {@code latest}: a replay's start, or a published decision this state had not taken in. */
    void startFrom(long latest) {
        epoch = latest;
    }

    /** Takes a persisted snapshot's epoch and term; the term this instance decides under is set when it acquires. */
    void restore(GroupSnapshot s) {
        term = s.term();
        termInstance = s.termInstance();
        epoch = s.epoch();
    }
}
