package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.DecisionMode;
import dev.failover.contract.event.EventCodec;
import dev.failover.contract.event.ResolverObservation;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.GroupMode;
import dev.failover.contract.topology.Observer;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.domain.model.RuleStep;

/** Everything the engine knows about one group. Not thread-safe; the engine serialises access. */
public final class GroupState {

    private final FailoverGroup group;
    private final int quorum;
    private String active;
    private long epoch;
    /** The lowest epoch the term this instance decides the group under may mint (OwnershipTerm); 0 when none. */
    private long firstEpochOfTerm;
    /** The term the group is decided under, and the tag of the instance deciding it: persisted (OwnershipTerm). */
    private long term;
    private int termInstance;
    /** What this instance brings to deciding the group (generation, instance tag); NONE until it acquires it. */
    private OwnershipTerm owner = OwnershipTerm.NONE;
    /** The id of the group's latest decision when that is a re-issue: a decision is re-issued once (ADR 0002). */
    private String reissue;
    private Instant lastSwitchAt;
    private final Deque<Instant> automaticSwitches = new ArrayDeque<>();
    private GroupSnapshot.PinState pin;
    private GroupSnapshot.PauseState pause;
    private GroupSnapshot.FreezeState freeze;
    private GroupSnapshot.DrillState drill;
    private GroupSnapshot.DrillReport lastDrill;
    private GroupSnapshot.Serving serving;
    /** By target: the actuator's refusal of the group's last move to it, until cleared (ADR 0010). */
    private final Map<String, GroupSnapshot.Refusal> refusals = new java.util.LinkedHashMap<>();
    /** Audit trail, recent decisions, explanations and the outbox. */
    private final GroupJournal journal = new GroupJournal();
    /** The last evaluation: what "why is it doing this now" explains. Not persisted. */
    private LastEvaluation lastEvaluation;
    /** Commands applied or rejected, by id, until they are older than the command max age. */
    private final SeenCommands seenCommands = new SeenCommands();
    /** The failback hold-down clocks: since when each target has been stably healthy. */
    private final HoldDownClocks holdDown = new HoldDownClocks();
    /**
     * When an operator last resumed the group: a correlated-failure suspicion that began before it does not hold the
     * group. Persisted with the state (ADR 0010): the failures' starts are too, so a suspicion a new owner forms of
     * them is the one the operator resumed, not a new one.
     */
    private Instant guardAcknowledgedAt;
    /** The suspicion last written to the audit trail, so that each is audited once. */
    private Instant guardAuditedFor;
    private final GroupTrackers trackers;
    /** How far the latest live switch has reached the clients, as the observing locations see it (ADR 0026). */
    private final ObservedConvergence convergence = new ObservedConvergence();
    /** The topology's locations that observe the groups' records; each switch is observed by them. */
    private final List<String> observing;

    /** An evaluation's outcome with the rules' trace and the evidence it was made on. */
    public record LastEvaluation(Outcome outcome, Instant at, List<RuleStep> trace, Evidence evidence) {
    }

    /**
     * What a group's state knows from probe results alone, never from a decision or a command: its trackers and its
     * failback hold-down clocks. Kept through a rebalance that hands the group straight back (DecisionEngine#beginRestore).
     */
    public record CarriedEvidence(GroupTrackers trackers, Map<String, Instant> stablyHealthySince) {
    }

    /**
     * Explains a decision this state makes, as it makes it: {@code before} is the state from before the decision
     * ({@link #starting()}), the state itself is as the decision left it. Explanations (the part above, which reads the
     * rule chain) makes it; the state only asks, so that it names no rule.
     */
    @FunctionalInterface
    public interface Explainer {
        Explanation explain(Explanation.StartingState before, Decision decision);
    }

    public GroupState(FailoverGroup group, List<String> locations) {
        this(group, locations, null);
    }

    /** @param carried evidence kept from this group's earlier state here, or null to start from nothing */
    public GroupState(FailoverGroup group, List<String> locations, CarriedEvidence carried) {
        this(group, locations, carried, List.of());
    }

    /** @param observing the locations that observe the group's record (the topology's {@code observers}) */
    public GroupState(FailoverGroup group, List<String> locations, CarriedEvidence carried, List<String> observing) {
        this.group = group;
        this.observing = List.copyOf(observing);
        this.quorum = group.thresholds().quorumOf(locations.size());
        this.active = group.primary().id();
        this.trackers = carried == null ? new GroupTrackers(group, locations, quorum) : carried.trackers();
        if (carried != null) {
            holdDown.startFrom(carried.stablyHealthySince());
        }
    }

    /** The evidence of this state, for a state that follows it: see {@link CarriedEvidence}. */
    public CarriedEvidence evidenceOnly() {
        return new CarriedEvidence(trackers, holdDown.all());
    }

    // ---- reads ----

    public FailoverGroup group() {
        return group;
    }

    public int quorum() {
        return quorum;
    }

    public String active() {
        return active;
    }

    public long epoch() {
        return epoch;
    }

    public Instant lastSwitchAt() {
        return lastSwitchAt;
    }

    public GroupSnapshot.PinState pin() {
        return pin;
    }

    public GroupSnapshot.PauseState pause() {
        return pause;
    }

    public GroupSnapshot.FreezeState freeze() {
        return freeze;
    }

    public GroupSnapshot.DrillState drill() {
        return drill;
    }

    public GroupSnapshot.DrillReport lastDrill() {
        return lastDrill;
    }

    public GroupSnapshot.Serving serving() {
        return serving;
    }

    /** The actuator's standing refusal of a move to {@code target}, or null. */
    GroupSnapshot.Refusal refusal(String target) {
        return refusals.get(target);
    }

    public Instant guardAcknowledgedAt() {
        return guardAcknowledgedAt;
    }

    /** The failback hold-down clocks: since when each target has been stably HEALTHY. */
    public HoldDownClocks holdDown() {
        return holdDown;
    }

    public LastEvaluation lastEvaluation() {
        return lastEvaluation;
    }

    /** What the group has done and has yet to tell: audit trail, recent decisions, explanations, outbox. */
    /** Whether any location observes the group's record: none for a group observers cannot tell apart. */
    public boolean observed() {
        return !observing.isEmpty();
    }

    /** The latest live switch as the observing locations saw it, with their resolvers' answers. */
    public ObservedConvergence convergence() {
        return convergence;
    }

    public GroupJournal journal() {
        return journal;
    }

    /** The commands seen within the command max age, each with its first outcome. */
    public SeenCommands seenCommands() {
        return seenCommands;
    }

    // ---- intents ----

    /**
     * This instance decides the group under {@code term} now: its next epoch is at least the term's first
     * ({@link OwnershipTerm}).
     */
    public void decideUnder(OwnershipTerm owner) {
        this.owner = owner;
        term = owner.after(Math.max(term, OwnershipTerm.termOf(epoch)));
        termInstance = owner.instance();
        firstEpochOfTerm = owner.firstEpoch(term);
    }

    /** The state a replay starts from; taken before a switch changes it. */
    public Explanation.StartingState starting() {
        return new Explanation.StartingState(active, epoch, lastSwitchAt, holdDown.all(), refusals());
    }

    /** Whether {@code decision} is a re-issue made here ({@link #reissue}). */
    public boolean isReissue(Decision decision) {
        return decision.decisionId().equals(reissue);
    }

    /**
     * The actuator serves {@code served}, a decision this instance did not make, of an epoch no lower than
     * {@code latest}, the group's latest decision (another owner decided the group too: a zombie of a re-created
     * consumer group that reached the same term, ADR 0002): {@code latest} is decided again, under a new id and an
     * epoch above the served one — in a term above the served epoch's, whose range is this instance's alone. Not a
     * switch: no switch budget counts it and the last switch's time stays. {@code explainer} explains the re-issue.
     */
    public Decision reissue(Decision latest, GroupSnapshot.Serving served, Evidence evidence, Explainer explainer,
            String decisionId) {
        Explanation.StartingState before = starting();
        if (served.epoch() >= firstEpochOfTerm) {
            if (owner.generation() == 0) {
                epoch = Math.max(epoch, served.epoch());
            } else {
                term = owner.after(Math.max(term, OwnershipTerm.termOf(served.epoch())));
                firstEpochOfTerm = owner.firstEpoch(term);
            }
        }
        epoch = Math.max(epoch + 1, firstEpochOfTerm);
        Decision decision = new Decision(EventCodec.SCHEMA_VERSION, decisionId, group.id(), epoch, latest.kind(),
                latest.fromTarget(), latest.toTarget(), "re-issued above epoch " + served.epoch() + " (the actuator served "
                        + "decision " + served.decisionId() + " of another owner): " + latest.reason(),
                trackers.decisionEvidence(evidence), evidence.at(), latest.mode(), latest.principal());
        reissue = decisionId;
        convergence.reissued(latest, decisionId);
        audit(evidence.at(), Decision.AUTOMATION, "decision re-issued", "the actuator served decision "
                + served.decisionId() + " (epoch " + served.epoch() + ") instead of " + latest.decisionId() + " (epoch "
                + latest.epoch() + "); " + latest.decisionId() + " re-issued as " + decisionId + " (epoch " + epoch + ")");
        journal.decided(decision, explainer.explain(before, decision));
        return decision;
    }

    /** Remembers the last evaluation, for "why is it doing this now". */
    public void evaluated(LastEvaluation last) {
        lastEvaluation = last;
    }

    /**
     * An operator pins (or forces, or switches over to) a target: a refusal of it is the operator's to judge, and goes
     * (a move the actuator refuses again is a new refusal).
     */
    public void pin(GroupSnapshot.PinState pinned) {
        pin = pinned;
        refusals.remove(pinned.target());
    }

    /**
     * The actuator refused {@code decision}, the group's latest, the move to its target (ADR 0010): the active target
     * is again the one the actuator serves, the decision's {@code fromTarget}, and the refused target is no eligible
     * destination until cleared. Returns false (nothing changed) for any other decision.
     */
    public boolean refused(Decision decision, GroupSnapshot.Serving report) {
        if (decision.epoch() != epoch || !decision.toTarget().equals(active) || decision.fromTarget() == null
                || group.target(decision.fromTarget()).isEmpty()) {
            return false;
        }
        refusals.put(decision.toTarget(), new GroupSnapshot.Refusal(decision.toTarget(), decision.decisionId(),
                decision.epoch(), report.detail(), report.at()));
        active = decision.fromTarget();
        audit(report.at(), "actuator", "move refused", "decision " + decision.decisionId() + " to " + decision.toTarget()
                + " refused: " + report.detail() + "; " + decision.fromTarget() + " is still served, and "
                + decision.toTarget() + " is not an eligible destination until an operator resumes the group, pins or"
                + " forces a target, or a move to it is served");
        return true;
    }

    /**
     * The actuator serves {@code decision}: a refusal of its target goes, and when it is the group's latest decision (a
     * refused one the actuator was told to retry) its target is active again.
     */
    public void served(Decision decision, Instant at) {
        convergence.served(decision.decisionId(), at);
        if (refusals.remove(decision.toTarget()) != null && decision.epoch() == epoch && !decision.toTarget().equals(active)
                && group.target(decision.toTarget()).isPresent()) {
            active = decision.toTarget();
            audit(at, "actuator", "refused move served", "decision " + decision.decisionId() + " to "
                    + decision.toTarget() + " is served after all");
        }
    }

    /** The pin goes (release, or the abort of a switchover); returns the one there was, or null. */
    public GroupSnapshot.PinState unpin() {
        GroupSnapshot.PinState was = pin;
        pin = null;
        return was;
    }

    public void pause(String principal, String reason, Instant now) {
        pause = new GroupSnapshot.PauseState(principal, reason, now);
        audit(now, principal, "pause", reason);
    }

    /**
     * An operator resumes automation: the pause and a flap-guard freeze go, the switch budget starts again, and a
     * correlated-failure suspicion begun before now no longer holds the group. Returns whether it was frozen.
     */
    public boolean resume(String principal, String reason, Instant now) {
        boolean wasFrozen = freeze != null;
        pause = null;
        freeze = null;
        automaticSwitches.clear();
        guardAcknowledgedAt = now;
        refusals.clear();
        audit(now, principal, "resume", reason);
        return wasFrozen;
    }

    /** The flap guard freezes automation until an operator resumes it. */
    public void freeze(String why, Instant now) {
        freeze = new GroupSnapshot.FreezeState(why, now);
        audit(now, Decision.AUTOMATION, "frozen by flap guard", why);
    }

    /** Writes a correlated-failure suspicion that holds the group to the audit trail, once per suspicion. */
    public void auditSuspicionOnce(Instant since, Instant now, String why) {
        if (!since.equals(guardAuditedFor)) {
            guardAuditedFor = since;
            audit(now, Decision.AUTOMATION, "held by correlated-failure guard", why);
        }
    }

    public void startDrill(GroupSnapshot.DrillState started, GroupSnapshot.DrillReport report) {
        drill = started;
        lastDrill = report;
    }

    /** A force cancels a running drill: traffic goes where the operator says, not back. */
    public void cancelDrill(String principal, String reason, Instant now) {
        if (drill != null) {
            audit(now, principal, "drill cancelled by force", reason);
            drill = null;
        }
    }

    /** The drill is over; {@code report} says how it ended. */
    public void endDrill(GroupSnapshot.DrillReport report) {
        drill = null;
        lastDrill = report;
    }

    /**
     * The actuator verified the switch of {@code decisionId}: when it started the last drill, that is the drill's
     * recovery time, and true is returned.
     */
    public boolean drillRecovered(String decisionId, java.time.Duration sinceDecision) {
        if (lastDrill == null || !lastDrill.startDecisionId().equals(decisionId)) {
            return false;
        }
        GroupSnapshot.DrillReport r = lastDrill;
        lastDrill = new GroupSnapshot.DrillReport(r.startDecisionId(), r.target(), r.startedAt(), r.endedAt(), r.outcome(),
                sinceDecision.toMillis());
        return true;
    }

    /** The actuator's report of what is served; false (and ignored) when it is of an older epoch than the last kept. */
    public boolean serving(GroupSnapshot.Serving report) {
        if (serving != null && report.epoch() < serving.epoch()) {
            return false;
        }
        serving = report;
        return true;
    }

    /**
     * A published decision of a higher epoch than this state knows (a crash between publishing it and saving the state)
     * moves the active target and the epoch forward.
     */
    public void observePublished(Decision decision) {
        if (decision.epoch() <= epoch || group.target(decision.toTarget()).isEmpty()) {
            return;
        }
        epoch = decision.epoch();
        active = decision.toTarget();
        lastSwitchAt = decision.issuedAt();
        journal.recordDecision(decision);
    }

    /** A replay's start: the state an explanation recorded from before its evidence, the actuator's refusals with it. */
    public void startFrom(Explanation.StartingState state) {
        active = state.activeTarget();
        epoch = state.epoch();
        lastSwitchAt = state.lastSwitchAt();
        holdDown.startFrom(state.stablyHealthySince());
        refusals.clear();
        state.refusals().stream().filter(r -> group.target(r.target()).isPresent()).forEach(r -> refusals.put(r.target(), r));
    }

    /** The actuator's refusals in force, by target (ADR 0010). */
    List<GroupSnapshot.Refusal> refusals() {
        return List.copyOf(refusals.values());
    }

    public Thresholds thresholds() {
        return group.thresholds();
    }

    /** The group's trackers: its evidence sources. */
    public GroupTrackers trackers() {
        return trackers;
    }

    /** What governs automation at {@code now}: the one precedence of holds. */
    public Hold hold(Instant now) {
        return Hold.governing(this, now);
    }

    /** Automatic switches of this group within {@code window} before {@code now}. */
    public int switchesWithin(Duration window, Instant now) {
        // newest last: counted from the newest back to the first too old. The fleet's budget asks every group at every
        // view (a stream per group was a thirteenth of the decision-service's CPU with 1,000 groups)
        int count = 0;
        for (var newestFirst = automaticSwitches.descendingIterator(); newestFirst.hasNext(); count++) {
            if (newestFirst.next().plus(window).isBefore(now)) {
                break;
            }
        }
        return count;
    }

    /** Forgets automatic switches older than {@code window}: no budget counts them any more. */
    public void forgetSwitchesOlderThan(Duration window, Instant now) {
        while (!automaticSwitches.isEmpty() && automaticSwitches.peekFirst().plus(window).isBefore(now)) {
            automaticSwitches.removeFirst();
        }
    }

    /**
     * Moves the group's traffic to {@code to}: a new epoch, the decision into the outbox, its explanation by
     * {@code explainer} (from the chain's trace, for an automatic switch; from the command, for an operator's) and the
     * evidence it was made on.
     */
    public Decision switchTo(Target to, DecisionKind kind, String reason, String principal, Evidence evidence,
            Explainer explainer, String decisionId) {
        Instant now = evidence.at();
        Explanation.StartingState before = starting();
        String from = active;
        epoch = Math.max(epoch + 1, firstEpochOfTerm);
        active = to.id();
        lastSwitchAt = now;
        DecisionMode mode = group.mode() == GroupMode.SHADOW ? DecisionMode.SHADOW : DecisionMode.LIVE;
        Decision decision = new Decision(EventCodec.SCHEMA_VERSION, decisionId, group.id(), epoch, kind, from, to.id(), reason,
                trackers.decisionEvidence(evidence), now, mode, principal);
        journal.decided(decision, explainer.explain(before, decision));
        // the failure a failover answers began when the quorum-th location began failing (its first failing probe)
        boolean failure = kind == DecisionKind.FAILOVER || kind == DecisionKind.LAST_RESORT;
        convergence.decided(decision, failure && from != null ? trackers.failingSince(from, quorum).orElse(null) : null,
                observing);
        return decision;
    }

    /**
     * One of the group's observers answered (ADR 0026); {@code observers} are its location's, {@code skew} how far its
     * clock may be from {@code now}. Returns the switch when this answer brought it to the quorum of observing locations.
     */
    public java.util.Optional<ObservedSwitch> answered(ResolverObservation observation, List<Observer> observers,
            Instant now, Duration skew) {
        return convergence.answered(observation, observers, now, skew);
    }

    /** An automatic switch the rule chain let through: counted against the flap guard and the switch budgets. */
    public Decision switchAutomatically(Target to, DecisionKind kind, String reason, Evidence evidence,
            Explainer explainer, String decisionId) {
        automaticSwitches.addLast(evidence.at());
        return switchTo(to, kind, reason, Decision.AUTOMATION, evidence, explainer, decisionId);
    }

    /** The pin no longer holds once expired (see {@link Hold}); clearing it records that for operators. */
    public void clearExpiredPin(Instant now) {
        if (pin != null && pin.until() != null && !now.isBefore(pin.until())) {
            audit(now, Decision.AUTOMATION, "pin expired", "pin of " + pin.target() + " until " + pin.until() + " expired");
            pin = null;
        }
    }

    public void audit(Instant at, String principal, String action, String reason) {
        journal.audit(at, principal, action, reason);
    }

    /** The actuator reported a step of its work on one of the group's decisions. */
    public void actuated(GroupSnapshot.ActuationEntry entry) {
        journal.actuated(entry);
    }

    /** @param failingSince since when each of the group's targets has been failing, as the correlated-failure guard saw */
    public GroupSnapshot snapshot(Map<String, Instant> failingSince) {
        return new GroupSnapshot(group.id(), active, epoch, lastSwitchAt, List.copyOf(automaticSwitches), pin, pause, freeze,
                drill, journal.auditTrail(), journal.recentDecisions(), lastDrill, serving, seenCommands.list(),
                journal.recentActuations(), List.copyOf(refusals.values()), failingSince, guardAcknowledgedAt, term,
                termInstance, convergence.recent());
    }

    /**
     * Takes a persisted snapshot (true), unless it ranks below this state (false, {@link GroupSnapshot#rank()}): a record
     * an instance published before it lost the group (cut off with its region, its producer retrying) can land in the
     * log after the new owner's, and must move neither the active target back nor undo the new owner's pause, pin or
     * resume of the same epoch. Snapshots of the same rank are taken in log order.
     */
    public boolean restore(GroupSnapshot s) {
        if (s.rank().compareTo(new GroupSnapshot.Rank(epoch, term, termInstance)) < 0) {
            return false;
        }
        term = s.term();
        termInstance = s.termInstance();
        if (group.target(s.activeTarget()).isPresent()) {
            active = s.activeTarget();
        }
        epoch = s.epoch();
        lastSwitchAt = s.lastSwitchAt();
        automaticSwitches.clear();
        automaticSwitches.addAll(s.automaticSwitches());
        pin = s.pin() != null && group.target(s.pin().target()).isPresent() ? s.pin() : null;
        pause = s.pause();
        freeze = s.freeze();
        drill = s.drill() != null && group.target(s.drill().target()).isPresent() ? s.drill() : null;
        lastDrill = s.lastDrill();
        serving = s.serving();
        refusals.clear();
        s.refusals().stream().filter(r -> group.target(r.target()).isPresent()).forEach(r -> refusals.put(r.target(), r));
        journal.restore(s);
        seenCommands.restore(s.seenCommands());
        guardAcknowledgedAt = s.guardAcknowledgedAt();
        convergence.restore(s.observedSwitches());
        return true;
    }
}
