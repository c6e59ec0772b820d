/**
 * A group's reconciler and the set of them (ADR 0006, ADR 0021): a decision offered, a desired state restored, one
 * pass run as the fold of the {@linkplain dev.failover.actuator.domain.steps steps} with each step's effects applied in
 * order, the database watch between passes, the group's status and results. The top of the reconciler core: it may use
 * every part below it, none of them uses it.
 */
package dev.failover.actuator.domain.reconcile;
