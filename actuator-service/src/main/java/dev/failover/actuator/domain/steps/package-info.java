/**
 * The steps of a pass in their one order ({@link dev.failover.actuator.domain.steps.ReconcileSteps}), one class each,
 * and the {@link dev.failover.actuator.domain.steps.Pass} each takes and returns: what the pass has read and learnt, the
 * group's progress, the effects asked of the reconciler (ADR 0021). A step uses the plan, the data-tier facts and the
 * model below it; it never calls back into the reconciler.
 */
package dev.failover.actuator.domain.steps;
