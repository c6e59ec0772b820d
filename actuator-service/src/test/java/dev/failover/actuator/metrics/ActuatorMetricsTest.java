package dev.failover.actuator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.failover.contract.event.ActuationResult;
import dev.failover.contract.event.ActuationStatus;
import dev.failover.contract.event.ActuationStep;
import dev.failover.contract.event.DecisionKind;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A planned move's minutes of waiting out a TTL are not a slow failover: FailoverSwitchSlow watches only the others. */
class ActuatorMetricsTest {

    @ParameterizedTest
    @EnumSource(DecisionKind.class)
    void aCompletedMoveIsTimedAsASwitchUnlessItWasPlanned(DecisionKind kind) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant at = Instant.parse("2026-11-23T10:00:00Z");
        new ActuatorMetrics(registry).stepFinished(new ActuationResult(1, "api", "d-1", 1L, ActuationStep.COMPLETE,
                ActuationStatus.SUCCEEDED, "rfc2136", "served", at, at.plusSeconds(310), 310_000L, kind));
        Timer switched = registry.find(ActuatorMetrics.DECISION_TO_SWITCH).tag("group", "api").timer();
        Timer planned = registry.find(ActuatorMetrics.PLANNED_MOVE).tag("group", "api").timer();
        boolean isPlanned = kind == DecisionKind.SWITCHOVER || kind == DecisionKind.DRILL_START || kind == DecisionKind.DRILL_END;
        assertThat(isPlanned ? planned : switched).as("the timer of a " + kind).isNotNull()
                .satisfies(t -> assertThat(t.count()).isEqualTo(1));
        assertThat(isPlanned ? switched : planned).as("the other timer").isNull();
    }
}
