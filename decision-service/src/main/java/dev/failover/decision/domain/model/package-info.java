/**
 * The decision core's values, the bottom of it: outcomes, operator commands and what became of them, a group's
 * snapshot and ownership term, explanations and one rule's step of a trace, whether the actuator serves the latest
 * decision, the warnings of ignored results ({@code Outcome}, {@code Command} and {@code CommandOutcome} are sealed,
 * their kinds nested in them). Uses no other part of the core.
 */
package dev.failover.decision.domain.model;
