package dev.failover.contract.event;

/** A target's health after the quorum over locations. The decision-service never acts on UNKNOWN. */
public enum TargetHealth {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN
}
