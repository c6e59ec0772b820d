package dev.failover.contract.event;

/** A target's health after the quorum over locations. The decision-service never acts on UNKNOWN. */
public enum TargetHealth {
    HEALTHY,
    UNHEALTHY,
    /** A quorum of locations sees it DOWN or flapping between UP and DOWN: not a target to leave or to go to. */
    FLAPPING,
    UNKNOWN
}
