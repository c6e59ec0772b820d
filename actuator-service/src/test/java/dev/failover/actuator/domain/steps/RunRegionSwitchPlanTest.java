package dev.failover.actuator.domain.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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
        String key = RunRegionSwitchPlan.key("api", "d-7", 7);
        assertThat(RunRegionSwitchPlan.keyIn(key + ": FAILOVER to secondary: primary down")).contains(key);
        assertThat(RunRegionSwitchPlan.keyIn("bob: " + key)).as("only at the start").isEmpty();
        assertThat(RunRegionSwitchPlan.keyIn(null)).isEqualTo(Optional.empty());
        assertThat(RunRegionSwitchPlan.keyIn("failover-plane group=api decision=d-7 epoch=70: x")).get()
                .isNotEqualTo(key);
    }
}
