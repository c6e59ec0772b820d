package dev.failover.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.time.ManualClock;

/** What the actuator reports of the group's record is shown as "serving" beside the decided state (ADR 0006). */
class ServingTest {

    static final Instant T0 = Instant.parse("2026-11-22T03:00:00Z");

    @Test
    void theLatestReportIsShownOlderEpochsAreIgnoredAndBlockedOrDriftIsAudited() {
        ManualClock clock = new ManualClock(T0);
        DecisionEngine engine = DecisionEngineTest.engine("hold", "live", clock);
        assertThat(engine.view("api").orElseThrow().serving()).as("nothing reported yet").isNull();

        engine.onConvergence("api", "d-2", 2, ActuationStatus.CONVERGING, "attempt 3: no answer from 127.0.0.1:53", T0);
        assertThat(engine.view("api").orElseThrow().serving()).isEqualTo(new GroupSnapshot.Serving(2, "d-2",
                ActuationStatus.CONVERGING, "attempt 3: no answer from 127.0.0.1:53", T0));

        engine.onConvergence("api", "d-1", 1, ActuationStatus.CONVERGED, "served as decided", T0.plusSeconds(1));
        assertThat(engine.view("api").orElseThrow().serving().epoch()).as("a late report on an older epoch").isEqualTo(2);

        engine.onConvergence("api", "d-2", 2, ActuationStatus.BLOCKED, "NOTAUTH (TSIG BADKEY)", T0.plusSeconds(2));
        GroupView view = engine.view("api").orElseThrow();
        assertThat(view.serving().status()).isEqualTo(ActuationStatus.BLOCKED);
        assertThat(view.audit()).as("audit trail").anySatisfy(a -> assertThat(a.action()).isEqualTo("record BLOCKED"));

        GroupSnapshot snapshot = engine.snapshot("api").orElseThrow();
        DecisionEngine restored = DecisionEngineTest.engine("hold", "live", clock);
        restored.restore(snapshot);
        assertThat(restored.view("api").orElseThrow().serving()).as("serving survives a restart").isEqualTo(view.serving());
    }
}
