package dev.failover.decision.domain.state;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.failover.contract.event.Decision;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * What one group has done and has yet to tell: its audit trail, its recent decisions, the actuator's recent steps on
 * them, the explanations of its latest decisions and its outbox of decisions not yet acknowledged by Kafka. Part of
 * {@link GroupState}, which owns it; the parts whose changes are audited ({@link Traffic}, {@link Overrides},
 * {@link GuardAcknowledgement}) write to it as they change. Not thread-safe, the engine serialises access.
 */
public final class GroupJournal {

    static final int AUDIT_SIZE = 50;
    static final int RECENT_DECISIONS = 20;
    public static final int RECENT_ACTUATIONS = 20;
    /** Characters of an actuation's detail kept: enough for a provider's error, bounded for the state record. */
    public static final int ACTUATION_DETAIL = 300;
    /**
     * Explanations of the latest decisions kept, newest first. Persisted on a topic of their own, not in the state record:
     * that is at its size budget (StateRecordSizeTest) and five explanations with full evidence add about 125 KB (ADR 0011).
     */
    public static final int EXPLANATIONS = 5;

    private final Deque<GroupSnapshot.AuditEntry> audit = new ArrayDeque<>();
    private final Deque<Decision> recentDecisions = new ArrayDeque<>();
    private final Deque<GroupSnapshot.ActuationEntry> actuations = new ArrayDeque<>();
    private final Deque<Explanation> explanations = new ArrayDeque<>();
    /**
     * Decisions made and not yet acknowledged by Kafka, oldest first. A decision enters it in the same critical section
     * that changes the state, so a snapshot taken while it is empty can never be ahead of a published decision.
     */
    private final Deque<Decision> outbox = new ArrayDeque<>();

    public List<GroupSnapshot.AuditEntry> auditTrail() {
        return List.copyOf(audit);
    }

    public List<Decision> recentDecisions() {
        return List.copyOf(recentDecisions);
    }

    /** The actuator's recent steps, newest first. */
    public List<GroupSnapshot.ActuationEntry> recentActuations() {
        return List.copyOf(actuations);
    }

    /**
     * A step the actuator reported: kept newest first, with its detail cut; the same step of the same decision with the
     * same status as the newest entry replaces it (a retried step is one entry, its last attempt).
     */
    public void actuated(GroupSnapshot.ActuationEntry entry) {
        GroupSnapshot.ActuationEntry newest = actuations.peekFirst();
        if (newest != null && newest.decisionId().equals(entry.decisionId()) && newest.step() == entry.step()
                && newest.status() == entry.status()) {
            actuations.removeFirst();
        }
        actuations
                .addFirst(new GroupSnapshot.ActuationEntry(entry.at(), entry.decisionId(), entry.epoch(), entry.step(),
                        entry.status(), entry.provider(), cut(entry.detail())));
        while (actuations.size() > RECENT_ACTUATIONS) {
            actuations.removeLast();
        }
    }

    /** At most {@link #ACTUATION_DETAIL} characters, never half a surrogate pair, with an ellipsis when cut. */
    public static String cut(String detail) {
        if (detail == null || detail.length() <= ACTUATION_DETAIL) {
            return detail;
        }
        int end = ACTUATION_DETAIL - 1;
        if (Character.isHighSurrogate(detail.charAt(end - 1))) {
            end--;
        }
        return detail.substring(0, end) + "\u2026";
    }

    /** The decisions not yet acknowledged by Kafka, oldest first. */
    public List<Decision> unpublished() {
        return List.copyOf(outbox);
    }

    public boolean hasUnpublished() {
        return !outbox.isEmpty();
    }

    /** The explanation of decision {@code decisionId}, if kept. */
    public Optional<Explanation> explanation(String decisionId) {
        return explanations.stream().filter(e -> decisionId.equals(e.decisionId())).findFirst();
    }

    /** The explanations kept, newest first, without those of decisions not yet published. */
    public List<Explanation> publishedExplanations() {
        Set<String> unpublished = outboxDecisionIds();
        return explanations.stream().filter(e -> !unpublished.contains(e.decisionId())).toList();
    }

    /** A new decision: kept among the recent ones, explained, and into the outbox until Kafka acknowledged it. */
    void decided(Decision decision, Explanation explanation) {
        recordDecision(decision);
        recordExplanation(explanation);
        outbox.addLast(decision);
    }

    /** Kafka acknowledged decision {@code decisionId}: it leaves the outbox. */
    public void published(String decisionId) {
        outbox.removeIf(d -> d.decisionId().equals(decisionId));
    }

    /** Drops the decisions not yet published, and their explanations; returns how many. */
    public int discardUnpublished() {
        int dropped = outbox.size();
        Set<String> discarded = outboxDecisionIds();
        explanations.removeIf(e -> discarded.contains(e.decisionId())); // they explain decisions never made
        outbox.clear();
        return dropped;
    }

    private void recordExplanation(Explanation explanation) {
        explanations.addFirst(explanation);
        while (explanations.size() > EXPLANATIONS) {
            explanations.removeLast();
        }
    }

    /** The ids of the decisions not yet published. */
    private Set<String> outboxDecisionIds() {
        return outbox.stream().map(Decision::decisionId).collect(Collectors.toSet());
    }

    /**
     * Takes persisted explanations back (a restart, a take-over): together with any this instance still holds, the
     * latest by decision time, each decision once.
     */
    public void restoreExplanations(List<Explanation> persisted) {
        Map<String, Explanation> byDecision = new LinkedHashMap<>();
        Stream.concat(explanations.stream(), persisted.stream())
                .filter(e -> e.decisionId() != null && e.at() != null) // a record from elsewhere may lack them
                .forEach(e -> byDecision.putIfAbsent(e.decisionId(), e));
        explanations.clear();
        byDecision.values().stream().sorted(Comparator.comparing(Explanation::at).reversed()).limit(EXPLANATIONS)
                .forEach(explanations::addLast);
    }

    void audit(Instant at, String principal, String action, String reason) {
        audit.addFirst(new GroupSnapshot.AuditEntry(at, principal, action, reason));
        while (audit.size() > AUDIT_SIZE) {
            audit.removeLast();
        }
    }

    void recordDecision(Decision decision) {
        recentDecisions.addFirst(decision);
        while (recentDecisions.size() > RECENT_DECISIONS) {
            recentDecisions.removeLast();
        }
    }

    /**
     * Takes the audit trail, recent decisions and actuations of a persisted snapshot (the outbox and explanations are not
     * in it).
     */
    void restore(GroupSnapshot s) {
        audit.clear();
        audit.addAll(s.audit());
        recentDecisions.clear();
        recentDecisions.addAll(s.recentDecisions());
        actuations.clear();
        actuations.addAll(s.recentActuations());
    }
}
