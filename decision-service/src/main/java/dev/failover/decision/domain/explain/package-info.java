/**
 * Explanations of a group's outcomes ({@link dev.failover.decision.domain.explain.Explanations}, ADR 0011): the rule
 * chain's trace with the evidence it was made on, for a decision, a re-issue and the last evaluation. Uses the rules
 * (their names, in chain order), the state and the model; a group's state asks for an explanation through its
 * explainer and never names this part.
 */
package dev.failover.decision.domain.explain;
