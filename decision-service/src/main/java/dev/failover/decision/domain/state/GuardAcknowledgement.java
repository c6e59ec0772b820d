package dev.failover.decision.domain.state;

import java.time.Instant;

import dev.failover.contract.event.Decision;

/**
 * What one group keeps of the correlated-failure guard (ADR 0010): when an operator last resumed it, so that a suspicion
 * begun before no longer holds it, and the suspicion last written to the audit trail, so that each is written once. The
 * resume is persisted with the state: the failures' starts are too, so a suspicion a new owner forms of them is the one
 * the operator resumed, not a new one. Part of {@link GroupState}, which owns it and changes it only through its intent
 * methods; not thread-safe, the engine serialises access.
 */
public final class GuardAcknowledgement {

    /** Written: the suspicions that hold the group. */
    private final GroupJournal journal;
    private Instant acknowledgedAt;
    private Instant auditedFor;

    GuardAcknowledgement(GroupJournal journal) {
        this.journal = journal;
    }

    /** When an operator last resumed the group; null if never. */
    public Instant acknowledgedAt() {
        return acknowledgedAt;
    }

    /** Through {@link GroupState#resume} (now), or a restore (the persisted resume). */
    void acknowledged(Instant at) {
        acknowledgedAt = at;
    }

    /** Writes a correlated-failure suspicion that holds the group to the audit trail, once per suspicion. */
    public void auditSuspicionOnce(Instant since, Instant now, String why) {
        if (!since.equals(auditedFor)) {
            auditedFor = since;
            journal.audit(now, Decision.AUTOMATION, "held by correlated-failure guard", why);
        }
    }
}
