package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.ALL;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.engine;
import static dev.failover.decision.domain.engine.DecisionEngineTest.rounds;
import static dev.failover.decision.domain.engine.DecisionEngineTest.run;
import static dev.failover.decision.domain.engine.DecisionEngineTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.failover.contract.event.DecisionKind;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.CommandOutcome;
import dev.failover.decision.domain.model.CommandOutcome.Rejection;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupState;
import dev.failover.decision.domain.state.Hold;
import dev.failover.decision.domain.state.Observing;

/**
 * The one precedence of holds (see {@link Hold}): every combination of drill, pin, pause and flap-guard freeze, plus an
 * expired pin and a drill past its end, and for each that evaluation, the start of a drill and the view agree on what
 * governs. Every target is HEALTHY throughout, so nothing but the holds decides.
 */
class HoldPrecedenceTest {

    static final Instant NOW = T0.plusSeconds(20);

    enum Pin { NO, YES, EXPIRED }

    enum Drill { NO, RUNNING, DUE }

    static Stream<Arguments> combinations() {
        return Stream.of(
                // drill, pin, pause, freeze -> governing hold
                row(Drill.NO, Pin.NO, false, false, Hold.NONE),
                row(Drill.NO, Pin.NO, false, true, Hold.FROZEN),
                row(Drill.NO, Pin.NO, true, false, Hold.PAUSED),
                row(Drill.NO, Pin.NO, true, true, Hold.PAUSED),
                row(Drill.NO, Pin.YES, false, false, Hold.PINNED),
                row(Drill.NO, Pin.YES, false, true, Hold.PINNED),
                row(Drill.NO, Pin.YES, true, false, Hold.PINNED),
                row(Drill.NO, Pin.YES, true, true, Hold.PINNED),
                row(Drill.RUNNING, Pin.NO, false, false, Hold.DRILL),
                row(Drill.RUNNING, Pin.NO, false, true, Hold.DRILL),
                row(Drill.RUNNING, Pin.NO, true, false, Hold.PAUSED),
                row(Drill.RUNNING, Pin.NO, true, true, Hold.PAUSED),
                row(Drill.RUNNING, Pin.YES, false, false, Hold.PINNED),
                row(Drill.RUNNING, Pin.YES, false, true, Hold.PINNED),
                row(Drill.RUNNING, Pin.YES, true, false, Hold.PINNED),
                row(Drill.RUNNING, Pin.YES, true, true, Hold.PINNED),
                // an expired pin holds nothing, even before evaluation has cleared it
                row(Drill.NO, Pin.EXPIRED, false, false, Hold.NONE),
                row(Drill.NO, Pin.EXPIRED, true, false, Hold.PAUSED),
                row(Drill.RUNNING, Pin.EXPIRED, false, true, Hold.DRILL),
                // a drill past its end governs until evaluation ends it, unless an operator holds automation
                row(Drill.DUE, Pin.NO, false, false, Hold.DRILL),
                row(Drill.DUE, Pin.NO, false, true, Hold.DRILL),
                row(Drill.DUE, Pin.NO, true, false, Hold.PAUSED),
                row(Drill.DUE, Pin.YES, false, false, Hold.PINNED));
    }

    static Arguments row(Drill drill, Pin pin, boolean pause, boolean freeze, Hold expected) {
        return Arguments.of(drill, pin, pause, freeze, expected);
    }

    @ParameterizedTest(name = "drill {0}, pin {1}, pause {2}, freeze {3}: {4}")
    @MethodSource("combinations")
    void evaluationDrillsAndTheViewAgreeOnWhatGoverns(Drill drill, Pin pin, boolean pause, boolean freeze,
            Hold expected) {
        assertThat(state(drill, pin, pause, freeze).hold(NOW)).as("Hold.governing").isEqualTo(expected);

        assertThat(engineIn(drill, pin, pause, freeze).view("api").orElseThrow().automation())
                .as("automation in the view")
                .isEqualTo(expected.automation);

        Outcome evaluated = engineIn(drill, pin, pause, freeze).tick().get(0);
        switch (expected) {
            case NONE -> assertThat(evaluated).as("evaluation with nothing holding").isInstanceOf(Outcome.Steady.class);
            case DRILL -> {
                if (drill == Drill.DUE) {
                    assertThat(evaluated).as("evaluation of a drill past its end").isInstanceOfSatisfying(
                            Outcome.Switched.class,
                            s -> assertThat(s.decision().kind()).isEqualTo(DecisionKind.DRILL_END));
                } else {
                    assertHeld(evaluated, Outcome.HoldReason.DRILL_RUNNING);
                }
            }
            case PINNED -> assertHeld(evaluated, Outcome.HoldReason.PINNED);
            case PAUSED -> assertHeld(evaluated, Outcome.HoldReason.PAUSED);
            case FROZEN -> assertHeld(evaluated, Outcome.HoldReason.FLAP_GUARD);
        }

        CommandOutcome drillStart = engineIn(drill, pin, pause, freeze)
                .apply(new Command.StartDrill("api", null, null, "monthly", "dave"));
        if (expected == Hold.NONE) {
            assertThat(drillStart).as("a drill start with nothing holding").isInstanceOf(CommandOutcome.Accepted.class);
        } else {
            assertThat(drillStart).as("a drill start under " + expected).isInstanceOfSatisfying(
                    CommandOutcome.Rejected.class,
                    r -> {
                        assertThat(r.rejection()).isEqualTo(Rejection.CONFLICT);
                        assertThat(r.message()).contains(switch (expected) {
                            case PINNED -> "pinned to";
                            case PAUSED -> "paused by";
                            case DRILL -> "a drill runs on";
                            default -> "frozen by the flap guard";
                        });
                    });
        }
    }

    private static void assertHeld(Outcome evaluated, Outcome.HoldReason reason) {
        assertThat(evaluated).as("evaluation").isInstanceOfSatisfying(Outcome.Held.class,
                h -> assertThat(h.reason()).as("hold reason of " + h.why()).isEqualTo(reason));
    }

    /** Every target HEALTHY at NOW, then the holds restored as a new owner would. */
    private static DecisionEngine engineIn(Drill drill, Pin pin, boolean pause, boolean freeze) {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = engine("hold", "live", clock);
        run(engine, clock, timeline(rounds(0, 20, "primary", UP, ALL), rounds(0, 20, "secondary", UP, ALL),
                rounds(0, 20, "maintenance", UP, ALL)));
        clock.set(NOW);
        engine.handover().restore(snapshot(drill, pin, pause, freeze));
        return engine;
    }

    private static GroupState state(Drill drill, Pin pin, boolean pause, boolean freeze) {
        DecisionEngine engine = engine("hold", "live", new ManualClock(NOW));
        GroupState s = new GroupState(engine.topology().group("api").orElseThrow(), engine.topology().locations(), null,
                Observing.NONE);
        s.restore(snapshot(drill, pin, pause, freeze));
        return s;
    }

    /** During a drill traffic is on the secondary; a pin keeps the active target. */
    private static GroupSnapshot snapshot(Drill drill, Pin pin, boolean pause, boolean freeze) {
        String active = drill == Drill.NO ? "primary" : "secondary";
        return new GroupSnapshot("api", active, 1, null, List.of(),
                pin == Pin.NO ? null
                        : new GroupSnapshot.PinState(active, pin == Pin.EXPIRED ? NOW.minusSeconds(1) : null,
                                false, "alice", "db maintenance", T0),
                pause ? new GroupSnapshot.PauseState("carol", "deploying", T0) : null,
                freeze ? new GroupSnapshot.FreezeState("4 switches within an hour", T0) : null,
                drill == Drill.NO ? null : new GroupSnapshot.DrillState("secondary", "primary", T0,
                        drill == Drill.DUE ? NOW : NOW.plusSeconds(600), "dave", "d-start"),
                List.of(), List.of(), null, null, List.of(), List.of(), List.of(), null, null, 0, 0);
    }
}
