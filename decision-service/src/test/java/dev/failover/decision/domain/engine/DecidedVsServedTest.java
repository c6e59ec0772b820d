package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.OwnershipLossTest.API;
import static dev.failover.decision.domain.engine.OwnershipLossTest.PRIMARY_FAILS;
import static dev.failover.decision.domain.engine.SafetyRulesTest.T0;
import static dev.failover.decision.domain.engine.SafetyRulesTest.engine;
import static dev.failover.decision.domain.engine.SafetyRulesTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.DecidedVsServed;
import dev.failover.decision.domain.model.GroupSnapshot;

/**
 * The decision-service compares what the actuator reports serving with its own latest decision, by
 * id. Two owners restored from the same state both mint epoch 1 for different decisions; the actuator keeps the one that
 * landed first and reports it: the same epoch, another decision.
 */
class DecidedVsServedTest {

    /** What the actuator reports, if anything, seconds after the failover decided at t=50 s. */
    record Report(boolean own, int epoch, ActuationStatus status) {
    }

    static Stream<Arguments> reports() {
        return Stream.of(
                Arguments.of("the actuator converged on this instance's decision",
                        new Report(true, 1, ActuationStatus.CONVERGED),
                        70, DecidedVsServed.State.SERVED, null),
                Arguments.of("still converging on it (capacity not ready)",
                        new Report(true, 1, ActuationStatus.CONVERGING),
                        200, DecidedVsServed.State.ACTUATING, null),
                // another owner's decision of an epoch no lower than this instance's latest is served:
                // the latest is re-issued above it (at 100 s, when the report is read), once
                Arguments.of("another owner's decision of the same epoch: re-issued, awaiting its report",
                        new Report(false, 1, ActuationStatus.CONVERGED), 111, DecidedVsServed.State.AWAITING_REPORT,
                        null),
                Arguments.of("another owner's decision of a higher epoch: re-issued, awaiting its report",
                        new Report(false, 9, ActuationStatus.CONVERGED), 111, DecidedVsServed.State.AWAITING_REPORT,
                        null),
                Arguments.of("the re-issue not reported either, past the bound: raised, not re-issued again",
                        new Report(false, 1, ActuationStatus.CONVERGED), 161, DecidedVsServed.State.NOT_SERVED, null),
                Arguments.of("another owner's decision of a lower epoch (not re-issued over), past the bound",
                        new Report(false, 0, ActuationStatus.CONVERGED), 111, DecidedVsServed.State.NOT_SERVED, null),
                Arguments.of("no report at all (dead-lettered, or the actuator is down), past the bound", null, 111,
                        DecidedVsServed.State.NOT_SERVED, null),
                // before, a refusal counted as "actuating" for ever kept the group green while nothing moved
                Arguments.of("blocked by the actuator (reported at 60 s), within the bound",
                        new Report(true, 1, ActuationStatus.BLOCKED), 100, DecidedVsServed.State.ACTUATING, null),
                Arguments.of("blocked by the actuator for longer than the bound: refused, not actuating",
                        new Report(true, 1, ActuationStatus.BLOCKED), 121, DecidedVsServed.State.NOT_SERVED, null),
                // the bound is failover.not-served-after
                Arguments.of("blocked for 25 s under a configured bound of 20 s",
                        new Report(true, 1, ActuationStatus.BLOCKED),
                        85, DecidedVsServed.State.NOT_SERVED, 20),
                Arguments.of("blocked for 15 s under a configured bound of 20 s",
                        new Report(true, 1, ActuationStatus.BLOCKED),
                        75, DecidedVsServed.State.ACTUATING, 20),
                Arguments.of("no report 25 s after the decision under a configured bound of 20 s", null, 75,
                        DecidedVsServed.State.NOT_SERVED, 20),
                Arguments.of("blocked for 100 s under a configured bound of 5 min",
                        new Report(true, 1, ActuationStatus.BLOCKED),
                        160, DecidedVsServed.State.ACTUATING, 300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void theLatestDecisionIsComparedWithWhatTheActuatorReportsServing(String scenario, Report report, int at,
            DecidedVsServed.State expected, Integer boundSeconds) {
        ManualClock clock = new ManualClock(T0);
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        DecisionEngine engine = boundSeconds == null ? engine(API, clock) : new DecisionEngine(
                dev.failover.contract.topology.TopologyLoader.parse(API, "test"), clock,
                () -> "d-" + ids.incrementAndGet(),
                new EngineLimits(Engines.CLOCK_SKEW_TOLERANCE, EngineLimits.DEFAULT_COMMAND_MAX_AGE,
                        java.time.Duration.ofSeconds(boundSeconds)));
        assertThat(run(engine, clock, PRIMARY_FAILS)).contains("t=50 api FAILOVER primary->secondary");
        Decision own = engine.view("api").orElseThrow().recentDecisions().get(0);
        if (report != null) {
            engine.feedback().onConvergence("api", report.own() ? own.decisionId() : "decided-by-the-zombie",
                    report.epoch(),
                    report.status(), "", T0.plusSeconds(60));
        }
        clock.set(T0.plusSeconds(at));
        DecidedVsServed.Check check = engine.view("api").orElseThrow().decidedVsServed();
        assertThat(check.state()).as(check.detail()).isEqualTo(expected);
        Decision latest = engine.view("api").orElseThrow().recentDecisions().get(0);
        boolean reissued = report != null && !report.own() && report.epoch() >= own.epoch();
        assertThat(check.decided()).as("the decision compared").isEqualTo(latest.decisionId());
        assertThat(latest.decisionId().equals(own.decisionId())).as("the latest decision is the failover itself")
                .isEqualTo(!reissued);
        if (reissued) {
            assertThat(latest).as("the re-issue").satisfies(r -> {
                assertThat(r.epoch()).as("its epoch").isGreaterThan(report.epoch());
                assertThat(r.toTarget()).isEqualTo(own.toTarget());
                assertThat(r.fromTarget()).isEqualTo(own.fromTarget());
                assertThat(r.kind()).isEqualTo(own.kind());
            });
            assertThat(engine.unpublished("api")).as("the outbox: the re-issue, once").extracting(Decision::decisionId)
                    .contains(latest.decisionId()).hasSize(2);
        }
        assertThat(own.issuedAt()).isEqualTo(Instant.parse("2026-11-22T03:00:50Z"));
    }

    /** What the group's RECONCILE says (null: nothing yet) and its lanes' states, at t seconds (ADR 0036). */
    static Stream<Arguments> lanes() {
        return Stream.of(
                Arguments.of("the group converging, every lane served", ActuationStatus.CONVERGING,
                        java.util.List.of(LaneState.SERVED, LaneState.SERVED), 70),
                Arguments.of("the group converged, a lane refused", ActuationStatus.CONVERGED,
                        java.util.List.of(LaneState.SERVED, LaneState.REFUSED), 70),
                Arguments.of("the group blocked past the bound, every lane served", ActuationStatus.BLOCKED,
                        java.util.List.of(LaneState.SERVED, LaneState.SERVED), 121),
                Arguments.of("no group report past the bound, a lane served", null,
                        java.util.List.of(LaneState.SERVED), 111));
    }

    /** A lane's result never changes "served": only the group's RECONCILE does, per its policy. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lanes")
    void aLaneResultDoesNotChangeWhetherTheGroupIsServed(String scenario, ActuationStatus group,
            java.util.List<LaneState> lanes, int at) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine withLanes = engine(API, clock);
        DecisionEngine without = engine(API, clock);
        for (DecisionEngine engine : java.util.List.of(withLanes, without)) {
            assertThat(run(engine, clock, PRIMARY_FAILS)).contains("t=50 api FAILOVER primary->secondary");
        }
        clock.set(T0.plusSeconds(60));
        for (DecisionEngine engine : java.util.List.of(withLanes, without)) {
            Decision own = engine.view("api").orElseThrow().recentDecisions().get(0);
            if (group != null) {
                engine.feedback().onConvergence("api", own.decisionId(), own.epoch(), group, "", clock.instant());
            }
        }
        Decision own = withLanes.view("api").orElseThrow().recentDecisions().get(0);
        for (int i = 0; i < lanes.size(); i++) {
            assertThat(
                    withLanes.feedback().onProviderLane(new ProviderLaneResult(1, "api", own.decisionId(), own.epoch(),
                            "lane-" + i, "rfc2136", lanes.get(i), null, clock.instant(), clock.instant())))
                    .isTrue();
        }
        clock.set(T0.plusSeconds(at));
        DecidedVsServed.Check check = withLanes.view("api").orElseThrow().decidedVsServed();
        assertThat(check).as("the check with the lanes' results, as without them")
                .isEqualTo(without.view("api").orElseThrow().decidedVsServed());
        assertThat(withLanes.unpublished("api")).as("nothing re-issued for a lane")
                .isEqualTo(without.unpublished("api"));
    }

    /**
     * The actuator serves a decision while the engine has none (another owner decided the group, this
     * instance's restore missed it): exactly when the engine's active target is most wrong, so never NO_DECISION.
     */
    @org.junit.jupiter.api.Test
    void aDecisionServedWhileTheEngineHasNoneIsNotServedAtOnce() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine(API, clock);
        engine.feedback().onConvergence("api", "decided-by-the-zombie", 5, ActuationStatus.CONVERGED, "", T0);
        DecidedVsServed.Check check = engine.view("api").orElseThrow().decidedVsServed();
        assertThat(check.state()).as(check.detail()).isEqualTo(DecidedVsServed.State.NOT_SERVED);
        assertThat(check.detail()).contains("decided-by-the-zombie", "no decision of its own");
        assertThat(engine.unpublished("api")).as("nothing to re-issue").isEmpty();

        engine.feedback().onConvergence("api", "initial", 0, ActuationStatus.CONVERGED, "", T0);
        DecisionEngine fresh = engine(API, clock);
        fresh.feedback().onConvergence("api", "initial", 0, ActuationStatus.CONVERGED, "", T0);
        assertThat(fresh.view("api").orElseThrow().decidedVsServed().state()).as("the actuator's initial record")
                .isEqualTo(DecidedVsServed.State.NO_DECISION);
    }

    /**
     * An instance that does not decide the group (still restoring it, or its partition revoked) re-issues nothing, even
     * with the group's decisions in its state: the owner does that.
     */
    @org.junit.jupiter.api.Test
    void anInstanceThatDoesNotDecideTheGroupReissuesNothing() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine owner = engine(API, clock);
        assertThat(run(owner, clock, PRIMARY_FAILS)).contains("t=50 api FAILOVER primary->secondary");
        Decision own = owner.view("api").orElseThrow().recentDecisions().get(0);
        owner.published("api", own.decisionId());
        GroupSnapshot stored = owner.snapshot("api").orElseThrow();

        DecisionEngine restoring = engine(API, clock);
        restoring.handover().beginRestore("api");
        restoring.handover().restore(stored); // not acquired yet
        restoring.feedback().onConvergence("api", "decided-by-another-owner", own.epoch() + 1,
                ActuationStatus.CONVERGED, "",
                clock.instant());
        assertThat(restoring.unpublished("api")).as("the outbox of a group not decided here").isEmpty();
    }
}
