package dev.failover.actuator.domain.reconcile;

import java.util.Map;
import java.util.Optional;

import dev.failover.actuator.database.Database;
import dev.failover.actuator.domain.data.DataTier;

/**
 * Whether a group's database node may start as a primary, asked by the node's start-up guard before its server starts
 * (issue 50, item 7; ADR 0020 "A former primary never starts writable"). Patroni lets no node start as the leader without
 * the leader lock; here the lock is the desired state of the actuator that drives the group: only the node of the
 * target it wants (the decision's, or the chain's first before any decision) may take writes, and only while no other
 * node of the group was last seen taking writes. Anything else starts read-only, and so does a node whose guard reaches
 * no actuator that drives the group (fail closed: a former primary whose region was cut off during the failover is
 * exactly the node that cannot tell). A replica (a standby.signal in its data directory) is not asked: it cannot take
 * writes, and a read-only setting would fence it once promoted.
 */
public final class StartCheck {

    /**
     * @param writable whether the node may start as the primary it was
     * @param reason   why, in words, for the guard's log and the operator
     */
    public record Verdict(boolean writable, String reason) {
    }

    private StartCheck() {
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
        String record = ofRecord + "'s node (" + (status.desired() == null ? "the initial state, epoch 0"
                : "epoch " + status.desired().epoch()) + ")";
        if (!ofRecord.equals(target)) {
            return Optional.of(new Verdict(false, "the group's primary of record is " + record + ": " + target + "'s node"
                    + " starts read-only; rebuild it as a replica of the primary (pg_rewind or a new base backup)"));
        }
        Map<String, DataTier.Node> nodes = status.dataTier().nodes();
        for (Map.Entry<String, DataTier.Node> other : nodes.entrySet()) {
            if (!other.getKey().equals(target) && other.getValue().writable()) {
                return Optional.of(new Verdict(false, other.getKey() + "'s node was last seen taking writes, at "
                        + other.getValue().at() + ": " + target + "'s node starts read-only beside it"));
            }
        }
        DataTier.Node own = nodes.get(target);
        if (own != null && own.observation() instanceof Database.Observation.Observed o
                && o.role() == Database.Role.FENCED) {
            return Optional.of(new Verdict(false, target + "'s node was fenced as an old primary (last seen at " + own.at()
                    + "): it starts read-only until it is rebuilt as a replica"));
        }
        return Optional.of(new Verdict(true, target + "'s node is the group's primary of record, " + record
                + ", and no other node was last seen taking writes"));
    }
}
