package dev.failover.decision.domain.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.explain.Explanations;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.state.Evidence;
import dev.failover.decision.domain.state.GroupState;

/**
 * What the actuator and the observing locations report about a group's decisions, taken into the group's state: a
 * switch verified (the recovery time of the drill it started), whether a decision is served (desired vs served, ADR 0006;
 * a refusal feeds back, ADR 0010), each step, an actuation that failed, and the resolvers' answers for the group's record
 * (ADR 0026); what operators must see is noted in the group's audit trail. The engine's part for these reports
 * ({@link DecisionEngine#feedback()}): each call holds the engine's one lock, as the engine's own methods do. A report on
 * a group not in the topology is ignored.
 */
public final class ActuatorFeedback {

    /** The engine's lock: a report changes the group's state as a result or a command does. */
    private final Object lock;
    private final GroupRegistry groups;
    private final Topology topology;
    private final Clock clock;
    private final Supplier<String> decisionIds;
    /** How far a probe location's clock may be from this instance's: also how early an observer's answer may be. */
    private final Duration clockSkewTolerance;

    ActuatorFeedback(Object lock, GroupRegistry groups, Topology topology, Clock clock, Supplier<String> decisionIds,
            Duration clockSkewTolerance) {
        this.lock = lock;
        this.groups = groups;
        this.topology = topology;
        this.clock = clock;
        this.decisionIds = decisionIds;
        this.clockSkewTolerance = clockSkewTolerance;
    }

    /**
     * The actuator verified the switch of decision {@code decisionId}: when it started the group's last drill, that is the
     * drill's recovery time, which is returned.
     */
    public Optional<Duration> onSwitchVerified(String group, String decisionId, Duration sinceDecision) {
        synchronized (lock) {
            return groups.known(group).flatMap(s -> s.overrides().drillRecovered(decisionId, sinceDecision)
                    ? Optional.of(sinceDecision) : Optional.empty());
        }
    }

    /**
     * The actuator reports whether a decision is served (desired vs served, ADR 0006). Reports on an older epoch than
     * the last one kept are ignored; a group blocked or drifted is also noted in the audit trail. When this instance
     * decides the group and the actuator serves another owner's decision over its latest one, that is re-issued above it
     * ({@link #reissueOverForeign}), into the outbox: the caller publishes the group.
     */
    public void onConvergence(String group, String decisionId, long epoch, ActuationStatus status, String detail,
            Instant at) {
        synchronized (lock) {
            groups.known(group).ifPresent(s -> converged(s,
                    new GroupSnapshot.Serving(epoch, decisionId, status, detail, at, List.of()),
                    groups.decides(group)));
        }
    }

    private void converged(GroupState s, GroupSnapshot.Serving report, boolean decides) {
        if (!s.traffic().actuatorReports().serving(report)) {
            return;
        }
        if (report.status() == ActuationStatus.BLOCKED || report.status() == ActuationStatus.DRIFT) {
            s.audit(clock.instant(), "actuator", "record " + report.status(),
                    "decision " + report.decisionId() + " (epoch "
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

    /**
     * A step the actuator reported on one of the group's decisions, whatever its status: kept among the group's recent
     * actuations, for the operator's timeline. It goes out with the group's next state record.
     */
    public void onActuationStep(String group, GroupSnapshot.ActuationEntry entry) {
        synchronized (lock) {
            groups.known(group).ifPresent(s -> s.journal().actuated(entry));
        }
    }

    /**
     * One of the group's provider lanes changed state (ADR 0036): kept with the group's serving report for the operator,
     * for the latest decision's epoch only. Returns whether it was kept (false: an older epoch's, or an unknown group).
     * It changes nothing of what is decided or of whether the group is served, which only the group's RECONCILE says.
     */
    public boolean onProviderLane(ProviderLaneResult lane) {
        synchronized (lock) {
            return groups.known(lane.group()).map(s -> s.traffic().actuatorReports().lane(lane, s.epoch()))
                    .orElse(false);
        }
    }

    /** The actuator could not carry out a decision: recorded in the group's audit trail for operators. */
    public void onActuationFailed(String group, String decisionId, String step, String details) {
        synchronized (lock) {
            groups.known(group).ifPresent(s -> s.audit(clock.instant(), "actuator", "actuation failed at " + step,
                    "decision " + decisionId + ": " + details));
        }
    }

    /**
     * One of a location's observers answered for the group's record (ADR 0026): returns the group's latest live switch
     * when this answer brought it to the quorum of observing locations (its failover time as clients see it).
     */
    public Optional<ObservedSwitch> onResolverAnswer(ResolverObservation observation) {
        synchronized (lock) {
            return groups.known(observation.group()).flatMap(s -> s.traffic().convergence().answered(observation,
                    topology.observersOf(s.group()), clock.instant(), clockSkewTolerance));
        }
    }

    /** The group's latest live switch as the observing locations saw it; empty before one (or without observers). */
    public Optional<ObservedSwitch> observedSwitch(String group) {
        synchronized (lock) {
            return groups.known(group).map(s -> s.traffic().convergence().current());
        }
    }
}
