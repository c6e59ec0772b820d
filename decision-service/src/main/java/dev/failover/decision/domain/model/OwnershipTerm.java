package dev.failover.decision.domain.model;

/**
 * What an instance brings to deciding a group (ADR 0002): the Kafka consumer group generation of the
 * assignment that gave it the group's partition, and a tag of its own instance id. The term the group is then decided
 * under is {@link #after(long) one above the highest term the group's restored state knows}, or the generation when
 * that is higher: it is persisted with every snapshot, so terms keep rising when the consumer group is re-created
 * (deleted, its offsets expired, moved to a new cluster) and its generations start again at 1.
 * <p>
 * Each (term, instance) mints its epochs from its own range, {@code term * 2^33 + instance * 2^20} upwards: a later term's
 * epochs are the higher, and two owners restored from the same state never mint the same epoch. In one generation a
 * partition has one member, so the generation sets two owners of one consumer group apart; after a re-created group the
 * zombie of the old one and the new owner can reach the same term, and the instance tag sets them apart (two instance
 * ids with the same tag, 1 in {@value #INSTANCES} per pair, are not; ADR 0002). Epochs stay monotonic: a restored epoch
 * above the range's start is carried on.
 *
 * @param generation the consumer group generation; 0 when none is known (tools, tests, a consumer outside a group)
 * @param instance   the instance's tag, 0 to {@value #INSTANCES} - 1
 */
public record OwnershipTerm(int generation, int instance) {

    /** Epochs a term can mint before reaching the next instance's range: about a million decisions of one group. */
    public static final int SEQUENCE_BITS = 20;
    /** Bits of the instance tag in an epoch. */
    public static final int INSTANCE_BITS = 13;
    /** How many instance tags there are. */
    public static final int INSTANCES = 1 << INSTANCE_BITS;
    /**
     * Terms an epoch can hold without leaving 0 to 2^53 (the range a stored record is trusted in, StoredStateTrust): 2^20,
     * a rebalance a minute for two years.
     */
    public static final long MAX_TERM = (1L << (53 - SEQUENCE_BITS - INSTANCE_BITS)) - 1;
    /** No known generation: epochs are minted as before, one above the last, and the term is carried on. */
    public static final OwnershipTerm NONE = new OwnershipTerm(0, 0);

    public OwnershipTerm {
        if (generation < 0) {
            throw new IllegalArgumentException("a consumer group generation is never negative, was " + generation);
        }
        if (instance < 0 || instance >= INSTANCES) {
            throw new IllegalArgumentException("an instance tag is 0 to " + (INSTANCES - 1) + ", was " + instance);
        }
    }

    /** The term of a generation, for the instance with id {@code instanceId}. */
    public OwnershipTerm(int generation, String instanceId) {
        this(generation, tagOf(instanceId));
    }

    /**
     * The term of a generation as the Kafka consumer reports it, for the instance {@code instanceId}: -1 (not in a group)
     * is {@link #NONE}.
     */
    public static OwnershipTerm ofGeneration(int generationId, String instanceId) {
        return generationId <= 0 ? NONE : new OwnershipTerm(generationId, instanceId);
    }

    /** The instance tag of an instance id: its hash, the same in every JVM (String#hashCode is specified). */
    static int tagOf(String instanceId) {
        return Math.floorMod(instanceId.hashCode(), INSTANCES);
    }

    /**
     * The term to decide under, given {@code known}, the highest term the group's restored state shows (its snapshot's
     * and its latest epoch's): one above it, or the generation when that is higher; {@code known} itself when no
     * generation is known.
     */
    public long after(long known) {
        if (generation == 0) {
            return known;
        }
        long term = Math.max(generation, known + 1);
        if (term > MAX_TERM) {
            throw new IllegalStateException(
                    "term " + term + " is above " + MAX_TERM + ": its epochs would leave 0 to 2^53");
        }
        return term;
    }

    /** The lowest epoch that {@code term} mints for this instance: above every epoch of an earlier term. */
    public long firstEpoch(long term) {
        return generation == 0 ? 0 : term << (SEQUENCE_BITS + INSTANCE_BITS) | (long) instance << SEQUENCE_BITS;
    }

    /** The term an epoch was minted under; 0 for the epochs minted before terms were persisted. */
    public static long termOf(long epoch) {
        return epoch >>> (SEQUENCE_BITS + INSTANCE_BITS);
    }
}
