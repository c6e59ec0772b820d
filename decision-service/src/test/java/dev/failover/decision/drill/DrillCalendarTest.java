package dev.failover.decision.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import dev.failover.contract.topology.FailoverGroup;
import dev.failover.contract.topology.Topology;
import dev.failover.contract.topology.TopologyError;
import dev.failover.contract.topology.TopologyLoader;
import dev.failover.testkit.topology.TestTopology;

class DrillCalendarTest {

    static Topology topology(String drill) {
        return TopologyLoader.parse(TestTopology.yaml("http://127.0.0.1:1/", "http://127.0.0.1:2/") + drill, "test");
    }

    @Test
    void theDefaultScheduleAndGoodWindowsAreValid() {
        assertThat(DrillCalendar.validate(topology(""))).isEmpty();
        assertThat(DrillCalendar.validate(topology("    drill: {blockedWindows: [\"* * 9-17 ? * MON-FRI\"]}\n")))
                .isEmpty();
    }

    @Test
    void anInvalidCronOrWindowIsReportedWithItsKey() {
        assertThat(DrillCalendar
                .validate(topology("    drill: {cron: \"0 5 0 ? * FUNDAY#1\", blockedWindows: [\"* * 25 * * ?\"]}\n")))
                .extracting(TopologyError::path)
                .containsExactly("groups[0].drill.cron", "groups[0].drill.blockedWindows[0]");
    }

    @Test
    void aStartInsideABlockedWindowIsBlocked() {
        FailoverGroup group = topology("    drill: {blockedWindows: [\"* * 9-17 ? * MON-FRI\"]}\n").groups().get(0);
        assertThat(DrillCalendar.blocked(group, ZonedDateTime.parse("2026-11-23T10:15:30Z"))).isTrue(); // Monday 10:15
        assertThat(DrillCalendar.blocked(group, ZonedDateTime.parse("2026-11-23T18:15:30Z"))).isFalse(); // Monday 18:15
        assertThat(DrillCalendar.blocked(group, ZonedDateTime.parse("2026-11-22T10:15:30Z"))).isFalse(); // Sunday
    }
}
