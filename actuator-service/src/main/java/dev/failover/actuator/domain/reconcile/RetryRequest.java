package dev.failover.actuator.domain.reconcile;

import java.util.Optional;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.contract.event.ActuationStatus;

/**
 * An operator's retry of a group (ADR 0025): who asked, and why. Taken by the group's next pass: a BLOCKED
 * group tries again ({@link #triedAgain}); any other is answered with the status it stands at ({@link #notNeeded}) and
 * the retry dropped, never kept for a later block whose cause nobody looked at.
 */
record RetryRequest(String principal, String reason) {

    /** The detail of the RECONCILE result of a BLOCKED group tried again. */
    String triedAgain() {
        return "tried again after BLOCKED, asked by " + principal + ": " + reason;
    }

    /** The detail of the answer to a retry of a group that was not BLOCKED, standing at {@code status}. */
    String notNeeded(ActuationStatus status) {
        return "retry asked by " + principal + " not needed: the group is not BLOCKED (" + reason + "); " + status;
    }

    /**
     * The RECONCILE status the group stands at, which the answer to a retry that is not needed repeats: what the
     * decision-service reads as the actuator's convergence must not change by it. Empty before the group's
     * first pass reported any.
     */
    static Optional<ActuationStatus> standing(Convergence convergence) {
        if (convergence instanceof Convergence.Converged) {
            return Optional.of(ActuationStatus.CONVERGED);
        }
        if (convergence instanceof Convergence.Converging) {
            return Optional.of(ActuationStatus.CONVERGING);
        }
        if (convergence instanceof Convergence.Drifted) {
            return Optional.of(ActuationStatus.DRIFT);
        }
        if (convergence instanceof Convergence.Superseded) {
            return Optional.of(ActuationStatus.SUPERSEDED);
        }
        return convergence instanceof Convergence.Blocked ? Optional.of(ActuationStatus.BLOCKED) : Optional.empty();
    }
}
