package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.failover.actuator.regionswitch.DecisionKey;
import dev.failover.actuator.regionswitch.RegionSwitch;
import dev.failover.contract.event.DecisionKind;

/** The Region switch step's table: the mode per decision kind, and the key an execution's comment carries. */
class RunRegionSwitchPlanTest {

    @ParameterizedTest
    @CsvSource({ "FAILOVER, UNGRACEFUL", "LAST_RESORT, UNGRACEFUL", "FORCE, UNGRACEFUL", "FAILBACK, GRACEFUL",
            "SWITCHOVER, GRACEFUL", "DRILL_START, GRACEFUL", "DRILL_END, GRACEFUL", "DRILL_ABORT, GRACEFUL",
            "OVERRIDE, GRACEFUL" })
    void theModeFollowsWhetherTheOldRegionMayBeImpaired(DecisionKind kind, RegionSwitch.Mode mode) {
        assertThat(RunRegionSwitchPlan.mode(kind)).isEqualTo(mode);
    }

    @Test
    void theKeyIsFoundAtTheStartOfAComment() {
        DecisionKey key = new DecisionKey("api", "d-7", 7);
        assertThat(DecisionKey.in(key.text() + ": FAILOVER to secondary: primary down")).contains(key);
        assertThat(DecisionKey.in(key.text())).contains(key);
        assertThat(DecisionKey.in("bob: " + key.text())).as("only at the start").isEmpty();
        assertThat(DecisionKey.in(null)).isEmpty();
        assertThat(DecisionKey.in("failover-plane group=api decision=d-7 epoch=70: x")).get().isNotEqualTo(key);
        assertThat(DecisionKey.in("failover-plane group=api decision=d-7 epoch=7x")).as("a longer epoch is no key")
                .isEmpty();
    }
}
