package dev.failover.decision.domain;

import static dev.failover.decision.domain.OwnershipLossTest.API;
import static dev.failover.decision.domain.OwnershipLossTest.PRIMARY_FAILS;
import static dev.failover.decision.domain.SafetyRulesTest.T0;
import static dev.failover.decision.domain.SafetyRulesTest.engine;
import static dev.failover.decision.domain.SafetyRulesTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.time.ManualClock;

/**
 * Issue 29, item 2: the decision-service compares what the actuator reports serving with its own latest decision, by
 * id. Two owners restored from the same state both mint epoch 1 for different decisions; the actuator keeps the one that
 * landed first and reports it: the same epoch, another decision.
 */
class DecidedVsServedTest {

    /** What the actuator reports, if anything, seconds after the failover decided at t=50 s. */
    record Report(boolean own, int epoch, ActuationStatus status) {
    }

    static Stream<Arguments> reports() {
        return Stream.of(
                Arguments.of("the actuator converged on this instance's decision", new Report(true, 1, ActuationStatus.CONVERGED),
                        70, DecidedVsServed.State.SERVED, null),
                Arguments.of("still converging on it (capacity not ready)", new Report(true, 1, ActuationStatus.CONVERGING),
                        200, DecidedVsServed.State.ACTUATING, null),
                Arguments.of("another owner's decision of the same epoch, within the bound",
                        new Report(false, 1, ActuationStatus.CONVERGED), 100, DecidedVsServed.State.AWAITING_REPORT, null),
                Arguments.of("another owner's decision of the same epoch, past the bound of 60 s",
                        new Report(false, 1, ActuationStatus.CONVERGED), 111, DecidedVsServed.State.NOT_SERVED, null),
                Arguments.of("no report at all (dead-lettered, or the actuator is down), past the bound", null, 111,
                        DecidedVsServed.State.NOT_SERVED, null),
                // issue 51: a refusal counted as "actuating" for ever kept the group green while nothing moved
                Arguments.of("blocked by the actuator (reported at 60 s), within the bound",
                        new Report(true, 1, ActuationStatus.BLOCKED), 100, DecidedVsServed.State.ACTUATING, null),
                Arguments.of("blocked by the actuator for longer than the bound: refused, not actuating",
                        new Report(true, 1, ActuationStatus.BLOCKED), 121, DecidedVsServed.State.NOT_SERVED, null),
                // issue 51, item 2: the bound is failover.not-served-after
                Arguments.of("blocked for 25 s under a configured bound of 20 s", new Report(true, 1, ActuationStatus.BLOCKED),
                        85, DecidedVsServed.State.NOT_SERVED, 20),
                Arguments.of("blocked for 15 s under a configured bound of 20 s", new Report(true, 1, ActuationStatus.BLOCKED),
                        75, DecidedVsServed.State.ACTUATING, 20),
                Arguments.of("no report 25 s after the decision under a configured bound of 20 s", null, 75,
                        DecidedVsServed.State.NOT_SERVED, 20),
                Arguments.of("blocked for 100 s under a configured bound of 5 min", new Report(true, 1, ActuationStatus.BLOCKED),
                        160, DecidedVsServed.State.ACTUATING, 300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void theLatestDecisionIsComparedWithWhatTheActuatorReportsServing(String scenario, Report report, int at,
            DecidedVsServed.State expected, Integer boundSeconds) {
        ManualClock clock = new ManualClock(T0);
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        DecisionEngine engine = boundSeconds == null ? engine(API, clock) : new DecisionEngine(
                dev.failover.contract.topology.TopologyLoader.parse(API, "test"), clock, () -> "d-" + ids.incrementAndGet(),
                java.time.Duration.ofSeconds(5), DecisionEngine.DEFAULT_COMMAND_MAX_AGE,
                java.time.Duration.ofSeconds(boundSeconds));
        assertThat(run(engine, clock, PRIMARY_FAILS)).contains("t=50 api FAILOVER primary->secondary");
        Decision own = engine.view("api").orElseThrow().recentDecisions().get(0);
        if (report != null) {
            engine.onConvergence("api", report.own() ? own.decisionId() : "decided-by-the-zombie", report.epoch(),
                    report.status(), "", T0.plusSeconds(60));
        }
        clock.set(T0.plusSeconds(at));
        DecidedVsServed.Check check = engine.view("api").orElseThrow().decidedVsServed();
        assertThat(check.state()).as(check.detail()).isEqualTo(expected);
        assertThat(check.decided()).isEqualTo(own.decisionId());
        assertThat(own.issuedAt()).isEqualTo(Instant.parse("2026-11-22T03:00:50Z"));
    }
}
