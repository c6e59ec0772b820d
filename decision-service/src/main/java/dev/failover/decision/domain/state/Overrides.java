package dev.failover.decision.domain.state;

import java.time.Duration;
import java.time.Instant;

import dev.failover.contract.event.Decision;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * What is set over one group's automation: an operator's pin, pause and drill, the flap guard's freeze, and the report of
 * the last drill. Which of them governs is {@link Hold}'s one precedence. Part of {@link GroupState}, which owns it; it
 * is changed only through its intent methods, which write their audit entries to the group's journal (those of a
 * command, such as a pin, are the command's to write). Not thread-safe, the engine serialises access.
 */
public final class Overrides {

    private final GroupJournal journal;
    private GroupSnapshot.PinState pin;
    private GroupSnapshot.PauseState pause;
    private GroupSnapshot.FreezeState freeze;
    private GroupSnapshot.DrillState drill;
    private GroupSnapshot.DrillReport lastDrill;

    Overrides(GroupJournal journal) {
        this.journal = journal;
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

    /** Through {@link GroupState#pin}, which also clears the actuator's refusal of the target. */
    void pin(GroupSnapshot.PinState pinned) {
        pin = pinned;
    }

    /** The pin goes (release, or the abort of a switchover); returns the one there was, or null. */
    public GroupSnapshot.PinState unpin() {
        GroupSnapshot.PinState was = pin;
        pin = null;
        return was;
    }

    /** The pin no longer holds once expired (see {@link Hold}); clearing it records that for operators. */
    public void clearExpiredPin(Instant now) {
        if (pin != null && pin.until() != null && !now.isBefore(pin.until())) {
            journal.audit(now, Decision.AUTOMATION, "pin expired", "pin of " + pin.target() + " until " + pin.until()
                    + " expired");
            pin = null;
        }
    }

    public void pause(String principal, String reason, Instant now) {
        pause = new GroupSnapshot.PauseState(principal, reason, now);
        journal.audit(now, principal, "pause", reason);
    }

    /** Through {@link GroupState#resume}: the pause and a flap-guard freeze go; returns whether it was frozen. */
    boolean resume() {
        boolean wasFrozen = freeze != null;
        pause = null;
        freeze = null;
        return wasFrozen;
    }

    /** The flap guard freezes automation until an operator resumes it. */
    public void freeze(String why, Instant now) {
        freeze = new GroupSnapshot.FreezeState(why, now);
        journal.audit(now, Decision.AUTOMATION, "frozen by flap guard", why);
    }

    public void startDrill(GroupSnapshot.DrillState started, GroupSnapshot.DrillReport report) {
        drill = started;
        lastDrill = report;
    }

    /** A force cancels a running drill: traffic goes where the operator says, not back. */
    public void cancelDrill(String principal, String reason, Instant now) {
        if (drill != null) {
            journal.audit(now, principal, "drill cancelled by force", reason);
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
    public boolean drillRecovered(String decisionId, Duration sinceDecision) {
        if (lastDrill == null || !lastDrill.startDecisionId().equals(decisionId)) {
            return false;
        }
        GroupSnapshot.DrillReport r = lastDrill;
        lastDrill = new GroupSnapshot.DrillReport(r.startDecisionId(), r.target(), r.startedAt(), r.endedAt(),
                r.outcome(),
                sinceDecision.toMillis());
        return true;
    }

    /**
     * Takes a persisted snapshot's (through {@link GroupState#restore}); a pin or drill of a target the group no longer
     * has is dropped.
     */
    void restore(GroupSnapshot s, FailoverGroup group) {
        pin = s.pin() != null && group.target(s.pin().target()).isPresent() ? s.pin() : null;
        pause = s.pause();
        freeze = s.freeze();
        drill = s.drill() != null && group.target(s.drill().target()).isPresent() ? s.drill() : null;
        lastDrill = s.lastDrill();
    }
}
