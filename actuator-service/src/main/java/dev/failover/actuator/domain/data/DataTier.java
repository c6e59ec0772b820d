package dev.failover.actuator.domain.data;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.failover.actuator.database.Database;

/**
 * What the reconciler last saw of a group's data tier (ADR 0020), for the group's status and the metrics: each target's
 * database node as last observed, since when a failover is held by the data-loss budget, and how long the last
 * promotion took from its request until the node was seen writable.
 *
 * @param nodes         by target id: the last observation of the target's node and when it was made
 * @param heldSince     since when an unplanned failover is held because the replica lags beyond
 *                      {@code safety.maxDataLossSeconds}; null when it is not
 * @param lastPromotion from the request of the last promotion this instance made until the node was seen writable; null
 *                      before any
 * @param promoted      the last promotion this instance requested: when, of which target, and what it was known it may
 *                      lose; null before any
 * @param exposures     by replica target: what promoting it would lose if the primary were lost now, as
 *                      measured when this value was made; alerted on before any failure
 * @param switchRefusedSince since when the provider refuses the DNS switch to a target whose database node already
 *                      takes writes (the database moved, the traffic did not: the old region's application writes to a
 *                      read-only node); null when it does not
 */
public record DataTier(Map<String, Node> nodes, Instant heldSince, Duration lastPromotion, Promotion promoted,
        Map<String, LossExposure> exposures, Instant switchRefusedSince) {

    /** Nothing seen yet (no database node, or no pass that looked). */
    public static final DataTier NONE = new DataTier(Map.of(), null, null, null, Map.of(), null);

    public DataTier {
        nodes = Map.copyOf(nodes);
        exposures = Map.copyOf(exposures);
    }

    /**
     * How long {@code target}'s node has been left unfenced after the plane's last promotion: from the promotion until
     * now, while the promoted node takes writes and this one (not the promoted one) was not last seen fenced or a
     * replica, because it takes writes or does not answer, in which case clients that still reach it may write to it
     * (ADR 0020). Empty before any promotion, while the promoted node does not take writes, for the promoted target,
     * and for a node last seen fenced or replicating.
     */
    public java.util.Optional<Duration> unfencedSincePromotion(String target, Instant now) {
        if (promoted == null || promoted.target().equals(target) || !nodes.containsKey(promoted.target())
                || !nodes.get(promoted.target()).writable()) {
            return java.util.Optional.empty(); // no promotion, or not (yet) one: the promoted node does not take writes
        }
        Node node = nodes.get(target);
        if (node != null && node.observation() instanceof Database.Observation.Observed o
                && (o.role() == Database.Role.FENCED || o.role() == Database.Role.REPLICA)) {
            return java.util.Optional.empty();
        }
        Duration since = Duration.between(promoted.at(), now);
        return java.util.Optional.of(since.isNegative() ? Duration.ZERO : since);
    }

    /**
     * A promotion requested.
     *
     * @param at       the start of the pass that measured {@code exposure} and requested it
     * @param exposure what it may lose: commits acknowledged after {@code at} minus a {@link LossExposure.Window}'s
     *                 window; null where an operator's force promoted past a check that measured nothing
     */
    public record Promotion(String target, Instant at, LossExposure exposure) {
    }

    /** A target's node as last observed. */
    public record Node(Database.Observation observation, Instant at) {

        /** A replica's lag in seconds; NaN when the node was not reachable or refused the read. */
        public double lagSeconds() {
            return observation instanceof Database.Observation.Observed o ? o.lagSeconds() : Double.NaN;
        }

        /** Whether the node took writes when last observed. */
        public boolean writable() {
            return observation instanceof Database.Observation.Observed o && o.role() == Database.Role.WRITABLE;
        }

        /**
         * Whether the node took writes with the application's database closed: promoted after its source's fence, whose
         * close came with the WAL (ADR 0020, "A fence no client passes").
         */
        public boolean writableButClosed() {
            return writable() && observation instanceof Database.Observation.Observed o && o.closed();
        }

        /** Whether the node answered the last observation. */
        public boolean answered() {
            return observation instanceof Database.Observation.Observed;
        }
    }
}
