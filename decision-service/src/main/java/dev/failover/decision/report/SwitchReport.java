package dev.failover.decision.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.LaneState;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.ObservedSwitch;

/**
 * What happened in one switch (a failover, switchover, drill or an operator's move), in one document an auditor can
 * keep: the decision; why, as the rule chain's trace with the evidence per location and each result's Kafka offset (the
 * explanation, ADR 0011); each step the actuator reported, the data tier's among them with what it measured of the
 * loss; each DNS provider's lane (ADR 0036); when each location's resolvers answered the new target; the drill's
 * outcome; and the time of each stage. Built
 * from what the group's state keeps (its latest decisions, their steps, the latest switch's observation): an older
 * switch's parts may no longer be kept, and are then absent.
 *
 * @param stages       the measured time of each stage (RTO), from the failure where there was one
 * @param explanation  absent when the decision's explanation is no longer kept
 * @param actuations   the actuator's reports of this decision's steps, oldest first
 * @param database     the data tier's steps of it (FENCE, DATABASE): what was fenced and promoted, and the loss exposure
 *                     the actuator measured (RPO)
 * @param observed     when each location saw it; absent when nothing observes, or it is older than the switches kept
 * @param drill        the drill it started or ended
 * @param lanes        for a group of several DNS providers, each provider's lane (ADR 0036); absent for a group of one,
 *                     and when the actuator's serving report is no longer of this decision
 * @param generatedBy  the decision-service instance that wrote it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SwitchReport(int schemaVersion, String group, Decision decision, Stages stages, Explanation explanation,
        List<GroupSnapshot.ActuationEntry> actuations, List<GroupSnapshot.ActuationEntry> database,
        ObservedSwitch observed,
        GroupSnapshot.DrillReport drill, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Lane> lanes,
        Instant generatedAt, String generatedBy) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * One provider lane of the switch, as the actuator last reported it on this decision.
     *
     * @param state           its end state: the latest it reported
     * @param decidedToServed milliseconds from the decision to the lane's serving it; absent when its end state is not
     *                        SERVED
     * @param results         how many of the lane's results were read for this decision
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lane(String lane, String kind, LaneState state, Long decidedToServed, int results) {

        /** The lanes of {@code serving} when it reports on {@code decision}; none otherwise. */
        static List<Lane> of(Decision decision, GroupSnapshot.Serving serving) {
            if (serving == null || !serving.decisionId().equals(decision.decisionId())) {
                return List.of();
            }
            return serving.lanes().stream().map(l -> new Lane(l.lane(), l.kind(), l.state(),
                    l.state() == LaneState.SERVED ? Stages.millis(decision.issuedAt(), l.since()) : null, l.results()))
                    .toList();
        }
    }

    /**
     * The measured time of each stage, milliseconds; a stage not reached (or not known) is absent.
     *
     * @param failureToDecided  from the failure's start (the first failing probe still failing) to the decision
     * @param decidedToServed   to the record reading back the target: the actuator's VERIFY of it (for a planned move,
     *                          at the TTL floor, before the TTL is restored), else its convergence
     * @param servedToObserved  to the quorum of observing locations' resolvers answering the target; negative when they
     *                          answered it before the actuator's read-back was reported (or already before the switch)
     * @param failureToObserved the whole failover as clients see it
     * @param decidedToComplete to the actuator's COMPLETE step (every step done, the TTL restored for a planned move)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stages(Long failureToDecided, Long decidedToServed, Long servedToObserved, Long failureToObserved,
            Long decidedToComplete) {

        static Stages of(Decision decision, ObservedSwitch observed, List<GroupSnapshot.ActuationEntry> steps) {
            Instant decided = decision.issuedAt();
            Instant failed = observed == null ? null : observed.failedAt();
            Instant served = steps.stream().filter(s -> s.step() == ActuationStep.VERIFY
                    && s.status() == dev.failover.contract.event.ActuationStatus.SUCCEEDED)
                    .map(GroupSnapshot.ActuationEntry::at)
                    .findFirst().orElse(observed == null ? null : observed.servedAt());
            Instant quorum = observed == null ? null : observed.quorumAt();
            Instant complete = steps.stream().filter(s -> s.step() == ActuationStep.COMPLETE)
                    .map(GroupSnapshot.ActuationEntry::at)
                    .findFirst().orElse(null);
            return new Stages(millis(failed, decided), millis(decided, served), millis(served, quorum),
                    millis(failed, quorum), millis(decided, complete));
        }

        static Long millis(Instant from, Instant to) {
            return from == null || to == null ? null : Duration.between(from, to).toMillis();
        }
    }
}
