package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.ALL;
import static dev.failover.decision.domain.engine.DecisionEngineTest.DOWN;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.engine;
import static dev.failover.decision.domain.engine.DecisionEngineTest.rounds;
import static dev.failover.decision.domain.engine.DecisionEngineTest.run;
import static dev.failover.decision.domain.engine.DecisionEngineTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.Decision;
import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateRecord;

/** Planned switchover and its abort (ADR 0012): when they are refused, what they decide, and what they hold. */
class SwitchoverTest {

    final ManualClock clock = new ManualClock(T0);

    /** Every target HEALTHY on results up to t=20; the clock at t=25, so the evidence is fresh. */
    private DecisionEngine healthyEngine() {
        DecisionEngine engine = engine("hold", "live", clock);
        run(engine, clock, timeline(rounds(0, 20, "primary", UP, ALL), rounds(0, 20, "secondary", UP, ALL),
                rounds(0, 20, "maintenance", UP, ALL)));
        clock.set(T0.plusSeconds(25));
        return engine;
    }

    private static Decision onlyDecision(CommandOutcome outcome) {
        assertThat(outcome).isInstanceOf(CommandOutcome.Accepted.class);
        List<Decision> decisions = ((CommandOutcome.Accepted) outcome).decisions();
        assertThat(decisions).hasSize(1);
        return decisions.get(0);
    }

    @Test
    void aSwitchoverMovesTrafficPinsTheTargetAndKeepsAutomaticFailbackAway() {
        DecisionEngine engine = healthyEngine();
        Decision decision = onlyDecision(
                engine.apply(new Command.Switchover("api", "secondary", null, "patching us-east-1",
                        "alice")));
        assertThat(decision.kind()).isEqualTo(DecisionKind.SWITCHOVER);
        assertThat(decision.fromTarget()).isEqualTo("primary");
        assertThat(decision.toTarget()).isEqualTo("secondary");
        assertThat(decision.principal()).isEqualTo("alice");
        assertThat(decision.reason()).contains("planned switchover by alice: patching us-east-1").contains("HEALTHY");

        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.automation()).isEqualTo(GroupView.Automation.PINNED);
        assertThat(view.pin().target()).isEqualTo("secondary");
        assertThat(view.pin().switchedFrom()).isEqualTo("primary");
        assertThat(view.audit()).extracting(GroupSnapshot.AuditEntry::action)
                .contains("switchover primary -> secondary");

        // the primary healthy for far longer than the hold-down: no failback while the switchover's pin holds
        assertThat(run(engine, clock,
                timeline(rounds(30, 900, "primary", UP, ALL), rounds(30, 900, "secondary", UP, ALL))))
                .isEmpty();
    }

    @Test
    void aSwitchoverWithAnExpiryHandsBackToAutomationWhenItEnds() {
        DecisionEngine engine = healthyEngine();
        onlyDecision(engine.apply(new Command.Switchover("api", "secondary", T0.plusSeconds(100), "one-off", "alice")));
        // pin ends at 100; the primary has been HEALTHY since 20, so the 300 s hold-down ends at 320
        assertThat(run(engine, clock,
                timeline(rounds(30, 400, "primary", UP, ALL), rounds(30, 400, "secondary", UP, ALL))))
                .containsExactly("t=320 FAILBACK secondary->primary epoch=2");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("an unknown target", (Consumer<DecisionEngine>) e -> {},
                        new Command.Switchover("api", "mars", null, "r", "alice"), Rejection.INVALID, "target",
                        "no target 'mars'"),
                Arguments.of("the active target", (Consumer<DecisionEngine>) e -> {},
                        new Command.Switchover("api", "primary", null, "r", "alice"), Rejection.INVALID, "target",
                        "primary is already active"),
                Arguments.of("an expiry in the past", (Consumer<DecisionEngine>) e -> {},
                        new Command.Switchover("api", "secondary", T0, "r", "alice"), Rejection.INVALID, "until",
                        "is not in the future"),
                Arguments.of("a target that is not HEALTHY", (Consumer<DecisionEngine>) e -> {},
                        new Command.Switchover("api", "secondary", null, "r", "alice"), Rejection.CONFLICT, "target",
                        "secondary is UNHEALTHY, not HEALTHY"),
                Arguments.of("during a drill",
                        (Consumer<DecisionEngine>) e -> e.apply(new Command.StartDrill("api", "maintenance",
                                Duration.ofMinutes(5), "drill", "dave")),
                        new Command.Switchover("api", "secondary", null, "r", "alice"), Rejection.CONFLICT, null,
                        "a drill is running"));
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("refusals")
    void refused(String name, Consumer<DecisionEngine> before, Command.Switchover command, Rejection rejection,
            String field,
            String message) {
        DecisionEngine engine = healthyEngine();
        if (name.contains("not HEALTHY")) {
            run(engine, clock, rounds(30, 50, "secondary", DOWN, ALL));
        }
        before.accept(engine);
        long epoch = engine.view("api").orElseThrow().epoch();
        assertThat(engine.apply(command)).isInstanceOfSatisfying(CommandOutcome.Rejected.class, r -> {
            assertThat(r.rejection()).isEqualTo(rejection);
            assertThat(r.field()).isEqualTo(field);
            assertThat(r.message()).contains(message);
        });
        assertThat(engine.view("api").orElseThrow().epoch()).as("nothing decided").isEqualTo(epoch);
    }

    @Test
    void aSwitchoverOnlyGoesWhereFreshEvidenceSaysItIsHealthy() {
        DecisionEngine engine = healthyEngine();
        // HEALTHY by hysteresis, but its latest results are older than two intervals: not an eligible destination now
        clock.set(T0.plusSeconds(45));
        assertThat(engine.apply(new Command.Switchover("api", "secondary", null, "r", "alice")))
                .isInstanceOfSatisfying(CommandOutcome.Rejected.class, r -> {
                    assertThat(r.rejection()).isEqualTo(Rejection.CONFLICT);
                    assertThat(r.message()).contains("not an eligible destination");
                });
    }

    @Test
    void anAbortReturnsTrafficWhereItWasAndResumesAutomation() {
        DecisionEngine engine = healthyEngine();
        onlyDecision(engine.apply(new Command.Switchover("api", "secondary", null, "patching", "alice")));
        Decision back = onlyDecision(engine.apply(new Command.AbortSwitchover("api", "patch postponed", "bob")));
        assertThat(back.kind()).isEqualTo(DecisionKind.OVERRIDE);
        assertThat(back.fromTarget()).isEqualTo("secondary");
        assertThat(back.toTarget()).isEqualTo("primary");
        assertThat(back.epoch()).isEqualTo(2);
        assertThat(back.reason()).contains("switchover to secondary aborted by bob: patch postponed");
        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.pin()).isNull();
        assertThat(view.automation()).isEqualTo(GroupView.Automation.RUNNING);
        assertThat(engine.apply(new Command.AbortSwitchover("api", "again", "bob")))
                .as("nothing left to abort").isInstanceOfSatisfying(CommandOutcome.Rejected.class,
                        r -> assertThat(r.rejection()).isEqualTo(Rejection.CONFLICT));
    }

    @Test
    void anAbortNeedsASwitchoverAndAHealthyPlaceToReturnTo() {
        DecisionEngine engine = healthyEngine();
        assertThat(engine.apply(new Command.AbortSwitchover("api", "r", "bob")))
                .isInstanceOfSatisfying(CommandOutcome.Rejected.class, r -> assertThat(r.message())
                        .contains("no switchover holds group api"));
        engine.apply(new Command.Pin("api", "secondary", null, "plain pin", "carol"));
        assertThat(engine.apply(new Command.AbortSwitchover("api", "r", "bob")))
                .as("a plain pin is released, not aborted").isInstanceOfSatisfying(CommandOutcome.Rejected.class,
                        r -> assertThat(r.message()).contains("use release"));
        engine.apply(new Command.Release("api", "done", "carol"));

        DecisionEngine other = healthyEngine();
        onlyDecision(other.apply(new Command.Switchover("api", "secondary", null, "patching", "alice")));
        run(other, clock, rounds(30, 50, "primary", DOWN, ALL));
        assertThat(other.apply(new Command.AbortSwitchover("api", "r", "bob")))
                .isInstanceOfSatisfying(CommandOutcome.Rejected.class, r -> {
                    assertThat(r.rejection()).isEqualTo(Rejection.CONFLICT);
                    assertThat(r.message()).contains("primary, which is UNHEALTHY").contains("force");
                });
        assertThat(other.view("api").orElseThrow().pin().switchedFrom()).as("still held").isEqualTo("primary");
    }

    @Test
    void aReleaseEndsTheSwitchoverWithoutMovingTraffic() {
        DecisionEngine engine = healthyEngine();
        onlyDecision(engine.apply(new Command.Switchover("api", "secondary", null, "patching", "alice")));
        assertThat(engine.apply(new Command.Release("api", "staying on secondary", "alice")))
                .isInstanceOfSatisfying(CommandOutcome.Accepted.class, a -> assertThat(a.decisions()).isEmpty());
        assertThat(engine.apply(new Command.AbortSwitchover("api", "r", "bob")))
                .isInstanceOf(CommandOutcome.Rejected.class);
    }

    /** A new owner after a restart or takeover can still abort: where traffic came from is in the state record. */
    @Test
    void anAbortStillWorksAfterTheStateWentThroughItsRecord() {
        DecisionEngine engine = healthyEngine();
        onlyDecision(engine.apply(new Command.Switchover("api", "secondary", null, "patching", "alice")));
        engine.published("api", engine.unpublished("api").get(0).decisionId());
        DecisionEngine.PublishableState state = engine.publishableState("api").orElseThrow();
        String json = StateCodec
                .encode(new StateRecord(StateRecord.SCHEMA_VERSION, state.snapshot(), state.view(), List.of(),
                        Instant.now()));

        DecisionEngine restarted = healthyEngine();
        restarted.handover().restore(StateCodec.decode(json).snapshot());
        assertThat(restarted.view("api").orElseThrow().pin().switchedFrom()).isEqualTo("primary");
        Decision back = onlyDecision(restarted.apply(new Command.AbortSwitchover("api", "postponed", "bob")));
        assertThat(back.toTarget()).isEqualTo("primary");
        assertThat(back.epoch()).isEqualTo(2);
    }
}
