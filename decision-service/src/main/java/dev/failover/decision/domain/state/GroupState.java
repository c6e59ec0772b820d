package dev.failover.decision.domain.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;
import dev.failover.contract.topology.Thresholds;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.model.OwnershipTerm;
import dev.failover.decision.domain.model.RuleStep;

/**
 * Everything the engine knows about one group, in parts: where its traffic goes ({@link Traffic}), what is set over its
 * automation ({@link Overrides}), the automatic switches its budgets count, its acknowledgement of the correlated-failure
 * guard, its journal, the commands it saw, and its evidence (trackers, hold-down clocks). This state alone owns the
 * parts; each is changed only through an intent method, its own or one here where a change spans parts. Not
 * thread-safe; the engine serialises access.
 */
public final class GroupState {

    private final FailoverGroup group;
    private final int quorum;
    /** Audit trail, recent decisions, explanations and the outbox: written by the parts that audit their changes. */
    private final GroupJournal journal = new GroupJournal();
    private final GroupTrackers trackers;
    /** The failback hold-down clocks: since when each target has been stably healthy. */
    private final HoldDownClocks holdDown = new HoldDownClocks();
    /** The active target, the decisions that move it, the actuator's reports of them. */
    private final Traffic traffic;
    /** Pin, pause, freeze and drill. */
    private final Overrides overrides;
    /** Counted against the flap guard and the switch budgets. */
    private final AutomaticSwitches automaticSwitches = new AutomaticSwitches();
    private final GuardAcknowledgement guard;
    /** Commands applied or rejected, by id, until they are older than the command max age. */
    private final SeenCommands seenCommands = new SeenCommands();
    /** The last evaluation: what "why is it doing this now" explains. Not persisted. */
    private LastEvaluation lastEvaluation;

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

    /**
     * @param carried   evidence kept from this group's earlier state here, or null to start from nothing
     * @param observing the locations and providers' servers that observe the group's record (the topology's {@code
     *                  observers})
     */
    public GroupState(FailoverGroup group, List<String> locations, CarriedEvidence carried, Observing observing) {
        this.group = group;
        this.quorum = group.thresholds().quorumOf(locations.size());
        this.trackers = carried == null ? new GroupTrackers(group, locations, quorum) : carried.trackers();
        if (carried != null) {
            holdDown.startFrom(carried.stablyHealthySince());
        }
        this.traffic = new Traffic(group, quorum, trackers, journal, observing);
        this.overrides = new Overrides(journal);
        this.guard = new GuardAcknowledgement(journal);
    }

    /** The evidence of this state, for a state that follows it: see {@link CarriedEvidence}. */
    public CarriedEvidence evidenceOnly() {
        return new CarriedEvidence(trackers, holdDown.all());
    }

    // ---- reads ----

    public FailoverGroup group() {
        return group;
    }

    public Thresholds thresholds() {
        return group.thresholds();
    }

    public int quorum() {
        return quorum;
    }

    /** Where the group's traffic goes, decided and served. */
    public Traffic traffic() {
        return traffic;
    }

    public String active() {
        return traffic.active();
    }

    public long epoch() {
        return traffic.epoch();
    }

    public Instant lastSwitchAt() {
        return traffic.lastSwitchAt();
    }

    /** Pin, pause, freeze, drill and the last drill's report: what is set over automation. */
    public Overrides overrides() {
        return overrides;
    }

    /** What governs automation at {@code now}: the one precedence of holds. */
    public Hold hold(Instant now) {
        return Hold.governing(overrides, now);
    }

    /** The automatic switches a budget still counts. */
    public AutomaticSwitches automaticSwitches() {
        return automaticSwitches;
    }

    /** When an operator last resumed a correlated-failure suspicion. */
    public GuardAcknowledgement guard() {
        return guard;
    }

    /** The group's trackers: its evidence sources. */
    public GroupTrackers trackers() {
        return trackers;
    }

    /** The failback hold-down clocks: since when each target has been stably HEALTHY. */
    public HoldDownClocks holdDown() {
        return holdDown;
    }

    public LastEvaluation lastEvaluation() {
        return lastEvaluation;
    }

    /** What the group has done and has yet to tell: audit trail, recent decisions, explanations, outbox. */
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
        traffic.decideUnder(owner);
    }

    /** The state a replay starts from; taken before a switch changes it. */
    public Explanation.StartingState starting() {
        return traffic.starting(holdDown.all());
    }

    /**
     * Moves the group's traffic to {@code to}: a new epoch, the decision into the outbox, its explanation by
     * {@code explainer} (from the chain's trace, for an automatic switch; from the command, for an operator's) and the
     * evidence it was made on.
     */
    public Decision switchTo(Target to, DecisionKind kind, String reason, String principal, Evidence evidence,
            Explainer explainer, String decisionId) {
        Explanation.StartingState before = starting();
        return traffic.switchTo(to, kind, reason, principal, evidence, d -> explainer.explain(before, d), decisionId);
    }

    /** An automatic switch the rule chain let through: counted against the flap guard and the switch budgets. */
    public Decision switchAutomatically(Target to, DecisionKind kind, String reason, Evidence evidence,
            Explainer explainer, String decisionId) {
        automaticSwitches.switched(evidence.at());
        return switchTo(to, kind, reason, Decision.AUTOMATION, evidence, explainer, decisionId);
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
        return traffic.reissue(latest, served, evidence, d -> explainer.explain(before, d), decisionId);
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
        overrides.pin(pinned);
        traffic.operatorChose(pinned.target());
    }

    /**
     * An operator resumes automation: the pause and a flap-guard freeze go, the switch budget starts again, the
     * actuator's refusals are the operator's to judge and go, and a correlated-failure suspicion begun before now no
     * longer holds the group. Returns whether it was frozen.
     */
    public boolean resume(String principal, String reason, Instant now) {
        boolean wasFrozen = overrides.resume();
        automaticSwitches.startFrom(List.of());
        guard.acknowledged(now);
        traffic.operatorResumed();
        audit(now, principal, "resume", reason);
        return wasFrozen;
    }

    /** A replay's start: the state an explanation recorded from before its evidence, the actuator's refusals with it. */
    public void startFrom(Explanation.StartingState state) {
        traffic.startFrom(state);
        holdDown.startFrom(state.stablyHealthySince());
    }

    public void audit(Instant at, String principal, String action, String reason) {
        journal.audit(at, principal, action, reason);
    }

    /** @param failingSince since when each of the group's targets has been failing, as the correlated-failure guard saw */
    public GroupSnapshot snapshot(Map<String, Instant> failingSince) {
        Overrides o = overrides;
        ActuatorReports reports = traffic.actuatorReports();
        Epochs epochs = traffic.epochs();
        return new GroupSnapshot(group.id(), active(), epochs.epoch(), lastSwitchAt(), automaticSwitches.list(),
                o.pin(),
                o.pause(), o.freeze(), o.drill(), journal.auditTrail(), journal.recentDecisions(), o.lastDrill(),
                reports.serving(), seenCommands.list(), journal.recentActuations(), reports.refusals(), failingSince,
                guard.acknowledgedAt(), epochs.term(), epochs.termInstance(), traffic.convergence().recent());
    }

    /**
     * Takes a persisted snapshot (true), unless it ranks below this state (false, {@link GroupSnapshot#rank()}): a record
     * an instance published before it lost the group (cut off with its region, its producer retrying) can land in the
     * log after the new owner's, and must move neither the active target back nor undo the new owner's pause, pin or
     * resume of the same epoch. Snapshots of the same rank are taken in log order.
     */
    public boolean restore(GroupSnapshot s) {
        if (s.rank().compareTo(traffic.epochs().rank()) < 0) {
            return false;
        }
        traffic.restore(s);
        automaticSwitches.startFrom(s.automaticSwitches());
        overrides.restore(s, group);
        journal.restore(s);
        seenCommands.restore(s.seenCommands());
        guard.acknowledged(s.guardAcknowledgedAt());
        return true;
    }
}
