package dev.failover.actuator.domain.reconcile;

import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.DataTier;

/**
 * Whether a group's database node may start as a primary, asked by the node's start-up guard before its server starts
 * (ADR 0020 "A former primary never starts writable"). Patroni lets no node start as the leader without
 * the leader lock; here the lock is the desired state of the actuator that drives the group: only the node of the
 * target it wants (the decision's, or the chain's first before any decision) may take writes, and only while no other
 * node of the group was last seen taking writes. Anything else starts read-only, and so does a node whose guard reaches
 * no actuator that drives the group (fail closed: a former primary whose region was cut off during the failover is
 * exactly the node that cannot tell). An instance answers only while it holds its lease: a region cut off from Kafka
 * keeps its assignment and a stale view, and answered "writable" from its initial state beside a newer owner. A replica (a standby.signal in its data directory) is not asked: it cannot take
 * writes, and a read-only setting would fence it once promoted.
 */
public final class StartCheck {

    /**
     * @param writable whether the node may start as the primary it was
     * @param reason   why, in words, for the guard's log and the operator
     * @param epoch    the desired state's epoch the verdict comes from (0: the initial state): of several actuators that
     *                 each think they drive the group (one cut off, its view stale), the guard takes the newest's
     */
    public record Verdict(boolean writable, String reason, long epoch) {

        /** Of the initial state. */
        public Verdict(boolean writable, String reason) {
            this(writable, reason, 0);
        }
    }

    /** What an actuator answers a start-up guard. */
    public sealed interface Answer {

        /** This instance drives the group and may answer for it. */
        record Given(Verdict verdict) implements Answer {
        }

        /** Not driven here (its partition is assigned elsewhere): another instance must be asked. */
        record NotDriven() implements Answer {
        }

        /**
         * Driven here as far as this instance knows, but it cannot vouch for its view now: its lease lapsed (a region
         * cut off from Kafka keeps its assignment and a stale desired state, yet another instance may drive the group
         * at a newer epoch). The guard passes over it.
         */
        record NotNow(String why) implements Answer {
        }
    }

    private StartCheck() {
    }

    /**
     * The answer of an instance to the guard of {@code target}'s node: only while it holds the lease and drives the group
     * (its partition assigned and restored here), from its status.
     *
     * @param lapsed why this instance's lease lapsed; empty while it holds
     * @param status the group's status here; null when it does not drive the group
     */
    public static Answer answer(Optional<String> lapsed, GroupStatus status, String target) {
        if (status == null) {
            return new Answer.NotDriven();
        }
        if (lapsed.isPresent()) {
            return new Answer.NotNow(
                    "this actuator cannot vouch for its view of " + status.group() + ": " + lapsed.get()
                            + "; another region's actuator may drive the group at a newer epoch");
        }
        return judge(status, target).<Answer>map(Answer.Given::new).orElseGet(Answer.NotDriven::new);
    }

    /**
     * The verdict for {@code target}'s node from the status of the instance that drives the group; empty when this
     * status wants nothing (the group is not driven here: another instance must be asked).
     */
    public static Optional<Verdict> judge(GroupStatus status, String target) {
        String ofRecord = status.desired() != null ? status.desired().target() : status.initialTarget();
        if (ofRecord == null) {
            return Optional.empty();
        }
        long epoch = status.desired() == null ? 0 : status.desired().epoch();
        String record = ofRecord + "'s node (" + (status.desired() == null ? "the initial state, epoch 0"
                : "epoch " + epoch) + ")";
        if (!ofRecord.equals(target)) {
            return Optional.of(new Verdict(false, "the group's primary of record is " + record + ": " + target
                    + "'s node"
                    + " starts read-only; rebuild it as a replica of the primary (pg_rewind or a new base backup)",
                    epoch));
        }
        Map<String, DataTier.Node> nodes = status.dataTier().nodes();
        for (Map.Entry<String, DataTier.Node> other : nodes.entrySet()) {
            if (!other.getKey().equals(target) && other.getValue().writable()) {
                return Optional.of(new Verdict(false, other.getKey() + "'s node was last seen taking writes, at "
                        + other.getValue().at() + ": " + target + "'s node starts read-only beside it", epoch));
            }
        }
        DataTier.Node own = nodes.get(target);
        if (own != null && own.observation() instanceof Database.Observation.Observed o
                && o.role() == Database.Role.FENCED) {
            return Optional
                    .of(new Verdict(false, target + "'s node was fenced as an old primary (last seen at " + own.at()
                            + "): it starts read-only until it is rebuilt as a replica", epoch));
        }
        return Optional.of(new Verdict(true, target + "'s node is the group's primary of record, " + record
                + ", and no other node was last seen taking writes", epoch));
    }
}
