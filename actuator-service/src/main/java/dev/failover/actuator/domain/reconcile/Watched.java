package dev.failover.actuator.domain.reconcile;

import java.time.Duration;

/**
 * What a watch of a group's database nodes found ({@link GroupReconciler#watchDataTier()}).
 *
 * @param next    when to watch again
 * @param passNow whether a pass is wanted now (a second node of the group took writes, first seen)
 */
public record Watched(Duration next, boolean passNow) {
}
