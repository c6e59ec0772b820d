package dev.failover.decision.domain.model;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.LaneState;

/**
 * What must survive a restart or a move to another instance: the active target, the epoch, the switch history the flap
 * guard counts, operator overrides, a running drill and the audit trail; the actuator's refusals, since when each of
 * the group's targets has been failing and an operator's resume of a suspicion (what the correlated-failure guard
 * remembers: a restart must not make old failures look new and correlated); the term and instance tag
 * of the owner that wrote it ({@link OwnershipTerm}: the next owner's term is above it, and a snapshot of an
 * earlier term never overrides a later one of the same epoch, {@link #rank()}). Health is not in it: it is rebuilt from new
 * probe results within a few intervals, and until then the engine holds (UNKNOWN is never acted on).
 */
public record GroupSnapshot(
        String group,
        String activeTarget,
        long epoch,
        Instant lastSwitchAt,
        List<Instant> automaticSwitches,
        PinState pin,
        PauseState pause,
        FreezeState freeze,
        DrillState drill,
        List<AuditEntry> audit,
        List<Decision> recentDecisions,
        DrillReport lastDrill,
        Serving serving,
        List<SeenCommand> seenCommands,
        List<ActuationEntry> recentActuations,
        List<Refusal> refusals,
        java.util.Map<String, Instant> failingSince,
        Instant guardAcknowledgedAt,
        long term,
        int termInstance,
        List<ObservedSwitch> observedSwitches) {

    /** Without an observed switch: for records of earlier releases and for tests. */
    public GroupSnapshot(String group, String activeTarget, long epoch, Instant lastSwitchAt,
            List<Instant> automaticSwitches, PinState pin, PauseState pause, FreezeState freeze, DrillState drill,
            List<AuditEntry> audit, List<Decision> recentDecisions, DrillReport lastDrill, Serving serving,
            List<SeenCommand> seenCommands, List<ActuationEntry> recentActuations, List<Refusal> refusals,
            java.util.Map<String, Instant> failingSince, Instant guardAcknowledgedAt, long term, int termInstance) {
        this(group, activeTarget, epoch, lastSwitchAt, automaticSwitches, pin, pause, freeze, drill, audit,
                recentDecisions, lastDrill, serving, seenCommands, recentActuations, refusals, failingSince,
                guardAcknowledgedAt, term, termInstance, null);
    }

    public GroupSnapshot {
        // absent in records written before switches were observed: none
        observedSwitches = observedSwitches == null ? List.of() : List.copyOf(observedSwitches);
        // absent in records written before the guard's memory was kept: read as none, never resumed
        failingSince = failingSince == null ? java.util.Map.of() : java.util.Map.copyOf(failingSince);
        // absent in records written before refusals fed back: read as none
        refusals = refusals == null ? List.of() : List.copyOf(refusals);
        // absent in records written before the actuator's steps were kept: read as none
        recentActuations = recentActuations == null ? List.of() : List.copyOf(recentActuations);
        automaticSwitches = automaticSwitches == null ? List.of() : List.copyOf(automaticSwitches);
        // absent in records written before commands were deduplicated: read as none seen
        seenCommands = seenCommands == null ? List.of() : List.copyOf(seenCommands);
        audit = audit == null ? List.of() : List.copyOf(audit);
        recentDecisions = recentDecisions == null ? List.of() : List.copyOf(recentDecisions);
    }

    /**
     * Which of two snapshots of the group is the newer: the higher epoch, then the later term, then the higher instance
     * tag (ADR 0002). A pause, pin or resume changes no epoch; without the term a snapshot an old owner wrote before it
     * lost the group, landing in the log after the new owner's, would undo the new owner's pause at the next restore.
     * One owner's snapshots of one term are written by one producer, in order: among them the log's order holds.
     * Records written before terms were persisted rank as term 0.
     */
    public Rank rank() {
        return new Rank(epoch, term, termInstance);
    }

    /** The order of a group's snapshots: see {@link GroupSnapshot#rank()}. */
    public record Rank(long epoch, long term, int instance) implements Comparable<Rank> {

        private static final java.util.Comparator<Rank> ORDER = java.util.Comparator.comparingLong(Rank::epoch)
                .thenComparingLong(Rank::term).thenComparingInt(Rank::instance);

        @Override
        public int compareTo(Rank other) {
            return ORDER.compare(this, other);
        }
    }

    /**
     * @param until        null for a pin without expiry; {@code forced} when it came from a break-glass force
     * @param switchedFrom when the pin came from a planned switchover, the target traffic left (where an abort returns
     *                     it); null otherwise
     */
    public record PinState(String target, Instant until, boolean forced, String principal, String reason, Instant since,
            String switchedFrom) {

        public PinState(String target, Instant until, boolean forced, String principal, String reason, Instant since) {
            this(target, until, forced, principal, reason, since, null);
        }
    }

    public record PauseState(String principal, String reason, Instant since) {
    }

    public record FreezeState(String reason, Instant since) {
    }

    /** A running drill: traffic is on {@code target} until {@code endsAt}, then returns to {@code returnTo}. */
    public record DrillState(String target, String returnTo, Instant startedAt, Instant endsAt, String principal,
            String startDecisionId) {
    }

    /** The last drill's result: recovery time is filled in when the actuator reports the verified switch. */
    public record DrillReport(String startDecisionId, String target, Instant startedAt, Instant endedAt, String outcome,
            Long recoveryMillis) {
    }

    /**
     * What the actuator last reported of the group's record (its RECONCILE results, ADR 0006): whether the decision of
     * {@code epoch} is served. An epoch below the group's means the actuator has not reported on the latest decision yet.
     *
     * @param status CONVERGING, CONVERGED, BLOCKED, DRIFT or SUPERSEDED
     * @param detail the attempt and last error while converging, the reason when blocked, what is served on drift
     * @param lanes  for a group of several DNS providers, where each provider's lane stands with the same epoch's
     *               decision, in the order they first reported (ADR 0036); empty for a group of one, which publishes none.
     *               They say nothing of whether the group is served: {@code status} does, per the group's policy
     */
    public record Serving(long epoch, String decisionId, ActuationStatus status, String detail, Instant at,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Lane> lanes) {

        public Serving {
            // absent in records written before lanes were reported: none
            lanes = lanes == null ? List.of() : List.copyOf(lanes);
        }

        /** The same report with these lanes. */
        public Serving withLanes(List<Lane> lanes) {
            return new Serving(epoch, decisionId, status, detail, at, lanes);
        }
    }

    /**
     * One provider lane of the group, as the actuator last reported it for the serving report's epoch (its
     * ProviderLaneResults, ADR 0036).
     *
     * @param lane    the provider's id in the topology
     * @param kind    route53, rfc2136 or route53-arc
     * @param state   where it stands
     * @param detail  the attempt and last error, the refusal; absent when the actuator said nothing more
     * @param since   since when it is in {@code state}, by the actuator's clock
     * @param results how many of the lane's results of this epoch were read
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lane(String lane, String kind, LaneState state, String detail, Instant since, int results) {
    }

    /**
     * The actuator refused the group's move to {@code target} (it reported decision {@code decisionId} BLOCKED): the
     * target is not an eligible destination until an operator resumes the group, pins or forces a target, or a move to
     * it is served (ADR 0010).
     *
     * @param reason the actuator's, as it reported it
     * @param since  when it reported the refusal, by its clock
     */
    public record Refusal(String target, String decisionId, long epoch, String reason, Instant since) {
    }

    /**
     * One step of the actuator's work on a decision, as it reported it (its ActuationResult), kept for the operator's
     * timeline. Reports of the same step of the same decision with the same status in a row are one entry, the latest:
     * a record CONVERGING for an hour is one line, with its last attempt and error.
     *
     * @param at       when the step ended, by the actuator's clock
     * @param provider the backend that did it (route53, rfc2136, kubernetes...), when the step has one
     * @param detail   what the actuator said, cut to GroupJournal.ACTUATION_DETAIL characters
     */
    public record ActuationEntry(Instant at, String decisionId, long epoch, ActuationStep step, ActuationStatus status,
            String provider, String detail) {
    }

    /**
     * An operator command the group applied or rejected, kept while it is younger than the command max age so that the
     * same command id is never acted on twice, across restarts and offset resets too; older ones are rejected as
     * EXPIRED anyway.
     *
     * @param rejection when {@code status} is REJECTED
     * @param field     the request field at fault, when one is
     */
    public record SeenCommand(String commandId, Instant issuedAt, CommandOutcome.Status status,
            CommandOutcome.Rejection rejection, String field, String message, List<String> decisionIds) {

        public SeenCommand {
            decisionIds = decisionIds == null ? List.of() : List.copyOf(decisionIds);
        }

        /** What {@code outcome} of command {@code commandId} is remembered as; a repeat is remembered as its first. */
        public static SeenCommand of(String commandId, Instant issuedAt, CommandOutcome outcome) {
            if (outcome instanceof CommandOutcome.Repeated repeated) {
                return repeated.first();
            }
            if (outcome instanceof CommandOutcome.Rejected r) {
                return new SeenCommand(commandId, issuedAt, CommandOutcome.Status.REJECTED, r.rejection(), r.field(),
                        r.message(), List.of());
            }
            CommandOutcome.Accepted a = (CommandOutcome.Accepted) outcome;
            return new SeenCommand(commandId, issuedAt, CommandOutcome.Status.ACCEPTED, null, null, a.detail(),
                    a.decisions().stream().map(Decision::decisionId).toList());
        }
    }

    /** One operator action or notable automatic event, for the audit history. */
    public record AuditEntry(Instant at, String principal, String action, String reason) {
    }
}
