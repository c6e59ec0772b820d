package dev.failover.decision.domain.engine;

import static dev.failover.decision.domain.engine.DecisionEngineTest.ALL;
import static dev.failover.decision.domain.engine.DecisionEngineTest.DOWN;
import static dev.failover.decision.domain.engine.DecisionEngineTest.T0;
import static dev.failover.decision.domain.engine.DecisionEngineTest.UP;
import static dev.failover.decision.domain.engine.DecisionEngineTest.rounds;
import static dev.failover.decision.domain.engine.DecisionEngineTest.timeline;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.Decision;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.Command;
import dev.failover.decision.domain.model.Destination;
import dev.failover.decision.domain.model.Explanation;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.model.Outcome;
import dev.failover.decision.domain.state.GroupView;

/**
 * A move the actuator refuses (BLOCKED) feeds back into the next evaluation. The engine's active
 * target is what the actuator serves, and the refused target is not an eligible destination, with the actuator's
 * reason, until an operator resumes the group, pins or forces a target, or a move to it is served.
 */
class RefusalFeedbackTest {

    static final String FENCED = "primary's database jdbc:postgresql://db-east:5432/app is fenced as an old primary: it"
            + " writes timeline 1 while secondary's node writes timeline 2";

    final ManualClock clock = new ManualClock(T0);
    final DecisionEngine engine = DecisionEngineTest.engine("hold", "live", "    failback: {holdDownSeconds: 20}\n",
            clock);

    /** Failover at t=50 (d-1), then the recovered primary's automatic failback (d-2), which the actuator refuses. */
    Decision failbackRefused() {
        List<String> switches = DecisionEngineTest.run(engine, clock, timeline(rounds(0, 150, "secondary", UP, ALL),
                rounds(0, 20, "primary", UP, ALL), rounds(30, 60, "primary", DOWN, ALL),
                rounds(70, 150, "primary", UP, ALL), rounds(0, 150, "maintenance", UP, ALL)));
        assertThat(switches).as("failover, then the failback once the primary is stably HEALTHY for the hold-down")
                .hasSize(2).last().asString().contains("FAILBACK secondary->primary");
        Decision failback = engine.view("api").orElseThrow().recentDecisions().get(0);
        engine.feedback().onConvergence("api", "d-1", 1, ActuationStatus.CONVERGED, "served as decided",
                T0.plusSeconds(55));
        engine.feedback().onConvergence("api", failback.decisionId(), failback.epoch(), ActuationStatus.BLOCKED, FENCED,
                T0.plusSeconds(151));
        return failback;
    }

    @Test
    void aRefusedFailbackLeavesTheServedTargetActiveAndTheRefusedOneIneligibleWithTheReason() {
        failbackRefused();

        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.activeTarget()).as("active: what the actuator serves").isEqualTo("secondary");
        assertThat(view.targets()).filteredOn(t -> t.target().equals("primary")).singleElement().satisfies(t -> {
            assertThat(t.destination().verdict()).isEqualTo(Destination.REFUSED_BY_ACTUATOR);
            assertThat(t.destination().detail()).contains("refused").contains(FENCED);
        });

        List<String> later = DecisionEngineTest.run(engine, clock, timeline(rounds(160, 300, "secondary", UP, ALL),
                rounds(160, 300, "primary", UP, ALL), rounds(160, 300, "maintenance", UP, ALL)));
        assertThat(later).as("no failback to the refused target again").isEmpty();
    }

    /**
     * The hold's explanation replays to the same hold: the refusal is part of the state it started from, so the replay
     * does not see the refused primary as a destination again (it chose a failback to it before the refusals were carried).
     */
    @Test
    void theHoldOnARefusedTargetReplaysToTheSameHold() {
        failbackRefused();
        for (DecisionEngineTest.Probe p : timeline(rounds(160, 170, "secondary", UP, ALL),
                rounds(180, 260, "secondary", DOWN, ALL), rounds(160, 260, "primary", UP, ALL),
                rounds(160, 260, "maintenance", UP, ALL))) {
            clock.set(T0.plusSeconds(p.at()));
            engine.onProbeResult(DecisionEngineTest.result(p));
        }
        Explanation now = engine.explanationNow("api").orElseThrow();
        assertThat(now.startingState().refusals()).as("the refusals the hold started from").extracting(
                GroupSnapshot.Refusal::target).containsExactly("primary");
        assertThat(ExplanationReplay.replay(DecisionEngineTest.topology("hold", "live",
                "    failback: {holdDownSeconds: 20}\n"), now)).as("the replay of the hold")
                .isInstanceOfSatisfying(Outcome.Held.class, h -> assertThat(h.reason())
                        .isEqualTo(Outcome.HoldReason.NO_ELIGIBLE_TARGET));
    }

    @Test
    void whenTheServedTargetFailsTheRefusedOneIsNotChosenAndTheHoldSaysWhy() {
        failbackRefused();

        Outcome last = null;
        for (DecisionEngineTest.Probe p : timeline(rounds(160, 170, "secondary", UP, ALL),
                rounds(180, 260, "secondary", DOWN, ALL), rounds(160, 260, "primary", UP, ALL),
                rounds(160, 260, "maintenance", UP, ALL))) {
            clock.set(T0.plusSeconds(p.at()));
            last = engine.onProbeResult(DecisionEngineTest.result(p));
            assertThat(last).as("t=" + p.at() + ": never back to a target the actuator refuses")
                    .isNotInstanceOf(Outcome.Switched.class);
        }
        assertThat(last).isInstanceOfSatisfying(Outcome.Held.class, h -> {
            assertThat(h.reason()).isEqualTo(Outcome.HoldReason.NO_ELIGIBLE_TARGET);
            assertThat(h.why()).contains("secondary is UNHEALTHY").contains(FENCED);
        });
    }

    @Test
    void anOperatorsResumeOrAServedMoveClearsTheRefusalAndItSurvivesARestart() {
        failbackRefused();

        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", "    failback: {holdDownSeconds: 20}\n",
                clock);
        restored.handover().restore(engine.snapshot("api").orElseThrow());
        assertThat(restored.view("api").orElseThrow().targets()).as("the refusal, through the snapshot")
                .filteredOn(t -> t.target().equals("primary")).singleElement()
                .satisfies(t -> assertThat(t.destination().verdict()).isEqualTo(Destination.REFUSED_BY_ACTUATOR));

        engine.apply(new Command.Issued("c-1", T0.plusSeconds(152), new Command.Resume("api",
                "primary rebuilt as a replica of secondary", "alice")));
        assertThat(engine.view("api").orElseThrow().targets()).filteredOn(t -> t.target().equals("primary"))
                .singleElement()
                .satisfies(t -> assertThat(t.destination().verdict()).isNotEqualTo(Destination.REFUSED_BY_ACTUATOR));
    }
}
