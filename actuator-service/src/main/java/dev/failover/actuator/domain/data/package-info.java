/**
 * The data tier as this instance has watched it: each node seen, fences made and undone, promotions asked
 * and taken back, the WAL evidence and the loss a promotion would expose; kept in a store so a new owner inherits it.
 * Uses nothing of the reconciler core but its own classes.
 */
package dev.failover.actuator.domain.data;
