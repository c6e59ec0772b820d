package dev.failover.decision.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
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

        engine.feedback().onConvergence("api", "d-2", 2, ActuationStatus.CONVERGING, "attempt 3: no answer from 127.0.0.1:53", T0);
        assertThat(engine.view("api").orElseThrow().serving()).isEqualTo(new GroupSnapshot.Serving(2, "d-2",
                ActuationStatus.CONVERGING, "attempt 3: no answer from 127.0.0.1:53", T0));

        engine.feedback().onConvergence("api", "d-1", 1, ActuationStatus.CONVERGED, "served as decided", T0.plusSeconds(1));
        assertThat(engine.view("api").orElseThrow().serving().epoch()).as("a late report on an older epoch").isEqualTo(2);

        engine.feedback().onConvergence("api", "d-2", 2, ActuationStatus.BLOCKED, "NOTAUTH (TSIG BADKEY)", T0.plusSeconds(2));
        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.serving().status()).isEqualTo(ActuationStatus.BLOCKED);
        assertThat(view.audit()).as("audit trail").anySatisfy(a -> assertThat(a.action()).isEqualTo("record BLOCKED"));

        GroupSnapshot snapshot = engine.snapshot("api").orElseThrow();
        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", clock);
        restored.handover().restore(snapshot);
        assertThat(restored.view("api").orElseThrow().serving()).as("serving survives a restart").isEqualTo(view.serving());
    }

    @Test
    void theActuatorsStepsAreKeptNewestFirstARetriedStepOnceAndTheyMoveWithTheState() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = DecisionEngineTest.engine("hold", "live", clock);
        engine.feedback().onActuationStep("api", step(0, "d-2", ActuationStep.SCALE_UP, ActuationStatus.SUCCEEDED, "2 replicas ready"));
        engine.feedback().onActuationStep("api", step(1, "d-2", ActuationStep.RECONCILE, ActuationStatus.CONVERGING, "attempt 1: timeout"));
        engine.feedback().onActuationStep("api", step(2, "d-2", ActuationStep.RECONCILE, ActuationStatus.CONVERGING, "attempt 2: timeout"));
        engine.feedback().onActuationStep("api", step(3, "d-2", ActuationStep.RECONCILE, ActuationStatus.CONVERGED, "served as decided"));
        engine.feedback().onActuationStep("api", step(4, "d-2", ActuationStep.DNS_SWITCH, ActuationStatus.FAILED, "x".repeat(400)));

        List<GroupSnapshot.ActuationEntry> kept = engine.view("api").orElseThrow().recentActuations();
        assertThat(kept).extracting(e -> e.step() + " " + e.status()).as("newest first, the retried CONVERGING once")
                .containsExactly("DNS_SWITCH FAILED", "RECONCILE CONVERGED", "RECONCILE CONVERGING", "SCALE_UP SUCCEEDED");
        assertThat(kept.get(2).detail()).as("the retried step's last attempt").isEqualTo("attempt 2: timeout");
        assertThat(kept.get(2).at()).isEqualTo(T0.plusSeconds(2));
        assertThat(kept.get(0).detail()).as("a long detail, cut").hasSize(GroupJournal.ACTUATION_DETAIL).endsWith("\u2026");

        for (int i = 0; i < GroupJournal.RECENT_ACTUATIONS; i++) {
            engine.feedback().onActuationStep("api", step(10 + i, "d-" + (3 + i), ActuationStep.COMPLETE, ActuationStatus.SUCCEEDED, "ok"));
        }
        assertThat(engine.view("api").orElseThrow().recentActuations()).as("bounded").hasSize(GroupJournal.RECENT_ACTUATIONS)
                .first().extracting(GroupSnapshot.ActuationEntry::decisionId).isEqualTo("d-" + (2 + GroupJournal.RECENT_ACTUATIONS));

        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", clock);
        restored.handover().restore(StateCodec.decode(StateCodec.encode(new StateRecord(StateRecord.SCHEMA_VERSION,
                engine.snapshot("api").orElseThrow(), engine.view("api").orElseThrow(), List.of(), T0))).snapshot());
        assertThat(restored.view("api").orElseThrow().recentActuations()).as("through a state record and a restore")
                .isEqualTo(engine.view("api").orElseThrow().recentActuations());
    }

    @Test
    void aCutDetailNeverEndsInHalfACharacter() {
        String emoji = "\uD83D\uDE00";
        String cut = GroupJournal.cut("ab" + emoji.repeat(GroupJournal.ACTUATION_DETAIL));
        assertThat(cut).endsWith("\u2026");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).as("no lone high surrogate before the ellipsis")
                .isFalse();
        assertThat(GroupJournal.cut("short")).isEqualTo("short");
        assertThat(GroupJournal.cut(null)).isNull();
    }

    static GroupSnapshot.ActuationEntry step(int second, String decision, ActuationStep step, ActuationStatus status,
            String detail) {
        return new GroupSnapshot.ActuationEntry(T0.plusSeconds(second), decision, 2, step, status, "route53", detail);
    }
}
