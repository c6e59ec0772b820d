package dev.failover.decision.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.LaneState;
import dev.failover.contract.event.ProviderLaneResult;
import dev.failover.contract.time.ManualClock;
import dev.failover.decision.domain.model.GroupSnapshot;
import dev.failover.decision.domain.state.GroupJournal;
import dev.failover.decision.domain.state.GroupView;
import dev.failover.decision.store.StateCodec;
import dev.failover.decision.store.StateRecord;

/** What the actuator reports of the group's record is shown as "serving" beside the decided state (ADR 0006). */
class ServingTest {

    static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");

    @Test
    void theLatestReportIsShownOlderEpochsAreIgnoredAndBlockedOrDriftIsAudited() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = DecisionEngineTest.engine("hold", "live", clock);
        assertThat(engine.view("api").orElseThrow().serving()).as("nothing reported yet").isNull();

        engine.feedback().onConvergence("api", "d-2", 2, ActuationStatus.CONVERGING,
                "attempt 3: no answer from 127.0.0.1:53", T0);
        assertThat(engine.view("api").orElseThrow().serving()).isEqualTo(new GroupSnapshot.Serving(2, "d-2",
                ActuationStatus.CONVERGING, "attempt 3: no answer from 127.0.0.1:53", T0, List.of()));

        engine.feedback().onConvergence("api", "d-1", 1, ActuationStatus.CONVERGED, "served as decided",
                T0.plusSeconds(1));
        assertThat(engine.view("api").orElseThrow().serving().epoch()).as("a late report on an older epoch")
                .isEqualTo(2);

        engine.feedback().onConvergence("api", "d-2", 2, ActuationStatus.BLOCKED, "NOTAUTH (TSIG BADKEY)",
                T0.plusSeconds(2));
        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.serving().status()).isEqualTo(ActuationStatus.BLOCKED);
        assertThat(view.audit()).as("audit trail").anySatisfy(a -> assertThat(a.action()).isEqualTo("record BLOCKED"));

        GroupSnapshot snapshot = engine.snapshot("api").orElseThrow();
        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", clock);
        restored.handover().restore(snapshot);
        assertThat(restored.view("api").orElseThrow().serving()).as("serving survives a restart")
                .isEqualTo(view.serving());
    }

    @Test
    void theActuatorsStepsAreKeptNewestFirstARetriedStepOnceAndTheyMoveWithTheState() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = DecisionEngineTest.engine("hold", "live", clock);
        engine.feedback().onActuationStep("api",
                step(0, "d-2", ActuationStep.SCALE_UP, ActuationStatus.SUCCEEDED, "2 replicas ready"));
        engine.feedback().onActuationStep("api",
                step(1, "d-2", ActuationStep.RECONCILE, ActuationStatus.CONVERGING, "attempt 1: timeout"));
        engine.feedback().onActuationStep("api",
                step(2, "d-2", ActuationStep.RECONCILE, ActuationStatus.CONVERGING, "attempt 2: timeout"));
        engine.feedback().onActuationStep("api",
                step(3, "d-2", ActuationStep.RECONCILE, ActuationStatus.CONVERGED, "served as decided"));
        engine.feedback().onActuationStep("api",
                step(4, "d-2", ActuationStep.DNS_SWITCH, ActuationStatus.FAILED, "x".repeat(400)));

        List<GroupSnapshot.ActuationEntry> kept = engine.view("api").orElseThrow().recentActuations();
        assertThat(kept).extracting(e -> e.step() + " " + e.status()).as("newest first, the retried CONVERGING once")
                .containsExactly("DNS_SWITCH FAILED", "RECONCILE CONVERGED", "RECONCILE CONVERGING",
                        "SCALE_UP SUCCEEDED");
        assertThat(kept.get(2).detail()).as("the retried step's last attempt").isEqualTo("attempt 2: timeout");
        assertThat(kept.get(2).at()).isEqualTo(T0.plusSeconds(2));
        assertThat(kept.get(0).detail()).as("a long detail, cut").hasSize(GroupJournal.ACTUATION_DETAIL)
                .endsWith("\u2026");

        for (int i = 0; i < GroupJournal.RECENT_ACTUATIONS; i++) {
            engine.feedback().onActuationStep("api",
                    step(10 + i, "d-" + (3 + i), ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED, "ok"));
        }
        assertThat(engine.view("api").orElseThrow().recentActuations()).as("bounded")
                .hasSize(GroupJournal.RECENT_ACTUATIONS)
                .first().extracting(GroupSnapshot.ActuationEntry::decisionId)
                .isEqualTo("d-" + (2 + GroupJournal.RECENT_ACTUATIONS));

        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", clock);
        restored.handover().restore(StateCodec.decode(StateCodec.encode(new StateRecord(StateRecord.SCHEMA_VERSION,
                engine.snapshot("api").orElseThrow(), engine.view("api").orElseThrow(), List.of(), T0))).snapshot());
        assertThat(restored.view("api").orElseThrow().recentActuations()).as("through a state record and a restore")
                .isEqualTo(engine.view("api").orElseThrow().recentActuations());
    }

    static ProviderLaneResult lane(long epoch, String lane, LaneState state, int second) {
        return new ProviderLaneResult(1, "api", "d-" + epoch, epoch, lane, "rfc2136", state,
                state == LaneState.SERVED ? null : "attempt " + second, T0.plusSeconds(second), T0.plusSeconds(second));
    }

    /** Each provider lane's latest report is kept with the serving report of its epoch, for the latest decision only. */
    @Test
    void theLanesOfTheServingReportsEpochAreShownAndSurviveAStateRecord() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = DecisionEngineTest.engine("hold", "live", clock);
        assertThat(engine.feedback().onProviderLane(lane(0, "r53", LaneState.CONVERGING, 1))).isTrue();
        assertThat(engine.view("api").orElseThrow().serving())
                .as("no report of the group yet: nothing to show them with")
                .isNull();

        engine.feedback().onConvergence("api", "d-0", 0, ActuationStatus.CONVERGING, "knot not served", T0);
        assertThat(engine.feedback().onProviderLane(lane(0, "knot", LaneState.CONVERGING, 2))).isTrue();
        assertThat(engine.feedback().onProviderLane(lane(0, "r53", LaneState.SERVED, 3))).isTrue();
        assertThat(engine.feedback().onProviderLane(lane(0, "knot", LaneState.CONVERGING, 4))).isTrue();
        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.serving().lanes()).as("in the order they first reported, each with its latest and its count")
                .containsExactly(new GroupSnapshot.Lane("r53", "rfc2136", LaneState.SERVED, null, T0.plusSeconds(3), 2),
                        new GroupSnapshot.Lane("knot", "rfc2136", LaneState.CONVERGING, "attempt 4", T0.plusSeconds(4),
                                2));

        engine.feedback().onConvergence("api", "d-0", 0, ActuationStatus.CONVERGED, "served as decided",
                T0.plusSeconds(5));
        assertThat(engine.view("api").orElseThrow().serving().lanes())
                .as("a new report of the group keeps its epoch's lanes")
                .isEqualTo(view.serving().lanes());

        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", clock);
        restored.handover().restore(StateCodec.decode(StateCodec.encode(new StateRecord(StateRecord.SCHEMA_VERSION,
                engine.snapshot("api").orElseThrow(), engine.view("api").orElseThrow(), List.of(), T0))).snapshot());
        assertThat(restored.view("api").orElseThrow().serving()).as("through a state record and a restore")
                .isEqualTo(engine.view("api").orElseThrow().serving());
        assertThat(restored.feedback().onProviderLane(lane(0, "knot", LaneState.SERVED, 6))).isTrue();
        assertThat(restored.view("api").orElseThrow().serving().lanes())
                .extracting(l -> l.lane() + " " + l.state() + " "
                        + l.results())
                .as("counted on from the restored").containsExactly("r53 SERVED 2", "knot SERVED 3");
    }

    @Test
    void aLaneOfAnOlderEpochIsIgnoredAndANewerOneStartsItsLanesAfresh() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = DecisionEngineTest.engine("hold", "live", clock);
        engine.feedback().onConvergence("api", "d-2", 2, ActuationStatus.CONVERGING, "", T0);
        engine.feedback().onProviderLane(lane(2, "r53", LaneState.SERVED, 1));
        assertThat(engine.feedback().onProviderLane(lane(1, "knot", LaneState.SERVED, 2))).as("an older epoch's")
                .isFalse();
        assertThat(engine.view("api").orElseThrow().serving().lanes()).extracting(GroupSnapshot.Lane::lane)
                .containsExactly("r53");

        engine.feedback().onProviderLane(lane(3, "knot", LaneState.CONVERGING, 3));
        assertThat(engine.view("api").orElseThrow().serving().lanes()).as("epoch 3's lanes wait for epoch 3's report")
                .isEmpty();
        engine.feedback().onConvergence("api", "d-3", 3, ActuationStatus.CONVERGING, "", T0.plusSeconds(4));
        assertThat(engine.view("api").orElseThrow().serving().lanes()).extracting(GroupSnapshot.Lane::lane)
                .containsExactly("knot");
        assertThat(engine.feedback().onProviderLane(lane(2, "r53", LaneState.SERVED, 5))).isFalse();
    }

    @Test
    void aGroupWithoutLanesKeepsItsJson() throws Exception {
        GroupSnapshot.Serving serving = new GroupSnapshot.Serving(2, "d-2", ActuationStatus.CONVERGED, "served", T0,
                null);
        assertThat(serving.lanes()).isEmpty();
        assertThat(
                new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules().writeValueAsString(serving))
                .isEqualTo("{\"epoch\":2,\"decisionId\":\"d-2\",\"status\":\"CONVERGED\",\"detail\":\"served\","
                        + "\"at\":" + new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules()
                                .writeValueAsString(T0)
                        + "}");
    }

    @Test
    void aCutDetailNeverEndsInHalfACharacter() {
        String emoji = "\uD83D\uDE00";
        String cut = GroupJournal.cut("ab" + emoji.repeat(GroupJournal.ACTUATION_DETAIL));
        assertThat(cut).endsWith("\u2026");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2)))
                .as("no lone high surrogate before the ellipsis")
                .isFalse();
        assertThat(GroupJournal.cut("short")).isEqualTo("short");
        assertThat(GroupJournal.cut(null)).isNull();
    }

    static GroupSnapshot.ActuationEntry step(int second, String decision, ActuationStep step, ActuationStatus status,
            String detail) {
        return new GroupSnapshot.ActuationEntry(T0.plusSeconds(second), decision, 2, step, status, "route53", detail);
    }
}
