package dev.failover.actuator.domain.reconcile;

import java.time.Instant;
import java.util.List;

import dev.failover.actuator.domain.model.Convergence;
import dev.failover.actuator.domain.plan.Progress;
import dev.failover.contract.event.LaneState;

/**
 * Where one provider lane of a group of several stands (ADR 0036, "What the status shows"); immutable.
 *
 * @param lane          the lane's provider id in the topology
 * @param kind          the provider's kind: route53, rfc2136 or route53-arc
 * @param state         where it stands; null before its first pass
 * @param detail        the attempt and last error while converging, the provider's answer when refused; null else
 * @param attempt       its passing failures since its last success (its own backoff's count)
 * @param since         since when it is in {@code state}
 * @param unservedSince since when it does not serve the goal; null while it does
 */
public record LaneStatus(String lane, String kind, LaneState state, String detail, int attempt, Instant since,
        Instant unservedSince) {

    /**
     * Since when a group's lanes disagree: some serve the goal and others not (ADR 0036, "Metrics and the
     * disagreement alert"), from the earliest the others stopped serving; null while they agree.
     */
    public static Instant disagreeSince(List<LaneStatus> lanes) {
        boolean someServe = lanes.stream().anyMatch(l -> l.state() == LaneState.SERVED);
        return !someServe ? null : lanes.stream().filter(l -> l.state() != LaneState.SERVED)
                .map(l -> l.unservedSince() == null ? l.since() : l.unservedSince()).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
    }

    /** A lane's state by its convergence; {@code previous} for a convergence that says none (idle, superseded). */
    static LaneState stateOf(Convergence convergence, LaneState previous) {
        if (convergence instanceof Convergence.Converged) {
            return LaneState.SERVED;
        }
        if (convergence instanceof Convergence.Blocked) {
            return LaneState.REFUSED;
        }
        if (convergence instanceof Convergence.Drifted) {
            return LaneState.DRIFT;
        }
        if (convergence instanceof Convergence.Converging) {
            return LaneState.CONVERGING;
        }
        return previous;
    }

    static String detailOf(Progress progress) {
        Convergence convergence = progress.convergence();
        if (convergence instanceof Convergence.Converging c) {
            return c.lastError() == null ? null : "attempt " + progress.attempt() + ": " + c.lastError();
        }
        if (convergence instanceof Convergence.Blocked b) {
            return b.reason();
        }
        if (convergence instanceof Convergence.Drifted d) {
            return "served as " + d.served();
        }
        return null;
    }
}
