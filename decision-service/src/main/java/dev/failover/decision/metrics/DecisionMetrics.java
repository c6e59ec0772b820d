package dev.failover.decision.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.failover.contract.event.CommandType;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.Topics;
import dev.failover.contract.signing.Verification;
import dev.failover.contract.time.SwitchObjectives;
import dev.failover.contract.topology.Topology;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.ObservedSwitch;
import dev.failover.decision.domain.model.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/** The decision-service's counters and timers; one method per event. Gauges per group live in {@code view.GroupGauges}. */
@ApplicationScoped
public class DecisionMetrics {

    /** Probe results used, by group. */
    public static final String RESULTS_USED = "failover.decision.results.used";
    /**
     * Probe results ignored, by reason (unknown group/target/location, stale, from the future, another probe instance of
     * the location in place) and location. The location is named only for STALE, FROM_THE_FUTURE and OTHER_SOURCE, which
     * come after it was found in the topology; for the other reasons it is {@value #UNCHECKED_LOCATION}, since any string
     * could be there. Alert FailoverProbeLocationTwoInstances on OTHER_SOURCE.
     */
    public static final String RESULTS_IGNORED = "failover.decision.results.ignored";
    /** Evaluations in which a rule held the active target, by group and reason. */
    public static final String HOLDS = "failover.decision.holds";
    /** Decisions published, by group, kind and mode. */
    public static final String DECISIONS = "failover.decision.decisions";
    /** Operator commands handled, by type and result: ACCEPTED, REJECTED_{rejection}, or REPEATED (seen before, not acted on). */
    public static final String COMMANDS = "failover.decision.commands";
    /**
     * Input records left alone because this instance does not decide their group now, by topic and reason
     * (NOT_ASSIGNED, NOT_RESTORED, LEASE_LAPSED).
     */
    public static final String INPUTS_IGNORED = "failover.decision.inputs.ignored";
    /** Records moved to a dead-letter topic, by source topic. */
    public static final String DEAD_LETTERED = "failover.decision.dead.lettered";
    /**
     * Records refused for want of a valid signature by a trusted key (ADR 0009), by topic and outcome (UNSIGNED,
     * UNKNOWN_KEY, BAD_SIGNATURE, MALFORMED): operator commands on input (dead-lettered), decisions when restoring
     * (skipped). Alert FailoverUnsignedControlMessage.
     */
    public static final String RECORDS_REJECTED = "failover.decision.records.rejected";
    /**
     * State records of a group Kafka acknowledged, by group: at least one per heartbeat while this instance owns it
     * (failover.state.heartbeat). Alert FailoverDecisionStateNotPublished when an owned group's stays flat.
     */
    public static final String STATE_PUBLISHED = "failover.decision.state.published";
    /** Failed attempts to publish decisions or state, by group. */
    public static final String PUBLISH_FAILURES = "failover.decision.publish.failures";
    /**
     * Failed or timed-out attempts to publish a group's decision explanations (ADR 0011), by group: no alert (they move
     * no traffic), but a rate that does not stop means a new owner will not have them (a missing ACL, say).
     */
    public static final String EXPLANATION_PUBLISH_FAILURES = "failover.decision.explanations.publish.failures";
    /** Actuation steps the actuator reported as failed, by group and step. */
    public static final String ACTUATION_FAILURES = "failover.decision.actuation.failures";
    /** Time from a drill's start decision to the actuator's verified switch, by group. */
    public static final String DRILL_RECOVERY = "failover.decision.drill.recovery";

    /**
     * The failover time as clients see it (ADR 0026): from the start of the failure (the first failing probe
     * of the failed target still failing) to the switch observed by the quorum of observing locations, by group, with
     * buckets at {@link SwitchObjectives}: the failover SLI.
     */
    public static final String FAILURE_TO_OBSERVED = "failover.decision.failure.to.observed";
    /** From the start of the failure to the decision that answered it, by group (detection and hysteresis). */
    public static final String FAILURE_TO_DECIDED = "failover.decision.failure.to.decided";
    /**
     * From a live switch's decision (a failover, switchover, drill, an operator's) to its observation by the quorum of
     * observing locations, by group and kind: the actuator's time and the resolvers' caches together.
     */
    public static final String DECIDED_TO_OBSERVED = "failover.decision.decided.to.observed";

    static final String UNCHECKED_LOCATION = "unchecked";

    private final MeterRegistry registry;
    /**
     * The counters by name and tag values: finding one in the registry (tags sorted, an id built) costs more than the
     * engine's handling of a probe result, and some are counted once per result.
     */
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    public DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
        // at 0 from the start: the first refusal must be an increase the alert sees, not a series that appears at 1
        for (String topic : List.of(Topics.COMMANDS, Topics.DECISIONS)) {
            for (Verification.Outcome outcome : Verification.Outcome.values()) {
                if (outcome != Verification.Outcome.VALID) {
                    counter(RECORDS_REJECTED, "topic", topic, "outcome", outcome.name());
                }
            }
        }
    }

    /** A counter's name and the values of its tags, whose keys are fixed by the name. */
    private record CounterKey(String name, String first, String second) {
    }

    public void ignored(Outcome.Ignored ignored, String location) {
        String checked = ignored.reason().causedByLocation() ? location : UNCHECKED_LOCATION;
        counter(RESULTS_IGNORED, "reason", ignored.reason().name(), "location", checked).increment();
    }

    /**
     * The results ignored by each of these locations for each reason that names it, at 0 from the start: the first
     * OTHER_SOURCE is an increase the alert FailoverProbeLocationTwoInstances sees, not a series that appears at 1, and
     * the dashboard's queries find the series before anything was ignored (a healthy plane may ignore nothing).
     */
    public void locations(Collection<String> locations) {
        for (String location : locations) {
            for (Outcome.IgnoreReason reason : Outcome.IgnoreReason.values()) {
                if (reason.causedByLocation()) {
                    counter(RESULTS_IGNORED, "reason", reason.name(), "location", location);
                }
            }
        }
    }

    void registerLocations(@Observes StartupEvent event, Topology topology) {
        locations(topology.locations());
    }

    public void used(String group) {
        counter(RESULTS_USED, "group", group).increment();
    }

    public void held(Outcome.Held held) {
        counter(HOLDS, "group", held.group(), "reason", held.reason().name()).increment();
    }

    public void decided(Decision decision) {
        registry.counter(DECISIONS, "group", decision.group(), "kind", decision.kind().name(), "mode",
                decision.mode().name())
                .increment();
    }

    /** A failover's detection: its failure's start to its decision. */
    public void failureToDecided(String group, Duration took) {
        objective(FAILURE_TO_DECIDED, took, "group", group);
    }

    /** A switch reached the quorum of observing locations. */
    public void switchObserved(String group, ObservedSwitch observed) {
        observed.decidedToObserved().ifPresent(d -> objective(DECIDED_TO_OBSERVED, d, "group", group, "kind",
                observed.kind().name()));
        observed.failureToObserved().ifPresent(d -> objective(FAILURE_TO_OBSERVED, d, "group", group));
    }

    private void objective(String name, Duration took, String... tags) {
        Timer.builder(name).tags(tags).serviceLevelObjectives(SwitchObjectives.buckets()).register(registry)
                .record(took.isNegative() ? Duration.ZERO : took);
    }

    public void command(CommandType type, CommandOutcome outcome) {
        String result = outcome instanceof CommandOutcome.Rejected r ? "REJECTED_" + r.rejection().name()
                : outcome instanceof CommandOutcome.Repeated ? "REPEATED" : CommandOutcome.Status.ACCEPTED.name();
        counter(COMMANDS, "type", type.name(), "result", result).increment();
    }

    /** An input record kept out of the engine; {@code reason} names where its partition stands for this instance. */
    public void inputIgnored(String topic, String reason) {
        counter(INPUTS_IGNORED, "topic", topic, "reason", reason).increment();
    }

    public void deadLettered(String topic) {
        counter(DEAD_LETTERED, "topic", topic).increment();
    }

    public void rejected(String topic, Verification.Outcome outcome) {
        counter(RECORDS_REJECTED, "topic", topic, "outcome", outcome.name()).increment();
    }

    public void statePublished(String group) {
        counter(STATE_PUBLISHED, "group", group).increment();
    }

    public void publishFailed(String group) {
        counter(PUBLISH_FAILURES, "group", group).increment();
    }

    public void explanationsPublishFailed(String group) {
        counter(EXPLANATION_PUBLISH_FAILURES, "group", group).increment();
    }

    public void actuationFailed(String group, String step) {
        counter(ACTUATION_FAILURES, "group", group, "step", step).increment();
    }

    public void drillRecovered(String group, Duration recovery) {
        registry.timer(DRILL_RECOVERY, "group", group).record(recovery);
    }

    private Counter counter(String name, String firstTag, String first) {
        return counter(name, firstTag, first, null, null);
    }

    private Counter counter(String name, String firstTag, String first, String secondTag, String second) {
        CounterKey key = new CounterKey(name, first, second);
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = counters.computeIfAbsent(key, k -> secondTag == null ? registry.counter(name, firstTag, first)
                    : registry.counter(name, firstTag, first, secondTag, second));
        }
        return counter;
    }
}
