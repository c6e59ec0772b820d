/**
 * The automatic-switch rules in the one order they are checked ({@link dev.failover.decision.domain.rules.RuleChain},
 * ADR 0013): one class per rule, the evaluation they read, the verdict each gives and the move the chain ends with
 * ({@code Move} and {@code RuleVerdict} are sealed: their kinds stay here with them). Uses the state and the model.
 */
package dev.failover.decision.domain.rules;
