package dev.failover.decision.domain.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.Target;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.OwnershipTerm;

/**
 * Where one group's traffic goes, decided and served: the active target and the last switch's time, the decisions that
 * move it, minted with the epochs of {@link Epochs} (a decision re-issued at most once, ADR 0002), what the actuator
 * reports of them ({@link ActuatorReports}: served, or refused, ADR 0010) and how far the latest has reached the clients
 * ({@link ObservedConvergence}, ADR 0026). Each decision goes into the journal with its explanation. Part of
 * {@link GroupState}, which owns it and changes it only through its intent methods; not thread-safe, the engine
 * serialises access.
 */
public final class Traffic {

    private final FailoverGroup group;
    private final int quorum;
    /** Read only: the evidence a decision carries, and since when the target a failover leaves has been failing. */
    private final GroupTrackers trackers;
    /** Written: the decisions, and the audit entries of what the actuator made of them. */
    private final GroupJournal journal;
    /** The topology's locations and providers' servers that observe the group's record; each switch is observed by them. */
    private final Observing observing;
    private final Epochs epochs = new Epochs();
    private final ActuatorReports actuatorReports = new ActuatorReports();
    private final ObservedConvergence convergence = new ObservedConvergence();
    private String active;
    private Instant lastSwitchAt;
    /** The id of the group's latest decision when that is a re-issue: a decision is re-issued once (ADR 0002). */
    private String reissue;

    Traffic(FailoverGroup group, int quorum, GroupTrackers trackers, GroupJournal journal, Observing observing) {
        this.group = group;
        this.quorum = quorum;
        this.trackers = trackers;
        this.journal = journal;
        this.observing = observing;
        this.active = group.primary().id();
    }

    public String active() {
        return active;
    }

    public Instant lastSwitchAt() {
        return lastSwitchAt;
    }

    public long epoch() {
        return epochs.epoch();
    }

    Epochs epochs() {
        return epochs;
    }

    public ActuatorReports actuatorReports() {
        return actuatorReports;
    }

    public ObservedConvergence convergence() {
        return convergence;
    }

    /**
     * Whether any location or provider's server observes the group's record: none for a group observers cannot tell
     * apart.
     */
    public boolean observed() {
        return observing.any();
    }

    /** Whether {@code decision} is a re-issue made here. */
    public boolean isReissue(Decision decision) {
        return decision.decisionId().equals(reissue);
    }

    /** The state a replay starts from, with the hold-down clocks as they are: taken before a switch changes it. */
    Explanation.StartingState starting(Map<String, Instant> stablyHealthySince) {
        return new Explanation.StartingState(active, epochs.epoch(), lastSwitchAt, stablyHealthySince,
                actuatorReports.refusals());
    }

    void decideUnder(OwnershipTerm owner) {
        epochs.decideUnder(owner);
    }

    /** Moves the traffic to {@code to} with a decision of a new epoch, {@code explain}ed; see GroupState#switchTo. */
    Decision switchTo(Target to, DecisionKind kind, String reason, String principal, Evidence evidence,
            Function<Decision, Explanation> explain, String decisionId) {
        Instant now = evidence.at();
        String from = active;
        long epoch = epochs.next();
        active = to.id();
        lastSwitchAt = now;
        DecisionMode mode = group.mode() == GroupMode.SHADOW ? DecisionMode.SHADOW : DecisionMode.LIVE;
        Decision decision = new Decision(EventCodec.SCHEMA_VERSION, decisionId, group.id(), epoch, kind, from, to.id(),
                reason,
                trackers.decisionEvidence(evidence), now, mode, principal);
        journal.decided(decision, explain.apply(decision));
        // the failure a failover answers began when the quorum-th location began failing (its first failing probe)
        boolean failure = kind == DecisionKind.FAILOVER || kind == DecisionKind.LAST_RESORT;
        convergence.decided(decision, failure && from != null ? trackers.failingSince(from, quorum).orElse(null) : null,
                observing);
        return decision;
    }

    /** Decides {@code latest} again above {@code served}, {@code explain}ed; see GroupState#reissue. */
    Decision reissue(Decision latest, GroupSnapshot.Serving served, Evidence evidence,
            Function<Decision, Explanation> explain, String decisionId) {
        long epoch = epochs.nextAbove(served.epoch());
        Decision decision = new Decision(EventCodec.SCHEMA_VERSION, decisionId, group.id(), epoch, latest.kind(),
                latest.fromTarget(), latest.toTarget(),
                "re-issued above epoch " + served.epoch() + " (the actuator served "
                        + "decision " + served.decisionId() + " of another owner): " + latest.reason(),
                trackers.decisionEvidence(evidence), evidence.at(), latest.mode(), latest.principal());
        reissue = decisionId;
        convergence.reissued(latest, decisionId);
        journal.audit(evidence.at(), Decision.AUTOMATION, "decision re-issued", "the actuator served decision "
                + served.decisionId() + " (epoch " + served.epoch() + ") instead of " + latest.decisionId() + " (epoch "
                + latest.epoch() + "); " + latest.decisionId() + " re-issued as " + decisionId + " (epoch " + epoch
                + ")");
        journal.decided(decision, explain.apply(decision));
        return decision;
    }

    /**
     * The actuator refused {@code decision}, the group's latest, the move to its target (ADR 0010): the active target
     * is again the one the actuator serves, the decision's {@code fromTarget}, and the refused target is no eligible
     * destination until cleared. Returns false (nothing changed) for any other decision.
     */
    public boolean refused(Decision decision, GroupSnapshot.Serving report) {
        if (decision.epoch() != epochs.epoch() || !decision.toTarget().equals(active) || decision.fromTarget() == null
                || group.target(decision.fromTarget()).isEmpty()) {
            return false;
        }
        actuatorReports.refused(new GroupSnapshot.Refusal(decision.toTarget(), decision.decisionId(),
                decision.epoch(), report.detail(), report.at()));
        active = decision.fromTarget();
        journal.audit(report.at(), "actuator", "move refused", "decision " + decision.decisionId() + " to "
                + decision.toTarget() + " refused: " + report.detail() + "; " + decision.fromTarget()
                + " is still served, and " + decision.toTarget() + " is not an eligible destination until an operator"
                + " resumes the group, pins or forces a target, or a move to it is served");
        return true;
    }

    /**
     * The actuator serves {@code decision}: a refusal of its target goes, and when it is the group's latest decision (a
     * refused one the actuator was told to retry) its target is active again.
     */
    public void served(Decision decision, Instant at) {
        convergence.served(decision.decisionId(), at);
        if (actuatorReports.clearRefusal(decision.toTarget()) && decision.epoch() == epochs.epoch()
                && !decision.toTarget().equals(active) && group.target(decision.toTarget()).isPresent()) {
            active = decision.toTarget();
            journal.audit(at, "actuator", "refused move served", "decision " + decision.decisionId() + " to "
                    + decision.toTarget() + " is served after all");
        }
    }

    /** An operator pins (or forces, or switches over to) {@code target}: a refusal of it is theirs to judge, and goes. */
    void operatorChose(String target) {
        actuatorReports.clearRefusal(target);
    }

    /** An operator's resume: every refusal of the actuator is the operator's to judge, and goes. */
    void operatorResumed() {
        actuatorReports.refusalsAre(List.of(), group);
    }

    /**
     * A published decision of a higher epoch than this state knows (a crash between publishing it and saving the state)
     * moves the active target and the epoch forward.
     */
    public void observePublished(Decision decision) {
        if (decision.epoch() <= epochs.epoch() || group.target(decision.toTarget()).isEmpty()) {
            return;
        }
        epochs.startFrom(decision.epoch());
        active = decision.toTarget();
        lastSwitchAt = decision.issuedAt();
        journal.recordDecision(decision);
    }

    /** A replay's start: the active target, epoch and last switch an explanation recorded, the refusals with them. */
    void startFrom(Explanation.StartingState state) {
        active = state.activeTarget();
        epochs.startFrom(state.epoch());
        lastSwitchAt = state.lastSwitchAt();
        actuatorReports.refusalsAre(state.refusals(), group);
    }

    /** Takes a persisted snapshot's; an active target the group no longer has is not taken. */
    void restore(GroupSnapshot s) {
        if (group.target(s.activeTarget()).isPresent()) {
            active = s.activeTarget();
        }
        epochs.restore(s);
        lastSwitchAt = s.lastSwitchAt();
        actuatorReports.restore(s, group);
        convergence.restore(s.observedSwitches());
    }
}
