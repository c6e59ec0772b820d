package dev.failover.actuator.domain.model;

import java.time.Duration;

import dev.failover.contract.time.Backoff;

/** How a group's reconciler paces its passes (ADR 0006); the same for every group of the actuator. */
/**
 * @param resync         how often a converged group's record is read again (drift detection)
 * @param capacityPoll   how often a scaling target's readiness is read while waiting for it
 * @param backoff        delays between attempts after passing failures
 * @param stepPause      how long each step of a stepped failback is held before the next
 * @param scaleDownAfter how long after a failback the target left returns to pilot light; null: never
 * @param databaseWatch  how often each database node of the group is observed off the passes: the
 *                       primary's WAL positions sampled this often bound what a failover may lose
 */
public record ReconcileSettings(Duration resync, Duration capacityPoll, Backoff backoff, Duration stepPause,
        Duration scaleDownAfter,
        Duration databaseWatch) {

    /** Database nodes watched every second. */
    public ReconcileSettings(Duration resync, Duration capacityPoll, Backoff backoff, Duration stepPause,
            Duration scaleDownAfter) {
        this(resync, capacityPoll, backoff, stepPause, scaleDownAfter, Duration.ofSeconds(1));
    }
}
