package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionMode;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;

/**
 * What the actuator reports about a group's decisions, taken into the group's state: a switch verified (the recovery
 * time of the drill it started), whether a decision is served (desired vs served, ADR 0006) and an actuation that
 * failed; what operators must see is noted in the group's audit trail. Called under the engine's lock; not thread-safe.
 */
final class ActuatorFeedback {

    private final Clock clock;
    private final Supplier<String> decisionIds;

    ActuatorFeedback(Clock clock, Supplier<String> decisionIds) {
        this.clock = clock;
        this.decisionIds = decisionIds;
    }

    /**
     * The actuator verified the switch of decision {@code decisionId}: when it started the group's last drill, that is the
     * drill's recovery time, which is returned.
     */
    Optional<Duration> switchVerified(GroupState s, String decisionId, Duration sinceDecision) {
        return s.overrides().drillRecovered(decisionId, sinceDecision) ? Optional.of(sinceDecision) : Optional.empty();
    }

    /**
     * Whether a decision is served: a report on an older epoch than the last one kept is ignored; a group blocked or
     * drifted is also noted in the audit trail.
     */
    void converged(GroupState s, GroupSnapshot.Serving report, boolean decides) {
        if (!s.traffic().actuatorReports().serving(report)) {
            return;
        }
        if (report.status() == ActuationStatus.BLOCKED || report.status() == ActuationStatus.DRIFT) {
            s.audit(clock.instant(), "actuator", "record " + report.status(), "decision " + report.decisionId() + " (epoch "
                    + report.epoch() + "): " + report.detail());
        }
        // refusals feed back (ADR 0010): what the actuator serves is the truth the next evaluation starts from
        Optional<Decision> decision = s.journal().recentDecisions().stream()
                .filter(d -> d.decisionId().equals(report.decisionId())).findFirst();
        if (decision.isPresent() && report.status() == ActuationStatus.BLOCKED) {
            s.traffic().refused(decision.get(), report);
        } else if (decision.isPresent() && report.status() == ActuationStatus.CONVERGED) {
            s.traffic().served(decision.get(), report.at());
        } else if (decision.isEmpty() && decides) {
            reissueOverForeign(s, report);
        }
    }

    /**
     * The actuator serves a decision this instance did not make, of an epoch no lower than the group's latest decision:
     * another owner decided the group too, and the actuator keeps the higher epoch (ADR 0002). The owner re-issues its
     * latest decision above it, once: a re-issue that is itself overtaken is left NOT_SERVED for an operator
     * (DecidedVsServed), so two owners never re-issue over each other for ever. Nothing is re-issued without a decision
     * of this instance's own, for a shadow decision, or for one a refusal already took back.
     */
    private void reissueOverForeign(GroupState s, GroupSnapshot.Serving report) {
        Optional<Decision> latest = s.journal().recentDecisions().stream().findFirst();
        if (latest.isEmpty() || report.epoch() < latest.get().epoch() || s.traffic().isReissue(latest.get())
                || latest.get().mode() != DecisionMode.LIVE || !latest.get().toTarget().equals(s.active())) {
            return;
        }
        Evidence evidence = Evidence.of(s, clock.instant());
        s.reissue(latest.get(), report, evidence,
                (before, decision) -> Explanations.ofReissue(s, before, decision, latest.get(), report, evidence),
                decisionIds.get());
    }

    /** A step the actuator reported, whatever its status: kept for the operator's timeline. */
    void step(GroupState s, GroupSnapshot.ActuationEntry entry) {
        s.journal().actuated(entry);
    }

    /** The actuator could not carry out a decision: recorded in the group's audit trail for operators. */
    void actuationFailed(GroupState s, String decisionId, String step, String details) {
        s.audit(clock.instant(), "actuator", "actuation failed at " + step, "decision " + decisionId + ": " + details);
    }
}
