package dev.failover.decision.domain;

/**
 * The term under which an instance decides a group: the Kafka consumer group generation of the assignment that gave it
 * the group's partition (ADR 0002, issue 29). In one generation a partition is assigned to one member only, so two
 * owners restored from the same state (a cut-off zombie and its successor) decide under different terms; each term
 * mints its epochs from its own range, {@code generation * 2^}{@value #SEQUENCE_BITS} upwards, so their epochs never
 * collide and the later term's are the higher. Epochs stay monotonic: a restored epoch above the range's start is
 * carried on.
 *
 * @param generation the consumer group generation; 0 when none is known (tools, tests, a consumer outside a group)
 */
public record OwnershipTerm(int generation) {

    /** Epochs a term can mint before reaching the next term's range: about a million decisions of one group. */
    public static final int SEQUENCE_BITS = 20;
    /** No known generation: epochs are minted as before, one above the last. */
    public static final OwnershipTerm NONE = new OwnershipTerm(0);

    public OwnershipTerm {
        if (generation < 0) {
            throw new IllegalArgumentException("a consumer group generation is never negative, was " + generation);
        }
    }

    /** The term of a generation as the Kafka consumer reports it: -1 (not in a group) is {@link #NONE}. */
    public static OwnershipTerm ofGeneration(int generationId) {
        return generationId <= 0 ? NONE : new OwnershipTerm(generationId);
    }

    /** The lowest epoch this term mints: its decisions rank above every decision of an earlier term. */
    long firstEpoch() {
        return (long) generation << SEQUENCE_BITS;
    }
}
