package dev.failover.actuator.domain.model;

import java.time.Instant;

/** Where a group stands between what was decided and what the world serves. */
public sealed interface Convergence {

    /** No decision for the group yet: whatever is served stays as it is. */
    record Idle() implements Convergence {
    }

    /** Shadow decision: recorded, not acted on. */
    record Shadow() implements Convergence {
    }

    /** Not served yet; the reconciler keeps trying. */
    record Converging(int attempt, String lastError, Instant since) implements Convergence {
    }

    /** Served as decided, proven by a read of what the provider serves. */
    record Converged(Instant at, long millisFromDecision) implements Convergence {
    }

    /** Refused for good (rejected write, unknown target): retried after a config change or an operator's retry. */
    record Blocked(String reason, Instant since) implements Convergence {
    }

    /** Served differently from the decision by someone else's change, after the decision had been served. */
    record Drifted(String served, Instant since) implements Convergence {
    }

    /** The record's ownership mark is from a newer epoch than this instance's decision: someone newer owns it. */
    record Superseded(long byEpoch) implements Convergence {
    }
}
