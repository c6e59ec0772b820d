package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.actuator.domain.model.DesiredState;
import dev.failover.actuator.domain.model.ProviderLane;
import dev.failover.actuator.domain.reconcile.GroupReconcilerTest;
import dev.failover.actuator.domain.steps.ReconcileStepTableTest.Fixture;
import dev.failover.actuator.requests.Priority;
import dev.failover.contract.event.DecisionKind;

/**
 * Which turn a pass's requests take on a budget many groups share (ADR 0022, "Writes before confirmations"): in a
 * region's failover the groups still to be switched go before those whose switch is written and only to be confirmed,
 * and both before a settled group's resync.
 */
class PassPriorityTest {

    record Row(String situation, Function<Fixture, Pass> pass, Priority priority) {
        @Override
        public String toString() {
            return situation;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("a decision's pass before its write",
                        f -> f.decided(DecisionKind.FAILOVER, "primary", "secondary"),
                        Priority.SWITCH),
                new Row("a decision's pass with its change written, not yet seen propagated",
                        f -> f.at(DesiredState.after(null, GroupReconcilerTest.decision(1, DecisionKind.FAILOVER,
                                "primary", "secondary")).written(ProviderLane.ONLY, "C1")),
                        Priority.CONFIRM),
                new Row("a decision's pass with its change propagated: converging still, a switch's turn",
                        f -> f.at(DesiredState.after(null, GroupReconcilerTest.decision(1, DecisionKind.FAILOVER,
                                "primary", "secondary")).written(ProviderLane.ONLY, "C1")
                                .propagated(ProviderLane.ONLY)),
                        Priority.SWITCH),
                new Row("the initial state, nothing to drive", Fixture::initial, Priority.RESYNC));
    }

    @ParameterizedTest
    @MethodSource("rows")
    void aPassTakesTheTurnOfWhatItWaitsFor(Row row) {
        assertThat(row.pass().apply(new Fixture()).priority(ProviderLane.ONLY)).isEqualTo(row.priority());
    }
}
