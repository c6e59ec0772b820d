package dev.failover.actuator.domain.plan;

import java.util.List;
import java.util.Optional;

import dev.failover.actuator.dns.RecordSet;
import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.RecordSets;
import dev.failover.actuator.domain.model.TrafficPlan;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Target;

/**
 * What a pass converges the group's record on: the initial state before any decision (epoch 0), or the desired state of
 * the decision being worked on. The reconcile steps are the same for both; where they differ, they ask the goal.
 */
public sealed interface Goal {

    FailoverGroup config();

    /** The target that gets the traffic, whose capacity a write that sends it traffic waits for. */
    Target target();

    /** The record sets wanted. */
    List<RecordSet> wanted();

    /** The epoch whose ownership mark the record carries once written. */
    long epoch();

    /** The traffic step of the goal (a stepped failback's); 0 for one made in one step, and the initial state. */
    int step();

    /** The decision id in the ownership mark. */
    String decisionId();

    /**
     * The change a read of {@code lane} asks its provider about (a Route 53 change id written and not yet seen
     * propagated).
     */
    Optional<String> changeToCheck(String lane);

    /**
     * The mark of {@code lane}'s last write, as the desired state keeps it for a provider without an owner record (ARC
     * routing controls, ADR 0014); empty with no decision, or before the first write.
     */
    Optional<String> storedMark(String lane);

    /** For people: what the goal wants, as a drift report says it after "served as ...", e.g. "but epoch 3 wants ...". */
    String butWants();

    /** The actuation step a write of the goal is reported as. */
    ActuationStep writeStep(TrafficPlan traffic);

    /** For people: the step of the goal a write makes, e.g. "failback step 1 of 3: 10 % of traffic"; may be empty. */
    String describeStep(TrafficPlan traffic);

    /**
     * No decision yet: the chain's first target, with the group's configured TTL (ADR 0006). A record serving it with any
     * TTL is served as wanted: the TTL moves no traffic.
     */
    record Initial(FailoverGroup config, List<RecordSet> wanted) implements Goal {

        @Override
        public Target target() {
            return config.primary();
        }

        @Override
        public long epoch() {
            return 0;
        }

        @Override
        public int step() {
            return 0;
        }

        @Override
        public String decisionId() {
            return DesiredState.INITIAL_DECISION_ID;
        }

        @Override
        public Optional<String> changeToCheck(String lane) {
            return Optional.empty();
        }

        @Override
        public Optional<String> storedMark(String lane) {
            return Optional.empty();
        }

        @Override
        public String butWants() {
            return "but, with no decision yet, the initial state wants " + RecordSets.describe(wanted) + " ("
                    + target().id()
                    + ")";
        }

        @Override
        public ActuationStep writeStep(TrafficPlan traffic) {
            return ActuationStep.DNS_SWITCH;
        }

        @Override
        public String describeStep(TrafficPlan traffic) {
            return "initial state, no decision yet";
        }
    }

    /** A decision's desired state, at the step it has reached. */
    record Decided(FailoverGroup config, Target target, DesiredState desired, List<RecordSet> wanted) implements Goal {

        @Override
        public long epoch() {
            return desired.epoch();
        }

        @Override
        public int step() {
            return desired.step();
        }

        @Override
        public String decisionId() {
            return desired.decision().decisionId();
        }

        @Override
        public Optional<String> changeToCheck(String lane) {
            return desired.changeToCheck(lane);
        }

        @Override
        public Optional<String> storedMark(String lane) {
            return desired.storedMark(lane);
        }

        @Override
        public String butWants() {
            return "but epoch " + desired.epoch() + " wants " + RecordSets.describe(wanted);
        }

        @Override
        public ActuationStep writeStep(TrafficPlan traffic) {
            return traffic.writeStep(config, desired);
        }

        @Override
        public String describeStep(TrafficPlan traffic) {
            return traffic.describeStep(config, desired);
        }
    }
}
