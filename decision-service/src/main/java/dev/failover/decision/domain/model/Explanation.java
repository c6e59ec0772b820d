package dev.failover.decision.domain.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.event.FailureReason;
import dev.failover.contract.event.LocationVerdict;
import dev.failover.contract.event.ProbeOutcome;
import dev.failover.contract.event.TargetHealth;

/**
 * Why a group did what it did: the evidence per location (each result with its time and Kafka position), the thresholds
 * applied, the rules in the order the engine checks them with which one fired or held, and the margin by which the
 * outcome was reached. Made when a decision is made (and kept with the group's state), or for the group's last
 * evaluation ("why is it not failing over now"). {@link #startingState} and the results are what a replay needs to make
 * the same decision again (ExplanationReplay).
 *
 * @param decisionId null for the explanation of the last evaluation
 * @param kind       the decision's kind; null unless SWITCHED
 * @param holdReason why it held; null unless HELD
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Explanation(String group, String decisionId, Instant at, Verdict outcome, DecisionKind kind,
        String fromTarget,
        String toTarget, Outcome.HoldReason holdReason, String summary, List<Rule> rules,
        Map<String, Integer> thresholds,
        List<TargetFacts> targets, StartingState startingState) {

    public Explanation {
        rules = rules == null ? List.of() : List.copyOf(rules);
        targets = targets == null ? List.of() : List.copyOf(targets);
        thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
    }

    public enum Verdict {
        SWITCHED, HELD, STEADY
    }

    /** How a rule took part: it let the outcome through, made it, stopped it, or was not reached. */
    public enum RuleResult {
        PASSED, FIRED, HELD, NOT_APPLICABLE
    }

    /** One rule the engine checked, in its order. */
    public record Rule(String rule, RuleResult result, String detail) {
    }

    /** A target's quorum health, the margin to another health, and each location's facts. */
    public record TargetFacts(String target, TargetHealth health, String margin, List<LocationFacts> locations) {
    }

    /**
     * One location's verdict on a target, its counts, the margin to the other verdict, and its recent results.
     *
     * @param before the hysteresis state from before the oldest of {@code results}: the verdict may come from results
     *               older than those kept; null when not recorded (an explanation written before it was)
     */
    public record LocationFacts(String location, LocationVerdict verdict, int consecutiveFailures,
            int consecutiveSuccesses,
            String margin, List<Result> results, Counts before) {
    }

    /** A location's hysteresis state: the verdict its runs last reached and the current run lengths. */
    public record Counts(LocationVerdict verdict, int consecutiveFailures, int consecutiveSuccesses) {
    }

    /**
     * One probe result as the engine counted it.
     *
     * @param partition the Kafka partition it was read from; null when not read from Kafka
     * @param offset    its offset there
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(Instant startedAt, Long durationMillis, ProbeOutcome outcome, FailureReason failureReason,
            Integer partition, Long offset) {
    }

    /**
     * The group's state before the evidence: where traffic was, the epoch, the last switch (dwell time) and since when
     * each target has been stably healthy (failback hold-down, which reaches further back than the results kept), and
     * the actuator's refusals in force (a refused target is no destination).
     */
    public record StartingState(String activeTarget, long epoch, Instant lastSwitchAt,
            Map<String, Instant> stablyHealthySince,
            java.util.List<GroupSnapshot.Refusal> refusals) {
        public StartingState {
            stablyHealthySince = stablyHealthySince == null ? Map.of() : Map.copyOf(stablyHealthySince);
            // absent in explanations recorded before refusals were carried: read as none
            refusals = refusals == null ? java.util.List.of() : java.util.List.copyOf(refusals);
        }
    }

    /** Where a probe result was read from, when it came through Kafka. */
    public record Position(int partition, long offset) {
    }
}
