/**
 * What a pass works towards and with: the {@link dev.failover.actuator.domain.plan.Goal} (the decision or the initial
 * state), the group's {@link dev.failover.actuator.domain.plan.Progress} as a value, the
 * {@link dev.failover.actuator.domain.plan.Effect}s a step asks for, and the backends it acts through. Uses the data
 * tier's facts and the model.
 */
package dev.failover.actuator.domain.plan;
