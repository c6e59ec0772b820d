/**
 * The decision core's engine ({@link dev.failover.decision.domain.engine.DecisionEngine}): probe results checked and
 * counted, ticks, operator commands and the actuator's reports in, decisions out; the group states and whether this
 * instance decides each, the guards of all groups together as the rules read them, a group's read view, and the replay
 * of an explanation through a fresh engine. The top of the core: it may use every part below it, none of them uses it.
 */
package dev.failover.decision.domain.engine;
